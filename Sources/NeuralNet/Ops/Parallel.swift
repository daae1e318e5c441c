import CBLAS
import Dispatch
import Foundation
import Synchronization
import VectorMath

/// How NeuralNet's ops use the cores: row-parallel element-wise ops and per-(sequence, head)
/// attention run on up to `threadCount` workers through `DispatchQueue.concurrentPerform`;
/// matrix products run on OpenBLAS's own threads. Inside `forEachIndependentTask` (whole forward
/// passes side by side) every op and every matrix product runs on its worker's thread alone.
public enum Parallel {
    private static let configuredThreads = Atomic<Int>(0)

    /// The most workers an op uses: `setThreadCount`'s value, or the active processor count.
    public static var threadCount: Int {
        let configured = configuredThreads.load(ordering: .relaxed)
        return configured > 0 ? configured : ProcessInfo.processInfo.activeProcessorCount
    }

    /// Sets the workers of NeuralNet's own ops and OpenBLAS's thread count together (both are
    /// process-wide). At least 1.
    public static func setThreadCount(_ count: Int) {
        let count = max(1, count)
        configuredThreads.store(count, ordering: .relaxed)
        openblas_set_num_threads(Int32(count))
    }

    /// Calls `body` with contiguous ranges that cover `0..<count`, on up to `threadCount` workers,
    /// each range at least `minimumChunk` long (so small jobs run inline on the caller's thread).
    /// `body` must only write state that belongs to its range.
    public static func forEachChunk(_ count: Int, minimumChunk: Int, _ body: (Range<Int>) -> Void) {
        let chunks = isInsideIndependentTask ? 1 : min(threadCount, max(1, count / max(1, minimumChunk)))
        forEachRange(count: count, workers: chunks) { range, _ in body(range) }
    }

    /// Splits `0..<count` into `workers` contiguous ranges (the first ones one longer when it does
    /// not divide) and calls `body(range, worker)` for each non-empty one, concurrently when there
    /// is more than one. Unlike `forEachChunk` the caller chooses the workers (a convolution layer
    /// inside an image lane passes its lane's share of the threads). `body` must only write state
    /// that belongs to its range.
    public static func forEachRange(count: Int, workers: Int, _ body: (Range<Int>, Int) -> Void) {
        let workers = max(1, min(workers, count))
        guard workers > 1 else {
            if count > 0 { body(0..<count, 0) }
            return
        }
        withoutActuallyEscaping(body) { body in
            // The workers get disjoint ranges and write only their own, as the caller promises.
            let shared = UncheckedSendable(body)
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                let base = count / workers, extra = count % workers
                let start = worker * base + min(worker, extra)
                shared.value(start..<(start + base + (worker < extra ? 1 : 0)), worker)
            }
        }
    }

    /// Runs `body(worker, task)` for every task in `0..<count` on up to `threadCount` workers,
    /// which take the next task as they finish one (tasks of uneven cost balance themselves).
    /// `worker` is in `0..<workers` and lets a task use scratch memory owned by its worker; size
    /// `workers` with `workers(for:)`. Tasks must write disjoint memory.
    public static func forEachTask(_ count: Int, workers: Int, _ body: (_ worker: Int, _ task: Int) -> Void) {
        guard count > 0 else { return }
        guard workers > 1, !isInsideIndependentTask else {
            for task in 0..<count { body(0, task) }
            return
        }
        let next = TaskCounter()
        withoutActuallyEscaping(body) { body in
            let shared = UncheckedSendable(body)
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                while true {
                    let task = next.value.add(1, ordering: .relaxed).oldValue
                    guard task < count else { break }
                    shared.value(worker, task)
                }
            }
        }
    }

    /// How many workers `forEachTask` should use for `count` tasks.
    public static func workers(for count: Int) -> Int {
        isInsideIndependentTask ? 1 : max(1, min(threadCount, count))
    }
}

/// The next task of `Parallel.forEachTask`.
private final class TaskCounter: Sendable {
    let value = Atomic<Int>(0)
}
