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
        guard count > 0 else { return }
        let chunks = isInsideIndependentTask ? 1 : min(threadCount, max(1, count / max(1, minimumChunk)))
        guard chunks > 1 else {
            body(0..<count)
            return
        }
        withoutActuallyEscaping(body) { body in
            // The workers write disjoint ranges, as the caller promises.
            let shared = UncheckedSendable(body)
            DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                let range = (count * chunk / chunks)..<(count * (chunk + 1) / chunks)
                shared.value(range)
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
