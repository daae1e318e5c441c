import VectorMath

/// Floats owned by one computation (a forward pass's activations): allocated once, 64-byte
/// aligned, reused across layers, freed when the buffer goes out of scope.
public struct ScratchBuffer: ~Copyable {
    /// The first float; `capacity` floats follow, uninitialised until written.
    public let pointer: UnsafeMutablePointer<Float>
    /// How many floats the buffer holds.
    public let capacity: Int

    /// A buffer of `capacity` floats (at least one is allocated).
    public init(capacity: Int) {
        self.capacity = capacity
        pointer = AlignedMemory.allocate(byteCount: max(capacity, 1) * MemoryLayout<Float>.stride)
            .bindMemory(to: Float.self, capacity: max(capacity, 1))
    }

    deinit { pointer.deallocate() }
}
