import Dispatch
import Synchronization

/// Fork-join helpers for the algorithms' worker loops.
enum Parallel {
    /// Runs `body(worker)` for `workers` workers at once and waits for all of them.
    static func run(_ workers: Int, _ body: @Sendable (Int) -> Void) {
        DispatchQueue.concurrentPerform(iterations: max(1, workers), execute: body)
    }

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
