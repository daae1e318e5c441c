import CConvolutionKernels

/// Conversions between PyTorch's NCHW layout and the NHWC layout the convolution layers use.
public enum FeatureMapLayout {
    /// NCHW → NHWC for `images` images of `channels × pixels`.
    public static func nhwc(fromNCHW input: UnsafePointer<Float>, images: Int, channels: Int, pixels: Int, into output: UnsafeMutablePointer<Float>) {
        for image in 0..<images {
            let offset = image * channels * pixels
            loupe_nchw_to_nhwc(input + offset, channels, pixels, output + offset)
        }
    }

    /// NHWC → NCHW for `images` images of `pixels × channels`.
    public static func nchw(fromNHWC input: UnsafePointer<Float>, images: Int, channels: Int, pixels: Int, into output: UnsafeMutablePointer<Float>) {
        for image in 0..<images {
            let offset = image * channels * pixels
            loupe_nhwc_to_nchw(input + offset, channels, pixels, output + offset)
        }
    }
}
