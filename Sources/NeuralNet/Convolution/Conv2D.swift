import CConvolutionKernels

/// A 2-D convolution on NHWC feature maps, with its batch norm folded in and its bias, residual
/// and activation applied as the epilogue of each gemm.
///
/// A 1×1 convolution with stride 1 is one gemm over every pixel of the batch
/// (`[pixels, cin] × [cin, cout]`); any other is im2col of a band of output rows into scratch,
/// then a gemm. Work is cut into bands of output rows (across images when images are small) so
/// that the epilogue touches output still in cache, and the bands are shared between threads.
public struct Conv2D: Sendable {
    public let inputChannels: Int
    public let outputChannels: Int
    public let kernelHeight: Int
    public let kernelWidth: Int
    public let stride: Int
    public let padding: ConvolutionPadding
    public let activation: ConvolutionActivation
    /// `[kernelHeight·kernelWidth·inputChannels, outputChannels]`, row-major, taps in (ky, kx, c)
    /// order: the right operand of the gemm.
    let weights: [Float]
    /// Per output channel (zeros when the layer had neither bias nor batch norm).
    let bias: [Float]

    /// A convolution from a PyTorch weight `[cout, cin, kh, kw]` and an optional bias `[cout]`,
    /// with `batchNorm` (if any) folded into both.
    /// - Throws: `NeuralNetError` `.shapeMismatch` when the shapes disagree.
    public init(
        weight: Tensor, bias: Tensor? = nil, stride: Int = 1, padding: ConvolutionPadding,
        batchNorm: BatchNormalization? = nil, activation: ConvolutionActivation = .identity
    ) throws {
        guard weight.rank == 4, weight.shape.allSatisfy({ $0 > 0 }), stride > 0 else {
            throw NeuralNetError(.shapeMismatch, "a convolution weight must be [cout, cin, kh, kw] with stride ≥ 1, got \(weight.shape)")
        }
        let (cout, cin, kh, kw) = (weight.shape[0], weight.shape[1], weight.shape[2], weight.shape[3])
        try Self.checkChannels(cout, bias: bias, batchNorm: batchNorm)
        inputChannels = cin
        outputChannels = cout
        kernelHeight = kh
        kernelWidth = kw
        self.stride = stride
        self.padding = padding
        self.activation = activation
        let scale = batchNorm?.scale ?? [Float](repeating: 1, count: cout)
        var folded = [Float](repeating: 0, count: kh * kw * cin * cout)
        weight.withUnsafeBufferPointer { w in
            for o in 0..<cout {
                for c in 0..<cin {
                    for y in 0..<kh {
                        for x in 0..<kw {
                            folded[((y * kw + x) * cin + c) * cout + o] = w[((o * cin + c) * kh + y) * kw + x] * scale[o]
                        }
                    }
                }
            }
        }
        weights = folded
        self.bias = Self.foldedBias(cout, bias: bias, batchNorm: batchNorm)
    }

    static func checkChannels(_ channels: Int, bias: Tensor?, batchNorm: BatchNormalization?) throws {
        if let bias, bias.shape != [channels] {
            throw NeuralNetError(.shapeMismatch, "a bias of shape \(bias.shape) for \(channels) output channels")
        }
        if let batchNorm, batchNorm.channels != channels {
            throw NeuralNetError(.shapeMismatch, "a batch norm of \(batchNorm.channels) channels after a convolution of \(channels)")
        }
    }

    /// bias · scale + shift, or the bias alone, or zeros.
    static func foldedBias(_ channels: Int, bias: Tensor?, batchNorm: BatchNormalization?) -> [Float] {
        (0..<channels).map { o in
            let b = bias?.storage[o] ?? 0
            guard let batchNorm else { return b }
            return b * batchNorm.scale[o] + batchNorm.shift[o]
        }
    }

    /// True for the 1×1, stride-1, unpadded case that needs no im2col.
    var isPointwise: Bool {
        kernelHeight == 1 && kernelWidth == 1 && stride == 1 && (padding.isZero || padding == .same)
    }

