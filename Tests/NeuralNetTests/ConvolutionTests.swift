import Foundation
import NeuralNet
import Testing
import TestSupport

/// The convolution layers against direct loops in Double over NCHW data (PyTorch's definition),
/// on seeded random inputs with awkward sizes: channel counts that are not multiples of the
/// SIMD blocks, odd image sizes, strides, both paddings, batches, residuals and threads.
@Suite("Convolution layers")
struct ConvolutionTests {
    struct Case: CustomStringConvertible, Sendable {
        var images = 2, height = 9, width = 7, cin = 5, cout = 6, kernel = 3, stride = 1
        var padding = ConvolutionPadding.symmetric(1)
        var activation = ConvolutionActivation.identity
        var batchNorm = true, bias = false, residual = false, threads = 1
        var description: String {
            "\(images)×\(cin)×\(height)×\(width) k\(kernel) s\(stride) \(padding) → \(cout) \(activation) bn:\(batchNorm) bias:\(bias) res:\(residual) threads:\(threads)"
        }
    }

    static func random(_ count: Int, _ generator: inout SeededGenerator, scale: Float = 1) -> [Float] {
        (0..<count).map { _ in generator.nextGaussian() * scale }
    }

    static func tensor(_ shape: [Int], _ generator: inout SeededGenerator, scale: Float = 1) throws -> Tensor {
        try Tensor(shape: shape, storage: random(Tensor.elementCount(shape), &generator, scale: scale))
    }

    /// (before, output) along one axis, computed here from the definitions.
    static func padding(_ padding: ConvolutionPadding, size: Int, kernel: Int, stride: Int) -> (Int, Int) {
        switch padding {
        case .same:
            let output = (size + stride - 1) / stride
            return (max((output - 1) * stride + kernel - size, 0) / 2, output)
        case .explicit(let before, _, let after, _):
            return (before, (size + before + after - kernel) / stride + 1)
        }
    }

    static func activate(_ x: Double, _ activation: ConvolutionActivation) -> Double {
        switch activation {
        case .identity: x
        case .relu: max(x, 0)
        case .relu6: min(max(x, 0), 6)
        }
    }

    static func nhwc(_ nchw: [Float], images: Int, channels: Int, pixels: Int) -> [Float] {
        var out = [Float](repeating: 0, count: nchw.count)
        nchw.withUnsafeBufferPointer { i in out.withUnsafeMutableBufferPointer { o in
            FeatureMapLayout.nhwc(fromNCHW: i.baseAddress!, images: images, channels: channels, pixels: pixels, into: o.baseAddress!)
        } }
        return out
    }

    static func nchw(_ nhwc: [Float], images: Int, channels: Int, pixels: Int) -> [Float] {
        var out = [Float](repeating: 0, count: nhwc.count)
        nhwc.withUnsafeBufferPointer { i in out.withUnsafeMutableBufferPointer { o in
            FeatureMapLayout.nchw(fromNHWC: i.baseAddress!, images: images, channels: channels, pixels: pixels, into: o.baseAddress!)
        } }
        return out
    }

    /// Direct convolution in Double: NCHW input, OIHW weight, `groups` 1 or = channels.
    static func reference(
        _ c: Case, input: [Float], weight: Tensor, bias: Tensor?, bn: (scale: [Float], shift: [Float])?, residual: [Float]?,
        depthwise: Bool
    ) -> [Float] {
        let (top, outH) = padding(c.padding, size: c.height, kernel: c.kernel, stride: c.stride)
        var left = 0, outW = 0
        if case .explicit(_, let l, _, let r) = c.padding {
            left = l
            outW = (c.width + l + r - c.kernel) / c.stride + 1
        } else {
            (left, outW) = padding(.same, size: c.width, kernel: c.kernel, stride: c.stride)
        }
        var out = [Float](repeating: 0, count: c.images * c.cout * outH * outW)
        for n in 0..<c.images {
            for o in 0..<c.cout {
                for y in 0..<outH {
                    for x in 0..<outW {
                        var sum = Double(bias?.storage[o] ?? 0)
                        let inputChannels = depthwise ? [o] : Array(0..<c.cin)
                        for (wi, i) in inputChannels.enumerated() {
                            for ky in 0..<c.kernel {
                                for kx in 0..<c.kernel {
                                    let iy = y * c.stride - top + ky, ix = x * c.stride - left + kx
                                    guard iy >= 0, iy < c.height, ix >= 0, ix < c.width else { continue }
                                    let w = weight.storage[((o * (depthwise ? 1 : c.cin) + wi) * c.kernel + ky) * c.kernel + kx]
                                    sum += Double(input[((n * c.cin + i) * c.height + iy) * c.width + ix]) * Double(w)
                                }
                            }
                        }
                        if let bn { sum = sum * Double(bn.scale[o]) + Double(bn.shift[o]) }
                        let index = ((n * c.cout + o) * outH + y) * outW + x
                        if let residual { sum += Double(residual[index]) }
                        out[index] = Float(activate(sum, c.activation))
                    }
                }
            }
        }
        return out
    }

