/// Layer normalisation over the last dimension (PyTorch `nn.LayerNorm`):
/// y = (x − mean) / √(var + ε) · weight + bias, with the biased variance.
public struct LayerNorm: Sendable {
    /// The scale γ, one per feature.
    public let weight: [Float]
    /// The shift β, one per feature.
    public let bias: [Float]
    /// ε, added to the variance.
    public let epsilon: Float
    /// The number of features each row has.
    public var width: Int { weight.count }

    /// A layer norm with `weight` and `bias` of equal length.
    /// - Throws: `NeuralNetError` `.shapeMismatch` when they differ or are empty.
    public init(weight: [Float], bias: [Float], epsilon: Float) throws {
        guard !weight.isEmpty, weight.count == bias.count else {
            throw NeuralNetError(
                .shapeMismatch, "a layer norm needs weight and bias of one equal length, got \(weight.count) and \(bias.count)")
        }
        self.weight = weight
        self.bias = bias
        self.epsilon = epsilon
    }

    /// Reads `name.weight` and `name.bias` (each `[width]`) from `reader`.
    /// - Throws: `NeuralNetError` naming a missing or misshapen tensor.
    public init(_ reader: WeightReader, _ name: String, width: Int, epsilon: Float) throws {
        try self.init(
            weight: reader.tensor(name + ".weight", shape: [width]).storage,
            bias: reader.tensor(name + ".bias", shape: [width]).storage,
            epsilon: epsilon)
    }

    /// Normalises `rows` rows of `width` floats from `input` into `output` (which may be `input`).
    /// - Complexity: O(rows · width), rows split over `Parallel`'s threads.
    public func apply(_ input: UnsafePointer<Float>, rows: Int, into output: UnsafeMutablePointer<Float>) {
        let width = width
        forEachRow(rows, output) { row, line in
            let source = input + row * width
            if source != UnsafePointer(line) { line.update(from: source, count: width) }
        }
    }

    /// `output = LayerNorm(input + residual + bias)`, row by row: the residual connection of a
    /// post-LN transformer (BERT) in one pass. `output` may be `residual` or `input`.
    /// - Parameter bias: `width` floats added to every row (a linear layer's bias), or nil.
    /// - Complexity: O(rows · width), rows split over `Parallel`'s threads.
    public func apply(
        sumOf input: UnsafePointer<Float>, _ residual: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
        rows: Int, into output: UnsafeMutablePointer<Float>
    ) {
        let width = width
        forEachRow(rows, output) { row, line in
            let offset = row * width
            var i = 0
            while i + 8 <= width {
                var sum = load8(input, offset + i) + load8(residual, offset + i)
                if let bias { sum += load8(bias, i) }
                store8(sum, line, i)
                i += 8
            }
            while i < width {
                line[i] = input[offset + i] + residual[offset + i] + (bias?[i] ?? 0)
                i += 1
            }
        }
    }

    /// Fills each output row with `fill(row, line)` and then normalises it in place.
    private func forEachRow(
        _ rows: Int, _ output: UnsafeMutablePointer<Float>, fill: (Int, UnsafeMutablePointer<Float>) -> Void
    ) {
        let width = width
        weight.withUnsafeBufferPointer { weight in
            bias.withUnsafeBufferPointer { bias in
                // Each chunk fills and normalises its own rows.
                Parallel.forEachChunk(rows, minimumChunk: max(1, 32_768 / width)) { range in
                    for row in range {
                        let line = output + row * width
                        fill(row, line)
                        Self.normalize(line, width: width, weight: weight.baseAddress!, bias: bias.baseAddress!, epsilon: epsilon)
                    }
                }
            }
        }
    }

    /// Normalises one row in place: two passes for the mean and the variance, one to write.
    @inline(__always)
    static func normalize(
        _ x: UnsafeMutablePointer<Float>, width: Int, weight: UnsafePointer<Float>, bias: UnsafePointer<Float>, epsilon: Float
    ) {
        let vectorEnd = width & ~7
        var sum = Float8()
        var i = 0
        while i < vectorEnd {
            sum += load8(x, i)
            i += 8
        }
        var total = sum.sum()
        for j in vectorEnd..<width { total += x[j] }
        let mean = total / Float(width)

        let mean8 = Float8(repeating: mean)
        var squares = Float8()
        i = 0
        while i < vectorEnd {
            let d = load8(x, i) - mean8
            squares += d * d
            i += 8
        }
        var variance = squares.sum()
        for j in vectorEnd..<width { variance += (x[j] - mean) * (x[j] - mean) }
        variance /= Float(width)

        let inverse = 1 / (variance + epsilon).squareRoot()
        let inverse8 = Float8(repeating: inverse)
        i = 0
        while i < vectorEnd {
            store8((load8(x, i) - mean8) * inverse8 * load8(weight, i) + load8(bias, i), x, i)
            i += 8
        }
        for j in vectorEnd..<width { x[j] = (x[j] - mean) * inverse * weight[j] + bias[j] }
    }
}
