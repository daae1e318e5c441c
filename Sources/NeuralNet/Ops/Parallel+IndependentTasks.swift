import CBLAS
import Dispatch
import Foundation
import Synchronization
import VectorMath

// Whole forward passes side by side: the way to use several cores when there are many
// independent batches (sentence embeddings of many texts). Each worker runs its batches alone —
// every NeuralNet op inline, OpenBLAS single-threaded — so the cores never wait for each other
// inside a pass: no barrier after each matrix product or element-wise op, no spinning BLAS
// threads, and each worker's activations stay in its own core's cache.

extension Parallel {
    /// True on a thread that is running a task of `forEachIndependentTask`: ops run inline there.
    static var isInsideIndependentTask: Bool {
        pthread_getspecific(workerKey.value) != nil
    }

    /// Runs `body(worker, task)` for every task in `0..<count` on up to `threadCount` workers that
    /// take the next task as they finish one; inside a task every NeuralNet op runs on the
    /// worker's own thread and OpenBLAS is single-threaded. `worker` (in `0..<workers(for:)`)
    /// selects scratch memory owned by the worker. Tasks must write disjoint memory.
    ///
    /// OpenBLAS's thread count is process-wide: while independent tasks run, every matrix product
    /// in the process (other callers' too) is single-threaded; it is restored to `threadCount`
    /// when the last such call returns.
    /// - Throws: the first error a task throws; tasks not yet started are then skipped.
    public static func forEachIndependentTask(_ count: Int, _ body: (_ worker: Int, _ task: Int) throws -> Void) throws {
        let workers = workers(for: count)
        guard workers > 1 else {
            for task in 0..<count { try body(0, task) }
            return
        }
        let state = IndependentTasks()
        try withSingleThreadedBLAS { try withoutActuallyEscaping(body) { body in
            // Each task writes its own memory, as the caller promises; errors go through `state`.
            let shared = UncheckedSendable(body)
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                pthread_setspecific(workerKey.value, UnsafeRawPointer(bitPattern: 1))
                defer { pthread_setspecific(workerKey.value, nil) }
                while let task = state.next(below: count) {
                    do {
                        try shared.value(worker, task)
                    } catch {
                        state.fail(error)
                    }
                }
            }
            if let error = state.firstError { throw error }
        } }
    }

    /// Runs `body` with OpenBLAS at one thread per call, for code that runs its own threads
    /// around sgemm (a multi-threaded OpenBLAS holds one lock for a whole threaded gemm, so gemms
    /// called from several threads at once would run one after another, while its idle threads
    /// spin). Sections may nest and overlap between threads; OpenBLAS gets `threadCount` back
    /// when the last one ends. OpenBLAS's thread count is process-wide: meanwhile every matrix
    /// product in the process is single-threaded.
    public static func withSingleThreadedBLAS<R>(_ body: () throws -> R) rethrows -> R {
        singleThreadedBLASUsers.withLock { users in
            if users == 0 { openblas_set_num_threads(1) }
            users += 1
        }
        defer {
            singleThreadedBLASUsers.withLock { users in
                users -= 1
                if users == 0 { openblas_set_num_threads(Int32(threadCount)) }
            }
        }
        return try body()
    }

    /// How many callers are inside `withSingleThreadedBLAS` (OpenBLAS is single-threaded while > 0).
    private static let singleThreadedBLASUsers = Mutex<Int>(0)

    /// The thread-specific key that marks a worker of `forEachIndependentTask`.
    private static let workerKey: UncheckedSendable<pthread_key_t> = {
        var key = pthread_key_t()
        pthread_key_create(&key, nil)
        return UncheckedSendable(key)
    }()
}

/// The task counter and first error of one `forEachIndependentTask` call.
private final class IndependentTasks: Sendable {
    private let counter = Atomic<Int>(0)
    private let error = Mutex<(any Error)?>(nil)

    /// The next task, or nil when all are taken or one has failed.
    func next(below count: Int) -> Int? {
        guard error.withLock({ $0 == nil }) else { return nil }
        let task = counter.add(1, ordering: .relaxed).oldValue
        return task < count ? task : nil
    }

    func fail(_ failure: any Error) {
        error.withLock { if $0 == nil { $0 = failure } }
    }

    var firstError: (any Error)? { error.withLock { $0 } }
}
