/// Row-major Float32 values on their way into a store: an array, or a pooled import buffer
/// (`VectorBuffer`) that goes back to its pool once the store has written it.
public struct VectorValues: @unchecked Sendable {
    // @unchecked: an array is a value; a buffer is read-only once it is wrapped here.
    private enum Storage {
        case array([Float])
        case buffer(VectorBuffer)
    }

    private let storage: Storage

    /// Values held in an array.
    public init(_ values: [Float]) {
        storage = .array(values)
    }

    /// The filled part of a pooled buffer (which must not change from now on).
    init(_ buffer: VectorBuffer) {
        storage = .buffer(buffer)
    }

    /// How many Float values (rows × dimensions).
    public var count: Int {
        switch storage {
        case .array(let values): values.count
        case .buffer(let buffer): buffer.count
        }
    }

    /// Calls `body` with the values; it must not keep the pointer.
    public func withUnsafeBufferPointer<Result>(_ body: (UnsafeBufferPointer<Float>) throws -> Result) rethrows -> Result {
        switch storage {
        case .array(let values):
            return try values.withUnsafeBufferPointer(body)
        case .buffer(let buffer):
            return try withExtendedLifetime(buffer) { try body(UnsafeBufferPointer(start: buffer.pointer, count: buffer.count)) }
        }
    }

    /// The rows at `indices` (each `dimensions` values), in that order.
    func rows(_ indices: [Int], dimensions: Int) -> VectorValues {
        var picked: [Float] = []
        picked.reserveCapacity(indices.count * dimensions)
        withUnsafeBufferPointer { all in
            for index in indices { picked.append(contentsOf: all[index * dimensions..<(index + 1) * dimensions]) }
        }
        return VectorValues(picked)
    }
}
