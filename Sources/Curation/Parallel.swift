import CVectorKernels
import Dispatch
import Synchronization
import VectorMath

/// Work split over cores with `DispatchQueue.concurrentPerform`.
///
/// Call `BatchScoring.setThreadCount(1)` before using several threads for BLAS-shaped work, so
/// that OpenBLAS does not start its own threads under each worker.
enum Parallel {
    /// Cores online.
    static var availableCores: Int { KMeans.availableCores }

    /// The worker threads a caller asked for (every core when nil).
    /// - Throws: `invalidArgument` for fewer than one.
    static func threads(_ requested: Int?) throws(CurationError) -> Int {
        let threads = requested ?? availableCores
        guard threads >= 1 else { throw CurationError(.invalidArgument, "threads must be at least 1 (got \(threads))") }
        return threads
    }

    /// Calls `body(worker, item)` for every item in `0..<items` on up to `threads` workers; each
    /// worker claims the next unclaimed item, in increasing order, so uneven items balance out.
    /// `worker` is in `0..<workers(items:threads:)`, for per-worker scratch.
    static func forEach(items: Int, threads: Int, _ body: (Int, Int) -> Void) {
        let workers = workers(items: items, threads: threads)
        guard workers > 1 else {
            for item in 0..<items { body(0, item) }
            return
        }
        let counter = UnsafeMutablePointer<Int>.allocate(capacity: 1)
        counter.initialize(to: 0)
        defer { counter.deallocate() }
        // Workers share only the atomic counter; `body` proves its own writes disjoint.
        let shared = UncheckedSendable(counter)
        withoutActuallyEscaping(body) { body in
            let work = UncheckedSendable(body)
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                while true {
                    let item = loupe_atomic_fetch_add(shared.value, 1)
                    if item >= items { break }
                    work.value(worker, item)
                }
            }
        }
    }

    /// Runs `body(worker)` for `workers` workers at once and waits for all of them.
    static func run(_ workers: Int, _ body: @Sendable (Int) -> Void) {
        DispatchQueue.concurrentPerform(iterations: max(1, workers), execute: body)
    }

    /// How many workers `forEach` starts for `items` items on `threads` threads.
    static func workers(items: Int, threads: Int) -> Int { max(1, min(threads, items)) }

    /// The `worker`-th of `workers` nearly equal contiguous ranges of `0..<count`.
    static func chunk(_ worker: Int, of workers: Int, count: Int) -> Range<Int> {
        (count * worker / workers)..<(count * (worker + 1) / workers)
    }
}

/// The first error thrown by any of several workers.
final class FirstFailure: Sendable {
    private let stored = Mutex<(any Error)?>(nil)

    func record(_ error: any Error) {
        stored.withLock { if $0 == nil { $0 = error } }
    }

    var error: (any Error & Sendable)? {
        stored.withLock { error in error.map { SendableDescription(String(describing: $0)) } }
    }
}

/// An error carried across threads by its description.
struct SendableDescription: Error, Sendable, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
