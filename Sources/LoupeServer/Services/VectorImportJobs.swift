import Catalog
import Foundation
import Synchronization

/// A vector import running in the background from a body spooled to disk
/// (`POST …/vectors?background=true`), with its progress.
///
/// These jobs live in the server process: the catalog commits an import chunk by chunk, so a
/// server killed mid-import keeps what was committed, and posting the same file again completes
/// it (re-import replaces); the job record itself is not kept across restarts.
public struct VectorImportJob: Codable, Sendable, Equatable {
    public var id: String
    /// Always `import_vectors`.
    public var kind: String
    public var datasetID: String
    public var spaceID: String
    public var state: Job.State
    /// Bytes of the spooled body read so far.
    public var done: Int
    /// Bytes in the spooled body.
    public var total: Int
    /// Lines rejected so far.
    public var failedItems: Int
    public var error: String?
    public var createdAt: Date
    public var updatedAt: Date
    /// The import's report, once it finished.
    public var report: ImportReport?

    // Keys spelled "Id", like the catalog's, so snake_case strategies round-trip them.
    enum CodingKeys: String, CodingKey {
        case id, kind, state, done, total, failedItems, error, createdAt, updatedAt, report
        case datasetID = "datasetId"
        case spaceID = "spaceId"
    }
}

/// The background vector imports of one server.
public final class VectorImportJobs: Sendable {
    private struct Entry {
        var job: VectorImportJob
        var task: Task<Void, Never>?
    }
    private let entries = Mutex<[String: Entry]>([:])

    public init() {}

    /// Starts importing the NDJSON file `file` into `space` (of `dataset`), deleting the file
    /// when done.
    public func start(file: URL, space: EmbeddingSpace, repository: some SpaceRepository) -> VectorImportJob {
        let size = (try? FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int) ?? 0
        let now = Date()
        let id = "import-" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        let job = VectorImportJob(
            id: id, kind: "import_vectors", datasetID: space.datasetID, spaceID: space.id, state: .pending, done: 0, total: size,
            failedItems: 0, error: nil, createdAt: now, updatedAt: now, report: nil)
        entries.withLock { $0[id] = Entry(job: job, task: nil) }
        let task = Task { [self] in
            update(id) { $0.state = .running }
            do {
                let report = try await repository.importVectors(
                    .ndjson(path: file.path), into: space.id, in: space.datasetID,
                    progress: { [self] progress in
                        update(id) {
                            $0.done = progress.done
                            $0.failedItems = progress.rejected
                        }
                    })
                update(id) {
                    $0.state = Task.isCancelled ? .cancelled : .succeeded
                    $0.done = $0.total
                    $0.failedItems = report.rejected
                    $0.report = report
                }
            } catch {
                update(id) {
                    $0.state = error is CancellationError ? .cancelled : .failed
                    $0.error = APIError(error).message
                }
            }
            try? FileManager.default.removeItem(at: file)
        }
        entries.withLock { $0[id]?.task = task }
        return job
    }

    private func update(_ id: String, _ change: (inout VectorImportJob) -> Void) {
        entries.withLock { entries in
            guard var job = entries[id]?.job else { return }
            change(&job)
            job.updatedAt = Date()
            entries[id]?.job = job
        }
    }

    /// Every import job, newest first.
    public func all() -> [VectorImportJob] {
        entries.withLock { $0.values.map(\.job) }.sorted { $0.createdAt > $1.createdAt }
    }

    /// The job with this id, or `nil`.
    public func job(_ id: String) -> VectorImportJob? { entries.withLock { $0[id]?.job } }

    /// Asks a running import to stop (chunks already committed stay).
    /// - Throws: ``APIError`` 409 when the job already finished.
    public func cancel(_ id: String) throws -> VectorImportJob? {
        guard let entry = entries.withLock({ $0[id] }) else { return nil }
        guard !entry.job.state.isFinished else { throw APIError.conflict("Job '\(id)' already \(entry.job.state.rawValue).") }
        entry.task?.cancel()
        return entry.job
    }

    /// Waits for a job's task to end (tests, shutdown).
    public func wait(_ id: String) async {
        await entries.withLock { $0[id]?.task }?.value
    }
}
