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