    static func batchNorm(_ channels: Int, _ generator: inout SeededGenerator) throws -> BatchNormalization {
        try BatchNormalization(
            weight: Tensor(shape: [channels], storage: (0..<channels).map { _ in Float.random(in: 0.5...1.5, using: &generator) }),
            bias: tensor([channels], &generator, scale: 0.1),
            runningMean: tensor([channels], &generator, scale: 0.2),
            runningVariance: Tensor(shape: [channels], storage: (0..<channels).map { _ in Float.random(in: 0.25...2, using: &generator) }),
            epsilon: 1e-3)
    }

    static let convolutionCases: [Case] = [
        Case(),
        Case(images: 3, height: 8, width: 8, cin: 16, cout: 24, kernel: 1, stride: 1, padding: .symmetric(0), activation: .relu6),
        Case(images: 2, height: 7, width: 5, cin: 70, cout: 33, kernel: 1, stride: 1, padding: .same, residual: true, threads: 2),
        Case(images: 2, height: 11, width: 10, cin: 3, cout: 32, kernel: 3, stride: 2, padding: .same, activation: .relu6),
        Case(images: 1, height: 16, width: 16, cin: 3, cout: 16, kernel: 7, stride: 2, padding: .symmetric(3), activation: .relu, threads: 2),
        Case(images: 3, height: 6, width: 6, cin: 8, cout: 12, kernel: 1, stride: 2, padding: .symmetric(0), bias: true),
        Case(images: 2, height: 5, width: 9, cin: 9, cout: 7, kernel: 3, stride: 1, padding: .symmetric(1), activation: .relu, residual: true, threads: 2),
        Case(images: 2, height: 12, width: 12, cin: 4, cout: 5, kernel: 5, stride: 2, padding: .explicit(top: 0, left: 1, bottom: 2, right: 2), batchNorm: false, bias: true),
    ]

    @Test("Conv2D (im2col or pointwise gemm) matches direct convolution", arguments: convolutionCases)
    func convolution(_ c: Case) throws {
        var generator = SeededGenerator(seed: UInt64(c.cin * 1000 + c.cout * 10 + c.kernel))
        let input = Self.random(c.images * c.cin * c.height * c.width, &generator)
        let weight = try Self.tensor([c.cout, c.cin, c.kernel, c.kernel], &generator, scale: 0.3)
        let bias = c.bias ? try Self.tensor([c.cout], &generator) : nil
        let bn = c.batchNorm ? try Self.batchNorm(c.cout, &generator) : nil
        let conv = try Conv2D(weight: weight, bias: bias, stride: c.stride, padding: c.padding, batchNorm: bn, activation: c.activation)
        let g = try conv.geometry(height: c.height, width: c.width)
        let outCount = c.images * g.outputPixels * c.cout
        let residual = c.residual ? Self.random(outCount, &generator) : nil
        let expected = Self.reference(
            c, input: input, weight: weight, bias: bias, bn: bn.map { ($0.scale, $0.shift) }, residual: residual, depthwise: false)
        #expect(expected.count == outCount)

        let x = Self.nhwc(input, images: c.images, channels: c.cin, pixels: c.height * c.width)
        let r = residual.map { Self.nhwc($0, images: c.images, channels: c.cout, pixels: g.outputPixels) }
        var out = [Float](repeating: .nan, count: outCount)
        var scratch = [Float](repeating: .nan, count: max(1, c.threads * conv.scratchCount(g)))
        BLASThreads.withSingleThreadedCalls {
            x.withUnsafeBufferPointer { x in
                out.withUnsafeMutableBufferPointer { o in
                    scratch.withUnsafeMutableBufferPointer { s in
                        if let r {
                            r.withUnsafeBufferPointer { r in
                                conv.run(x.baseAddress!, images: c.images, geometry: g, into: o.baseAddress!, residual: r.baseAddress!,
                                         scratch: s.baseAddress!, threads: c.threads)
                            }
                        } else {
                            conv.run(x.baseAddress!, images: c.images, geometry: g, into: o.baseAddress!, scratch: s.baseAddress!, threads: c.threads)
                        }
                    }
                }
            }
        }
        let got = Self.nchw(out, images: c.images, channels: c.cout, pixels: g.outputPixels)
        let worst = zip(got, expected).map { abs($0 - $1) }.max() ?? .nan
        #expect(worst <= 1e-4, "\(c): max abs diff \(worst)")
    }

