import CConvolutionKernels

/// Max pooling over a window on NHWC feature maps; taps in the padding are ignored (as
/// PyTorch's `MaxPool2d` pads with −∞).
public struct MaxPool2D: Sendable {
    public let kernelSize: Int
    public let stride: Int
    public let padding: ConvolutionPadding

    public init(kernelSize: Int, stride: Int, padding: ConvolutionPadding) {
        self.kernelSize = kernelSize
        self.stride = stride
        self.padding = padding
    }

    /// The geometry of this pooling on an image of `height × width × channels`.
    /// - Throws: `NeuralNetError` `.shapeMismatch` when the window does not fit.
    public func geometry(height: Int, width: Int, channels: Int) throws -> WindowGeometry {
        try WindowGeometry(
            inputHeight: height, inputWidth: width, channels: channels,
            kernelHeight: kernelSize, kernelWidth: kernelSize, stride: stride, padding: padding)
    }

    /// Pools `images` NHWC images at `input` into `output`, output rows shared between `threads`.
    public func run(
        _ input: UnsafePointer<Float>, images: Int, geometry g: WindowGeometry,
        into output: UnsafeMutablePointer<Float>, threads: Int = 1
    ) {
        let outputCount = g.outputPixels * g.channels
        ParallelWork.forEachImageRows(images: images, rowsPerImage: g.outputHeight, workers: threads) { image, rows in
            var window = g.window
            ConvolutionKernels.active.pointee.max_pool(
                input + image * g.inputCount, &window, output + image * outputCount, Int32(rows.lowerBound), Int32(rows.upperBound))
        }
    }
}

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
