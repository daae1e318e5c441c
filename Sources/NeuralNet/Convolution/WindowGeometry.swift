import CConvolutionKernels

/// How a convolution or pooling window is padded.
public enum ConvolutionPadding: Sendable, Equatable {
    /// Fixed zeros before (`top`, `left`) and after (`bottom`, `right`) the image.
    case explicit(top: Int, left: Int, bottom: Int, right: Int)
    /// TensorFlow "SAME": the output has ⌈size / stride⌉ pixels and the padding
    /// `max((out − 1)·stride + kernel − size, 0)` is split with the smaller half before.
    case same

    /// The same padding `p` on every side (PyTorch's `padding=p`).
    public static func symmetric(_ p: Int) -> ConvolutionPadding { .explicit(top: p, left: p, bottom: p, right: p) }

    /// (padding before, output size) along one axis.
    func resolve(size: Int, kernel: Int, stride: Int, explicitBefore: Int, explicitAfter: Int) -> (before: Int, output: Int) {
        switch self {
        case .same:
            let output = (size + stride - 1) / stride
            let total = max((output - 1) * stride + kernel - size, 0)
            return (total / 2, output)
        case .explicit:
            return (explicitBefore, (size + explicitBefore + explicitAfter - kernel) / stride + 1)
        }
    }
}

/// The sizes of one window operation on one NHWC image: input, output, window and padding.
public struct WindowGeometry: Sendable, Equatable {
    public let inputHeight: Int, inputWidth: Int, channels: Int
    public let outputHeight: Int, outputWidth: Int
    public let kernelHeight: Int, kernelWidth: Int, stride: Int
    public let padTop: Int, padLeft: Int

    /// The geometry of a `kernelHeight × kernelWidth` window moved by `stride` over an image.
    /// - Throws: `NeuralNetError` `.shapeMismatch` when the output would be empty or a size is not positive.
    public init(
        inputHeight: Int, inputWidth: Int, channels: Int, kernelHeight: Int, kernelWidth: Int, stride: Int,
        padding: ConvolutionPadding
    ) throws {
        guard inputHeight > 0, inputWidth > 0, channels > 0, kernelHeight > 0, kernelWidth > 0, stride > 0 else {
            throw NeuralNetError(
                .shapeMismatch,
                "a \(kernelHeight)×\(kernelWidth) window with stride \(stride) cannot run on a \(inputHeight)×\(inputWidth)×\(channels) input")
        }
        var (top, left, bottom, right) = (0, 0, 0, 0)
        if case .explicit(let t, let l, let b, let r) = padding { (top, left, bottom, right) = (t, l, b, r) }
        let vertical = padding.resolve(size: inputHeight, kernel: kernelHeight, stride: stride, explicitBefore: top, explicitAfter: bottom)
        let horizontal = padding.resolve(size: inputWidth, kernel: kernelWidth, stride: stride, explicitBefore: left, explicitAfter: right)
        guard vertical.output > 0, horizontal.output > 0, min(top, left, bottom, right) >= 0 else {
            throw NeuralNetError(
                .shapeMismatch,
                "a \(kernelHeight)×\(kernelWidth) window with padding \(padding) does not fit a \(inputHeight)×\(inputWidth) input")
        }
        self.inputHeight = inputHeight
        self.inputWidth = inputWidth
        self.channels = channels
        self.kernelHeight = kernelHeight
        self.kernelWidth = kernelWidth
        self.stride = stride
        (padTop, outputHeight) = vertical
        (padLeft, outputWidth) = horizontal
    }

    /// Floats in one input image.
    public var inputCount: Int { inputHeight * inputWidth * channels }
    /// Output pixels of one image.
    public var outputPixels: Int { outputHeight * outputWidth }

    var window: loupe_window {
        loupe_window(
            height: Int32(inputHeight), width: Int32(inputWidth), channels: Int32(channels),
            out_height: Int32(outputHeight), out_width: Int32(outputWidth),
            kernel_h: Int32(kernelHeight), kernel_w: Int32(kernelWidth), stride: Int32(stride),
            pad_top: Int32(padTop), pad_left: Int32(padLeft))
    }
}