    /// The geometry of this convolution on an image of `height × width`.
    /// - Throws: `NeuralNetError` `.shapeMismatch` when the window does not fit.
    public func geometry(height: Int, width: Int) throws -> WindowGeometry {
        try WindowGeometry(
            inputHeight: height, inputWidth: width, channels: inputChannels,
            kernelHeight: kernelHeight, kernelWidth: kernelWidth, stride: stride, padding: padding)
    }

    /// Output rows per band: about `targetPixels` output pixels (fewer when the im2col rows are
    /// long), so that a band's im2col and output stay in L2.
    private func bandRows(_ g: WindowGeometry) -> Int {
        let columns = kernelHeight * kernelWidth * inputChannels
        let pixels = isPointwise ? max(128, 65_536 / outputChannels) : max(64, min(1024, 131_072 / columns))
        return max(1, pixels / g.outputWidth)
    }

    /// Floats of scratch one thread needs for `run` at geometry `g` (0 for a pointwise layer).
    public func scratchCount(_ g: WindowGeometry) -> Int {
        isPointwise ? 0 : bandRows(g) * g.outputWidth * kernelHeight * kernelWidth * inputChannels
    }

    /// Runs the convolution on `images` NHWC images stored one after another at `input`,
    /// writing `images · outputPixels · outputChannels` floats to `output`.
    ///
    /// - Parameters:
    ///   - residual: added before the activation; laid out like `output`.
    ///   - scratch: `threads · scratchCount(g)` floats (unused by a pointwise layer).
    ///   - threads: threads to share the bands between; with more than one, call this inside
    ///     `BLASThreads.withSingleThreadedCalls`.
    public func run(
        _ input: UnsafePointer<Float>, images: Int, geometry g: WindowGeometry,
        into output: UnsafeMutablePointer<Float>, residual: UnsafePointer<Float>? = nil,
        scratch: UnsafeMutablePointer<Float>?, threads: Int = 1
    ) {
        precondition(g.channels == inputChannels, "geometry for \(g.channels) channels on a \(inputChannels)-channel convolution")
        let band = bandRows(g)
        let totalRows = images * g.outputHeight
        let bands = (totalRows + band - 1) / band
        let columns = kernelHeight * kernelWidth * inputChannels
        let perThreadScratch = scratchCount(g)
        weights.withUnsafeBufferPointer { weights in
            bias.withUnsafeBufferPointer { bias in
                // Each worker writes only the output (and its own scratch) of its bands.
                ParallelWork.forEachRange(count: bands, workers: threads) { bandRange, worker in
                    for b in bandRange {
                        let rows = (b * band)..<min(totalRows, (b + 1) * band)
                        let firstPixel = rows.lowerBound * g.outputWidth
                        let pixels = rows.count * g.outputWidth
                        let left: UnsafePointer<Float>
                        if isPointwise {
                            left = input + firstPixel * inputChannels
                        } else {
                            guard let scratch else { preconditionFailure("Conv2D.run needs scratch for a \(kernelHeight)×\(kernelWidth) convolution") }
                            let columnsBuffer = scratch + worker * perThreadScratch
                            var window = g.window
                            var written = 0
                            ParallelWork.forEachImage(in: rows, rowsPerImage: g.outputHeight) { image, imageRows in
                                loupe_im2col_nhwc(
                                    input + image * g.inputCount, &window, columnsBuffer + written * columns,
                                    Int32(imageRows.lowerBound), Int32(imageRows.upperBound))
                                written += imageRows.count * g.outputWidth
                            }
                            left = UnsafePointer(columnsBuffer)
                        }
                        let out = output + firstPixel * outputChannels
                        Gemm.multiply(left, weights.baseAddress!, into: out, m: pixels, n: outputChannels, k: columns)
                        ConvolutionKernels.active.pointee.bias_activation(
                            out, pixels, outputChannels, bias.baseAddress, residual.map { $0 + firstPixel * outputChannels },
                            activation.kernelValue)
                    }
                }
            }
        }
    }
}

extension ConvolutionPadding {
    var isZero: Bool {
        if case .explicit(0, 0, 0, 0) = self { return true }
        return false
    }
}