    static let depthwiseCases: [Case] = [
        Case(images: 2, height: 9, width: 7, cin: 5, cout: 5, kernel: 3, stride: 1, padding: .same, activation: .relu6),
        Case(images: 3, height: 12, width: 11, cin: 96, cout: 96, kernel: 3, stride: 2, padding: .same, activation: .relu6, threads: 2),
        Case(images: 2, height: 14, width: 14, cin: 80, cout: 80, kernel: 5, stride: 1, padding: .same, activation: .relu6),
        Case(images: 1, height: 9, width: 9, cin: 150, cout: 150, kernel: 5, stride: 2, padding: .same, activation: .identity, threads: 2),
        Case(images: 2, height: 5, width: 6, cin: 17, cout: 17, kernel: 3, stride: 1, padding: .symmetric(1), activation: .relu, batchNorm: false, bias: true),
        Case(images: 1, height: 7, width: 7, cin: 64, cout: 64, kernel: 7, stride: 1, padding: .symmetric(3)),
        // Wide rows: the interior runs 8 outputs at a time, with channel tails after them.
        Case(images: 2, height: 6, width: 41, cin: 40, cout: 40, kernel: 5, stride: 2, padding: .same, activation: .relu6, threads: 2),
        Case(images: 1, height: 5, width: 37, cin: 100, cout: 100, kernel: 3, stride: 1, padding: .same, activation: .relu6),
        Case(images: 1, height: 4, width: 30, cin: 3, cout: 3, kernel: 3, stride: 1, padding: .symmetric(1)),
    ]

    @Test("DepthwiseConv2D matches direct grouped convolution", arguments: depthwiseCases)
    func depthwise(_ c: Case) throws {
        var generator = SeededGenerator(seed: UInt64(c.cin * 100 + c.kernel * 10 + c.stride))
        let input = Self.random(c.images * c.cin * c.height * c.width, &generator)
        let weight = try Self.tensor([c.cin, 1, c.kernel, c.kernel], &generator, scale: 0.5)
        let bias = c.bias ? try Self.tensor([c.cin], &generator) : nil
        let bn = c.batchNorm ? try Self.batchNorm(c.cin, &generator) : nil
        let conv = try DepthwiseConv2D(weight: weight, bias: bias, stride: c.stride, padding: c.padding, batchNorm: bn, activation: c.activation)
        let g = try conv.geometry(height: c.height, width: c.width)
        let expected = Self.reference(c, input: input, weight: weight, bias: bias, bn: bn.map { ($0.scale, $0.shift) }, residual: nil, depthwise: true)
        let x = Self.nhwc(input, images: c.images, channels: c.cin, pixels: c.height * c.width)
        var out = [Float](repeating: .nan, count: c.images * g.outputPixels * c.cin)
        x.withUnsafeBufferPointer { x in
            out.withUnsafeMutableBufferPointer { o in
                conv.run(x.baseAddress!, images: c.images, geometry: g, into: o.baseAddress!, threads: c.threads)
            }
        }
        let got = Self.nchw(out, images: c.images, channels: c.cin, pixels: g.outputPixels)
        #expect(got.count == expected.count)
        let worst = zip(got, expected).map { abs($0 - $1) }.max() ?? .nan
        #expect(worst <= 1e-4, "\(c): max abs diff \(worst)")
    }

