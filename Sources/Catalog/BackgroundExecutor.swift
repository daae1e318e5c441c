import Dispatch
import Foundation
import Synchronization

/// Threads of their own for long CPU work — index loads and builds, embedding jobs — as a Swift
/// task executor.
///
/// A task started with `Task.detached(executorPreference: BackgroundExecutor.shared)` runs its
/// nonisolated code here rather than on Swift's global executor. `loupe serve` hands that
/// executor to NIO's event loops (no thread hop per request); a minute of index building or a
/// batch of model inference there would stall every connection of its loop. Here it only takes
/// these threads.
final class BackgroundExecutor: TaskExecutor {
    /// Two threads: builds and jobs run beside each other without taking the request threads.
    static let shared = BackgroundExecutor(name: "loupe-background", threads: 2)

    private let jobs = Mutex<[UnownedJob]>([])
    private let ready = DispatchSemaphore(value: 0)

    private init(name: String, threads: Int) {
        for _ in 0..<threads {
            let thread = Thread { [self] in run() }
            thread.name = name
            thread.start()
        }
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        jobs.withLock { $0.append(job) }
        ready.signal()
    }

    /// Runs queued jobs, oldest first, for the life of the process.
    private func run() {
        while true {
            ready.wait()
            guard let job = jobs.withLock({ $0.isEmpty ? nil : $0.removeFirst() }) else { continue }
            job.runSynchronously(on: asUnownedTaskExecutor())
        }
    }
}
