import Synchronization
import VectorMath

/// Reusable scratch memory for model forward passes: a buffer is taken for one pass and given
/// back, so repeated batches reuse memory that is already mapped instead of faulting in fresh
/// pages every time. Safe to share between threads.
public final class ScratchPool: Sendable {
    /// One 64-byte-aligned buffer (on huge pages when large; see `AlignedMemory`).
    private final class Buffer: @unchecked Sendable {
        // @unchecked: the memory is only touched by the one thread that took the buffer from
        // the pool, until it gives it back under the pool's lock.
        let pointer: UnsafeMutablePointer<Float>
        let count: Int
        init(count: Int) {
            self.count = count
            pointer = AlignedMemory.allocate(byteCount: count * MemoryLayout<Float>.stride).bindMemory(to: Float.self, capacity: count)
        }
        deinit { pointer.deallocate() }
    }

    private let free = Mutex<[Buffer]>([])
    /// How many idle buffers are kept (one per lane of the largest pass, typically).
    private let keep: Int

    /// A pool keeping at most `keep` idle buffers.
    public init(keep: Int = 4) { self.keep = keep }

    /// Calls `body` with at least `count` floats of uninitialised scratch.
    public func withBuffer<R>(count: Int, _ body: (UnsafeMutablePointer<Float>) throws -> R) rethrows -> R {
        let buffer = free.withLock { free -> Buffer? in
            guard let index = free.firstIndex(where: { $0.count >= count }) else { return nil }
            return free.remove(at: index)
        } ?? Buffer(count: max(count, 1))
        defer {
            free.withLock { free in
                free.append(buffer)
                if free.count > keep { free.sort { $0.count > $1.count }; free.removeLast(free.count - keep) }
            }
        }
        return try body(buffer.pointer)
    }
}
