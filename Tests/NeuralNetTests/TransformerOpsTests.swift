import Foundation
@testable import NeuralNet
import Testing
import TestSupport

/// The transformer ops against plain Double references.
@Suite("Transformer ops")
struct TransformerOpsTests {
    @Test("fast erf is within 1e-7 of Foundation's erf for every float in [-8, 8] on a fine grid, and odd")
    func erfAccuracy() {
        var worst = 0.0
        var worstAt: Float = 0
        let steps = 1_600_000
        var batch = Float8()
        for start in stride(from: 0, to: steps, by: 8) {
            for lane in 0..<8 { batch[lane] = -8 + 16 * Float(start + lane) / Float(steps) }
            let result = FastMath.erf(batch)
            for lane in 0..<8 {
                let error = abs(Double(result[lane]) - Foundation.erf(Double(batch[lane])))
                if error > worst { (worst, worstAt) = (error, batch[lane]) }
            }
        }
        #expect(worst <= 1e-7, "max |erf error| \(worst) at \(worstAt)")
        // Special points: both sides of the two splits, zero, tiny, huge.
        let special: [Float] = [0, 1e-30, -1e-30, FastMath.erfSplit, FastMath.erfSplit.nextDown, FastMath.erfSaturation,
                                FastMath.erfSaturation.nextDown, 1e30, -1e30, .greatestFiniteMagnitude]
        for x in special {
            let value = FastMath.erf(Float8(repeating: x))[0]
            #expect(abs(Double(value) - Foundation.erf(Double(x))) <= 1e-7, "erf(\(x)) = \(value)")
            #expect(FastMath.erf(Float8(repeating: -x))[0] == -value)
        }
    }

    @Test("fast exp has a relative error below 2e-7 on [-87, 88]")
    func expAccuracy() {
        var worst = 0.0
        for i in 0..<200_000 {
            let x = -87 + 175 * Float(i) / 200_000
            let value = FastMath.exp(Float8(repeating: x))[0]
            worst = max(worst, abs(Double(value) / Foundation.exp(Double(x)) - 1))
        }
        #expect(worst < 2e-7, "max relative exp error \(worst)")
        #expect(FastMath.exp(Float8(repeating: -.infinity))[0] < 1e-37)
        #expect(FastMath.exp(Float8(repeating: 1000))[0].isFinite)
    }

    @Test("activations match their definitions", arguments: Activation.allCases)
    func activations(_ activation: Activation) {
        func reference(_ x: Double) -> Double {
            switch activation {
            case .gelu: 0.5 * x * (1 + Foundation.erf(x / 2.0.squareRoot()))
            case .geluTanh: 0.5 * x * (1 + Foundation.tanh((2 / Double.pi).squareRoot() * (x + 0.044715 * x * x * x)))
            case .quickGELU: x / (1 + Foundation.exp(-1.702 * x))
            case .relu: max(x, 0)
            }
        }
        for i in 0...4_000 {
            let x = -20 + 40 * Float(i) / 4_000
            let got = Double(activation(x))
            #expect(abs(got - reference(Double(x))) <= 2e-6 * max(1, abs(reference(Double(x)))), "\(activation)(\(x)) = \(got)")
        }
    }

    @Test("the activation of a matrix with a bias equals the scalar form, on every row and for odd widths")
    func activationWithBias() {
        var generator = SeededGenerator(seed: 11)
        for columns in [1, 7, 8, 13, 384] {
            let rows = 37
            let input = (0..<rows * columns).map { _ in generator.nextGaussian() * 3 }
            let bias = (0..<columns).map { _ in generator.nextGaussian() }
            var values = input
            values.withUnsafeMutableBufferPointer { values in
                bias.withUnsafeBufferPointer { Activation.gelu.apply(to: values.baseAddress!, rows: rows, columns: columns, bias: $0.baseAddress) }
            }
            for i in 0..<rows * columns {
                #expect(values[i] == Activation.gelu(input[i] + bias[i % columns]))
            }
        }
    }

