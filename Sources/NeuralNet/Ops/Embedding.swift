/// A lookup table of vectors indexed by id (PyTorch `nn.Embedding`): token and position tables.
public struct Embedding: Sendable {
    /// How many ids the table has.
    public let count: Int
    /// Floats per vector.
    public let width: Int
    /// `count × width`, row-major.
    public let table: [Float]
    /// What the table is, for error messages (its tensor name).
    public let name: String

    /// A table of `count` vectors of `width` floats.
    /// - Throws: `NeuralNetError` `.shapeMismatch` when `table` does not hold `count × width` floats.
    public init(table: [Float], count: Int, width: Int, name: String) throws {
        guard count > 0, width > 0, table.count == count * width else {
            throw NeuralNetError(
                .shapeMismatch, "embedding '\(name)' needs \(count) × \(width) floats, got \(table.count)")
        }
        self.table = table
        self.count = count
        self.width = width
        self.name = name
    }

    /// Reads the `[count, width]` tensor `name` (a `….weight`).
    /// - Throws: `NeuralNetError` naming a missing or misshapen tensor.
    public init(_ reader: WeightReader, _ name: String, count: Int, width: Int) throws {
        try self.init(table: reader.tensor(name, shape: [count, width]).storage, count: count, width: width, name: name)
    }

    /// Adds row `ids[i]` of the table to row `i` of `output` (`ids.count × width` floats), or
    /// writes it there when `accumulate` is false.
    /// - Throws: `NeuralNetError` `.invalidInput` naming the first id outside `0..<count`; nothing
    ///   is written then.
    public func lookUp(_ ids: UnsafeBufferPointer<Int32>, into output: UnsafeMutablePointer<Float>, accumulate: Bool) throws {
        if let bad = ids.first(where: { $0 < 0 || Int($0) >= count }) {
            throw NeuralNetError(.invalidInput, "id \(bad) is outside embedding '\(name)' (0..<\(count))")
        }
        table.withUnsafeBufferPointer { table in
            for (row, id) in ids.enumerated() {
                let source = table.baseAddress! + Int(id) * width
                let target = output + row * width
                if accumulate {
                    transformInPlace(target, with: source, count: width) { $0 + $1 }
                } else {
                    target.update(from: source, count: width)
                }
            }
        }
    }
}
