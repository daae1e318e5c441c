/// A fully connected layer y = x·Wᵀ + b, with W stored as PyTorch stores it (`outputs × inputs`),
/// through sgemm on OpenBLAS's threads.
public struct Linear: Sendable {
    /// Features in.
    public let inputs: Int
    /// Features out.
    public let outputs: Int
    /// `outputs × inputs`, row-major.
    public let weight: [Float]
    /// `outputs` floats, or nil for a layer without bias.
    public let bias: [Float]?

    /// A layer from its weight (`outputs × inputs`) and optional bias (`outputs`).
    /// - Throws: `NeuralNetError` `.shapeMismatch` when the counts do not fit.
    public init(weight: [Float], bias: [Float]?, inputs: Int, outputs: Int) throws {
        guard inputs > 0, outputs > 0, weight.count == inputs * outputs, bias.map({ $0.count == outputs }) ?? true else {
            throw NeuralNetError(
                .shapeMismatch,
                "a linear layer \(inputs) → \(outputs) needs \(inputs * outputs) weights and \(outputs) biases, got \(weight.count) and \(bias?.count ?? 0)")
        }
        self.weight = weight
        self.bias = bias
        self.inputs = inputs
        self.outputs = outputs
    }

    /// Reads `name.weight` (`[outputs, inputs]`) and, when `hasBias`, `name.bias` (`[outputs]`).
    /// - Throws: `NeuralNetError` naming a missing or misshapen tensor.
    public init(_ reader: WeightReader, _ name: String, inputs: Int, outputs: Int, hasBias: Bool = true) throws {
        try self.init(
            weight: reader.tensor(name + ".weight", shape: [outputs, inputs]).storage,
            bias: hasBias ? reader.tensor(name + ".bias", shape: [outputs]).storage : nil,
            inputs: inputs, outputs: outputs)
    }

    /// One layer computing all of `parts` side by side (their outputs concatenated), e.g. the
    /// query, key and value projections as one gemm.
    /// - Throws: `NeuralNetError` `.shapeMismatch` when the parts differ in inputs or in having a bias.
    public init(concatenating parts: [Linear]) throws {
        guard let first = parts.first, parts.allSatisfy({ $0.inputs == first.inputs && ($0.bias == nil) == (first.bias == nil) }) else {
            throw NeuralNetError(.shapeMismatch, "linear layers concatenated along their outputs must share inputs and bias")
        }
        try self.init(
            weight: parts.flatMap(\.weight), bias: first.bias == nil ? nil : parts.flatMap { $0.bias ?? [] },
            inputs: first.inputs, outputs: parts.reduce(0) { $0 + $1.outputs })
    }

    /// `output = input·Wᵀ (+ b)` for `rows` rows, or `output += input·Wᵀ (+ b)` when `accumulate`.
    ///
    /// - Parameters:
    ///   - input: `rows × inputs` floats.
    ///   - output: `rows × outputs` floats; must not overlap `input`.
    ///   - addingBias: false leaves the bias out, for a caller that fuses it into the next op.
    /// - Complexity: O(rows · inputs · outputs) at sgemm speed.
    public func apply(
        _ input: UnsafePointer<Float>, rows: Int, into output: UnsafeMutablePointer<Float>,
        addingBias: Bool = true, accumulate: Bool = false
    ) {
        weight.withUnsafeBufferPointer { weight in
            Gemm.multiply(
                input, weight.baseAddress!, into: output, m: rows, n: outputs, k: inputs,
                transposeB: true, beta: accumulate ? 1 : 0)
        }
        if addingBias, let bias {
            bias.withUnsafeBufferPointer { Self.addRows($0.baseAddress!, to: output, rows: rows, columns: outputs) }
        }
    }

    /// Adds the `columns` floats at `vector` to each of `rows` rows at `matrix`.
    public static func addRows(_ vector: UnsafePointer<Float>, to matrix: UnsafeMutablePointer<Float>, rows: Int, columns: Int) {
        Parallel.forEachChunk(rows, minimumChunk: max(1, 65_536 / max(columns, 1))) { range in
            for row in range {
                transformInPlace(matrix + row * columns, with: vector, count: columns) { $0 + $1 }
            }
        }
    }
}
