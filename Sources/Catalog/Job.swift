import Foundation

/// Background work the catalog runs and records.
public struct Job: Sendable, Hashable, Codable {
    /// What a job does.
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        /// Compute embeddings with a space's model for the rows that have none.
        case computeEmbeddings = "compute_embeddings"
        /// Compute uniqueness and representativeness of a space's rows and store them as metrics.
        case rowScores = "row_scores"
        /// Score how likely each labelled row's label is wrong and store it as a metric.
        case labelMistakes = "label_mistakes"
        /// Import a vector file (NDJSON, or .npy with ids) into a space; see `Catalog.startVectorImport`.
        case importVectors = "import_vectors"
    }

    /// Where a job is in its life.
    public enum State: String, Sendable, Hashable, Codable, CaseIterable {
        /// Waiting to run (also: was running when the process died; it resumes at the next open).
        case pending
        case running
        case succeeded
        case failed
        case cancelled

        /// Whether the job will not change any more.
        public var isFinished: Bool { self == .succeeded || self == .failed || self == .cancelled }
    }

    public var id: String
    public var kind: Kind
    public var datasetID: String
    /// The space it fills or scores.
    public var spaceID: String?
    public var state: State
    /// Units done (rows embedded or skipped; for an import, bytes of NDJSON or rows of .npy read).
    public var done: Int
    /// Units to do, as known when the job started (rows lacking a vector; the file's bytes or rows).
    public var total: Int
    /// Rows that could not be processed (an unreadable file, a rejected line); the job goes on past them.
    public var failedItems: Int
    /// Why the job failed, or the first few item failures.
    public var error: String?
    public var createdAt: Date
    public var updatedAt: Date

    // Keys spelled "Id" so that snake_case coding strategies round-trip them (dataset_id ↔ datasetId).
    enum CodingKeys: String, CodingKey {
        case id, kind, state, done, total, failedItems, error, createdAt, updatedAt
        case datasetID = "datasetId"
        case spaceID = "spaceId"
    }

    public init(id: String, kind: Kind, datasetID: String, spaceID: String?, state: State, done: Int, total: Int,
                failedItems: Int, error: String?, createdAt: Date, updatedAt: Date) {
        self.id = id
        self.kind = kind
        self.datasetID = datasetID
        self.spaceID = spaceID
        self.state = state
        self.done = done
        self.total = total
        self.failedItems = failedItems
        self.error = error
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// done / total in [0, 1] (1 when there is nothing to do).
    public var progress: Double { total == 0 ? 1 : min(1, Double(done) / Double(total)) }
}