    @Test("layer norm, alone and fused with a residual and a bias, matches the Double formula")
    func layerNorm() throws {
        var generator = SeededGenerator(seed: 12)
        for width in [5, 8, 64, 384, 391] {
            let rows = 29
            let x = (0..<rows * width).map { _ in generator.nextGaussian() * 2 + 0.5 }
            let residual = (0..<rows * width).map { _ in generator.nextGaussian() }
            let bias = (0..<width).map { _ in generator.nextGaussian() }
            let norm = try LayerNorm(
                weight: (0..<width).map { _ in 1 + 0.1 * generator.nextGaussian() },
                bias: (0..<width).map { _ in 0.1 * generator.nextGaussian() }, epsilon: 1e-5)

            func reference(_ row: [Double]) -> [Double] {
                let mean = row.reduce(0, +) / Double(width)
                let variance = row.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(width)
                return row.enumerated().map { (i, v) in
                    (v - mean) / (variance + 1e-5).squareRoot() * Double(norm.weight[i]) + Double(norm.bias[i])
                }
            }
            var plain = [Float](repeating: 0, count: rows * width)
            x.withUnsafeBufferPointer { x in
                plain.withUnsafeMutableBufferPointer { norm.apply(x.baseAddress!, rows: rows, into: $0.baseAddress!) }
            }
            var fused = residual
            x.withUnsafeBufferPointer { x in
                bias.withUnsafeBufferPointer { bias in
                    fused.withUnsafeMutableBufferPointer {
                        norm.apply(sumOf: x.baseAddress!, $0.baseAddress!, bias: bias.baseAddress!, rows: rows, into: $0.baseAddress!)
                    }
                }
            }
            for row in 0..<rows {
                let range = row * width..<(row + 1) * width
                let expectPlain = reference(x[range].map(Double.init))
                let expectFused = reference(range.map { Double(x[$0]) + Double(residual[$0]) + Double(bias[$0 - row * width]) })
                for (i, index) in range.enumerated() {
                    #expect(abs(Double(plain[index]) - expectPlain[i]) < 2e-5)
                    #expect(abs(Double(fused[index]) - expectFused[i]) < 2e-5)
                }
            }
        }
        #expect(throws: NeuralNetError.self) { try LayerNorm(weight: [1, 1], bias: [0], epsilon: 1e-5) }
    }

    @Test("softmax rows sum to one and match the Double formula, with large and −∞ entries")
    func softmax() {
        var generator = SeededGenerator(seed: 13)
        for columns in [1, 3, 8, 17, 77] {
            let rows = 9
            var values = (0..<rows * columns).map { _ in generator.nextGaussian() * 10 }
            values[0] = 80
            if columns > 2 { values[1] = -.infinity }
            let input = values
            values.withUnsafeMutableBufferPointer { Softmax.apply($0.baseAddress!, rows: rows, columns: columns) }
            for row in 0..<rows {
                let line = input[row * columns..<(row + 1) * columns].map(Double.init)
                let top = line.max()!
                let total = line.reduce(0) { $0 + Foundation.exp($1 - top) }
                for (i, v) in line.enumerated() {
                    #expect(abs(Double(values[row * columns + i]) - Foundation.exp(v - top) / total) < 1e-6)
                }
            }
        }
    }

    @Test("packed multi-head attention equals a per-sequence Double reference, with and without a causal mask",
          arguments: [false, true])
    func attention(causal: Bool) {
        var generator = SeededGenerator(seed: causal ? 15 : 14)
        let heads = 3, headDimension = 5, width = heads * headDimension
        let layout = SequenceLayout(lengths: [4, 1, 0, 9, 2])
        let qkv = (0..<layout.tokenCount * 3 * width).map { _ in generator.nextGaussian() }
        var context = [Float](repeating: .nan, count: layout.tokenCount * width)
        qkv.withUnsafeBufferPointer { qkv in
            context.withUnsafeMutableBufferPointer {
                Attention.selfAttention(
                    qkv: qkv.baseAddress!, layout: layout, heads: heads, headDimension: headDimension, causal: causal,
                    into: $0.baseAddress!)
            }
        }
        for sequence in 0..<layout.count {
            let rows = layout.rows(of: sequence)
            for head in 0..<heads {
                func part(_ row: Int, _ which: Int) -> [Double] {
                    (0..<headDimension).map { Double(qkv[row * 3 * width + which * width + head * headDimension + $0]) }
                }
                for i in rows {
                    let keys = rows.filter { !causal || $0 <= i }
                    let scores = keys.map { j in zip(part(i, 0), part(j, 1)).reduce(0) { $0 + $1.0 * $1.1 } / Double(headDimension).squareRoot() }
                    let top = scores.max()!
                    let weights = scores.map { Foundation.exp($0 - top) }
                    let total = weights.reduce(0, +)
                    for d in 0..<headDimension {
                        let expected = zip(keys, weights).reduce(0) { $0 + $1.1 / total * part($1.0, 2)[d] }
                        #expect(abs(Double(context[i * width + head * headDimension + d]) - expected) < 1e-5)
                    }
                }
            }
        }
    }

