import Synchronization

/// Float memory for import blocks, reused: a block taken from the pool has usually been filled
/// before, so the kernel has its pages mapped already — a fresh 24 MiB array faults in and zeroes
/// every page again, which costs about as much as copying the vectors. Safe to share.
final class VectorBufferPool: Sendable {
    /// Floats in each buffer.
    let capacity: Int
    /// How many idle buffers are kept (an import pipeline has about three blocks in flight).
    private let keep: Int
    private let idle = Mutex<[Memory]>([])

    /// Idle memory, owned by the pool's list.
    private struct Memory: @unchecked Sendable {
        // @unchecked: only the pool's lock holder touches the list, and no one the memory.
        let pointer: UnsafeMutablePointer<Float>
    }

    init(capacity: Int, keep: Int = 3) {
        self.capacity = max(1, capacity)
        self.keep = keep
    }

    deinit {
        idle.withLock { idle in for memory in idle { memory.pointer.deallocate() } }
    }

    /// An empty buffer (`count` 0) of `capacity` floats.
    func take() -> VectorBuffer {
        let pointer = idle.withLock { $0.popLast()?.pointer } ?? .allocate(capacity: capacity)
        return VectorBuffer(pointer: pointer, capacity: capacity, pool: self)
    }

    /// Takes back a buffer's memory (or frees it when enough are idle).
    fileprivate func recycle(_ pointer: UnsafeMutablePointer<Float>) {
        let kept = idle.withLock { idle -> Bool in
            guard idle.count < keep else { return false }
            idle.append(Memory(pointer: pointer))
            return true
        }
        if !kept { pointer.deallocate() }
    }
}

/// A buffer from a `VectorBufferPool`: filled by the one task that took it, read-only once
/// shared, and given back to the pool when its last reference goes.
final class VectorBuffer: @unchecked Sendable {
    // @unchecked: `count` and the memory change only before the buffer is shared (see above).
    let pointer: UnsafeMutablePointer<Float>
    let capacity: Int
    /// Floats filled in, from the start.
    var count = 0
    private let pool: VectorBufferPool

    fileprivate init(pointer: UnsafeMutablePointer<Float>, capacity: Int, pool: VectorBufferPool) {
        self.pointer = pointer
        self.capacity = capacity
        self.pool = pool
    }

    deinit { pool.recycle(pointer) }
}
