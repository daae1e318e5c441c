import CConvolutionKernels

/// A depthwise 2-D convolution (one k×k filter per channel, PyTorch `groups = channels`) on
/// NHWC feature maps, with its batch norm folded in and bias and activation fused into the
/// kernel. The loops run over blocks of contiguous channels in vector registers.
public struct DepthwiseConv2D: Sendable {
    public let channels: Int
    public let kernelHeight: Int
    public let kernelWidth: Int
    public let stride: Int
    public let padding: ConvolutionPadding
    public let activation: ConvolutionActivation
    /// `[kernelHeight·kernelWidth, channels]`: tap-major, channels contiguous.
    let weights: [Float]
    let bias: [Float]

    /// A depthwise convolution from a PyTorch weight `[channels, 1, kh, kw]` and optional bias,
    /// with `batchNorm` (if any) folded in.
    /// - Throws: `NeuralNetError` `.shapeMismatch` when the shapes disagree.
    public init(
        weight: Tensor, bias: Tensor? = nil, stride: Int = 1, padding: ConvolutionPadding,
        batchNorm: BatchNormalization? = nil, activation: ConvolutionActivation = .identity
    ) throws {
        guard weight.rank == 4, weight.shape[1] == 1, weight.shape.allSatisfy({ $0 > 0 }), stride > 0 else {
            throw NeuralNetError(.shapeMismatch, "a depthwise convolution weight must be [channels, 1, kh, kw] with stride ≥ 1, got \(weight.shape)")
        }
        let (c, kh, kw) = (weight.shape[0], weight.shape[2], weight.shape[3])
        try Conv2D.checkChannels(c, bias: bias, batchNorm: batchNorm)
        channels = c
        kernelHeight = kh
        kernelWidth = kw
        self.stride = stride
        self.padding = padding
        self.activation = activation
        let scale = batchNorm?.scale ?? [Float](repeating: 1, count: c)
        var folded = [Float](repeating: 0, count: kh * kw * c)
        for channel in 0..<c {
            for tap in 0..<(kh * kw) { folded[tap * c + channel] = weight.storage[channel * kh * kw + tap] * scale[channel] }
        }
        weights = folded
        self.bias = Conv2D.foldedBias(c, bias: bias, batchNorm: batchNorm)
    }

    /// The geometry of this convolution on an image of `height × width`.
    /// - Throws: `NeuralNetError` `.shapeMismatch` when the window does not fit.
    public func geometry(height: Int, width: Int) throws -> WindowGeometry {
        try WindowGeometry(
            inputHeight: height, inputWidth: width, channels: channels,
            kernelHeight: kernelHeight, kernelWidth: kernelWidth, stride: stride, padding: padding)
    }

    /// Runs on `images` NHWC images at `input`, writing `images · outputPixels · channels` floats
    /// to `output`; the output rows of the batch are shared between `threads` threads.
    public func run(
        _ input: UnsafePointer<Float>, images: Int, geometry g: WindowGeometry,
        into output: UnsafeMutablePointer<Float>, threads: Int = 1
    ) {
        precondition(g.channels == channels, "geometry for \(g.channels) channels on a \(channels)-channel depthwise convolution")
        let outputCount = g.outputPixels * channels
        weights.withUnsafeBufferPointer { weights in
            bias.withUnsafeBufferPointer { bias in
                ParallelWork.forEachImageRows(images: images, rowsPerImage: g.outputHeight, workers: threads) { image, rows in
                    var window = g.window
                    ConvolutionKernels.active.pointee.depthwise(
                        input + image * g.inputCount, &window, weights.baseAddress, bias.baseAddress,
                        activation.kernelValue, output + image * outputCount, Int32(rows.lowerBound), Int32(rows.upperBound))
                }
            }
        }
    }
}