    @Test("linear layers, fused by concatenation, equal separate ones; accumulate adds")
    func linear() throws {
        var generator = SeededGenerator(seed: 16)
        func random(_ count: Int) -> [Float] { (0..<count).map { _ in generator.nextGaussian() } }
        let a = try Linear(weight: random(12), bias: random(3), inputs: 4, outputs: 3)
        let b = try Linear(weight: random(8), bias: random(2), inputs: 4, outputs: 2)
        let fused = try Linear(concatenating: [a, b])
        let rows = 6
        let input = random(rows * 4)
        var out = [Float](repeating: 0, count: rows * 5)
        input.withUnsafeBufferPointer { x in out.withUnsafeMutableBufferPointer { fused.apply(x.baseAddress!, rows: rows, into: $0.baseAddress!) } }
        for row in 0..<rows {
            for (o, (layer, column)) in [(a, 0), (a, 1), (a, 2), (b, 0), (b, 1)].enumerated() {
                let expected = (0..<4).reduce(Double(layer.bias![column])) {
                    $0 + Double(input[row * 4 + $1]) * Double(layer.weight[column * 4 + $1])
                }
                #expect(abs(Double(out[row * 5 + o]) - expected) < 1e-5)
            }
        }
        let before = out
        input.withUnsafeBufferPointer { x in
            out.withUnsafeMutableBufferPointer { fused.apply(x.baseAddress!, rows: rows, into: $0.baseAddress!, accumulate: true) }
        }
        for i in out.indices { #expect(abs(out[i] - 2 * before[i]) < 1e-5) }
        #expect(throws: NeuralNetError.self) { try Linear(weight: random(5), bias: nil, inputs: 2, outputs: 3) }
        #expect(throws: NeuralNetError.self) { try Linear(concatenating: [a, try Linear(weight: random(6), bias: nil, inputs: 2, outputs: 3)]) }
    }

    @Test("embedding lookups write or add rows and name an id outside the table")
    func embedding() throws {
        let table = try Embedding(table: (0..<12).map(Float.init), count: 4, width: 3, name: "words")
        var out = [Float](repeating: 1, count: 6)
        try [Int32(2), 0].withUnsafeBufferPointer { ids in
            try out.withUnsafeMutableBufferPointer { try table.lookUp(ids, into: $0.baseAddress!, accumulate: false) }
        }
        #expect(out == [6, 7, 8, 0, 1, 2])
        try [Int32(1), 1].withUnsafeBufferPointer { ids in
            try out.withUnsafeMutableBufferPointer { try table.lookUp(ids, into: $0.baseAddress!, accumulate: true) }
        }
        #expect(out == [9, 11, 13, 3, 5, 7])
        let error = #expect(throws: NeuralNetError.self) {
            try [Int32(4)].withUnsafeBufferPointer { ids in
                try out.withUnsafeMutableBufferPointer { try table.lookUp(ids, into: $0.baseAddress!, accumulate: false) }
            }
        }
        #expect(error?.code == .invalidInput)
        #expect(error?.message.contains("words") == true)
        #expect(out == [9, 11, 13, 3, 5, 7])
    }

    @Test("mean pooling averages each packed sequence (an empty one gives zeros); rows normalise to unit length")
    func pooling() {
        let layout = SequenceLayout(lengths: [2, 0, 3])
        let hidden: [Float] = [1, 2, 3, 4, /* next */ 1, 1, 2, 2, 6, 6]
        var out = [Float](repeating: .nan, count: 6)
        hidden.withUnsafeBufferPointer { h in out.withUnsafeMutableBufferPointer { Pooling.mean(h.baseAddress!, layout: layout, width: 2, into: $0.baseAddress!) } }
        #expect(out == [2, 3, 0, 0, 3, 3])
        out.withUnsafeMutableBufferPointer { Pooling.normalizeRows($0.baseAddress!, rows: 3, width: 2) }
        #expect(abs(out[0] * out[0] + out[1] * out[1] - 1) < 1e-6)
        #expect(out[2] == 0 && out[3] == 0)
        #expect(layout.offsets == [0, 2, 2, 5] && layout.tokenCount == 5 && layout.longest == 3)
    }

    @Test("parallel helpers visit every index exactly once; independent tasks run their ops inline and pass errors on")
    func parallel() throws {
        for count in [0, 1, 5, 1_000] {
            var seen = [Int](repeating: 0, count: count)
            seen.withUnsafeMutableBufferPointer { seen in
                Parallel.forEachChunk(count, minimumChunk: 3) { range in for i in range { seen[i] += 1 } }
            }
            #expect(seen.allSatisfy { $0 == 1 })
            var tasks = [Int](repeating: 0, count: count)
            tasks.withUnsafeMutableBufferPointer { tasks in
                Parallel.forEachTask(count, workers: Parallel.workers(for: count)) { _, task in tasks[task] += 1 }
            }
            #expect(tasks.allSatisfy { $0 == 1 })
            var independent = [Int](repeating: 0, count: count)
            try independent.withUnsafeMutableBufferPointer { independent in
                try Parallel.forEachIndependentTask(count) { worker, task in
                    // With several tasks on several workers, a task's ops run inline; a single
                    // task keeps every thread for its ops.
                    #expect(Parallel.workers(for: 100) == (count > 1 && Parallel.threadCount > 1 ? 1 : min(100, Parallel.threadCount)))
                    independent[task] += 1
                }
            }
            #expect(independent.allSatisfy { $0 == 1 })
        }
        struct Failure: Error {}
        #expect(throws: Failure.self) {
            try Parallel.forEachIndependentTask(50) { _, task in if task == 7 { throw Failure() } }
        }
        #expect(Parallel.workers(for: 100) == min(100, Parallel.threadCount))
    }
}
