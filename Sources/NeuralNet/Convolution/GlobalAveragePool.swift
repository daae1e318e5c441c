import CConvolutionKernels

/// Global average pooling: one mean per channel and image.
public enum GlobalAveragePool {
    /// Writes `images × channels` means of the `pixels × channels` NHWC images at `input`.
    public static func run(
        _ input: UnsafePointer<Float>, images: Int, pixels: Int, channels: Int, into output: UnsafeMutablePointer<Float>
    ) {
        for image in 0..<images {
            ConvolutionKernels.active.pointee.mean_pool(input + image * pixels * channels, pixels, channels, output + image * channels)
        }
    }
}