    @Test("max pooling 3×3 s2 p1 ignores the padding; global average pooling averages every pixel")
    func pooling() throws {
        var generator = SeededGenerator(seed: 11)
        let (images, channels, height, width) = (2, 19, 9, 8)
        let input = Self.random(images * channels * height * width, &generator).map { $0 - 3 }  // all negative-ish: padding must not win
        let pool = MaxPool2D(kernelSize: 3, stride: 2, padding: .symmetric(1))
        let g = try pool.geometry(height: height, width: width, channels: channels)
        #expect((g.outputHeight, g.outputWidth) == (5, 4))
        let x = Self.nhwc(input, images: images, channels: channels, pixels: height * width)
        var out = [Float](repeating: .nan, count: images * channels * g.outputPixels)
        x.withUnsafeBufferPointer { x in out.withUnsafeMutableBufferPointer { o in
            pool.run(x.baseAddress!, images: images, geometry: g, into: o.baseAddress!, threads: 2)
        } }
        let got = Self.nchw(out, images: images, channels: channels, pixels: g.outputPixels)
        for n in 0..<images {
            for c in 0..<channels {
                for y in 0..<g.outputHeight {
                    for xo in 0..<g.outputWidth {
                        var best = -Float.infinity
                        for iy in max(0, 2 * y - 1)...min(height - 1, 2 * y + 1) {
                            for ix in max(0, 2 * xo - 1)...min(width - 1, 2 * xo + 1) {
                                best = max(best, input[((n * channels + c) * height + iy) * width + ix])
                            }
                        }
                        #expect(got[((n * channels + c) * g.outputHeight + y) * g.outputWidth + xo] == best)
                    }
                }
            }
        }
        var means = [Float](repeating: .nan, count: images * channels)
        x.withUnsafeBufferPointer { x in means.withUnsafeMutableBufferPointer { m in
            GlobalAveragePool.run(x.baseAddress!, images: images, pixels: height * width, channels: channels, into: m.baseAddress!)
        } }
        for n in 0..<images {
            for c in 0..<channels {
                let plane = input[((n * channels + c) * height * width)..<((n * channels + c + 1) * height * width)]
                let mean = plane.reduce(0.0) { $0 + Double($1) } / Double(height * width)
                #expect(abs(Double(means[n * channels + c]) - mean) < 1e-5)
            }
        }
    }

    @Test("TF SAME padding puts the odd pixel after; shapes that cannot run are errors")
    func geometry() throws {
        let same = try WindowGeometry(inputHeight: 224, inputWidth: 224, channels: 3, kernelHeight: 3, kernelWidth: 3, stride: 2, padding: .same)
        #expect((same.outputHeight, same.padTop, same.padLeft) == (112, 0, 0))
        let five = try WindowGeometry(inputHeight: 28, inputWidth: 28, channels: 1, kernelHeight: 5, kernelWidth: 5, stride: 2, padding: .same)
        #expect((five.outputHeight, five.padTop) == (14, 1))
        #expect(throws: NeuralNetError.self) {
            try WindowGeometry(inputHeight: 2, inputWidth: 2, channels: 1, kernelHeight: 7, kernelWidth: 7, stride: 1, padding: .symmetric(0))
        }
        #expect(throws: NeuralNetError.self) { try Conv2D(weight: Tensor(shape: [4, 3, 3]), padding: .same) }
        var generator = SeededGenerator(seed: 1)
        let bn = try Self.batchNorm(5, &generator)
        #expect(throws: NeuralNetError.self) { try Conv2D(weight: Tensor(shape: [4, 3, 1, 1]), padding: .same, batchNorm: bn) }
        #expect(throws: NeuralNetError.self) { try DepthwiseConv2D(weight: Tensor(shape: [4, 2, 3, 3]), padding: .same) }
    }
}
