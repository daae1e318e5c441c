import Foundation
import VectorIndex

/// Where a catalog keeps its data: the persistence half of the domain, with no search and no
/// import formats. `SQLiteStore` implements it over GRDB; a PostgreSQL store can implement the
/// same protocol (DESIGN.md "Storage").
///
/// Datasets are named by id (or name) here; rows by id, and inside the store also by their dense
/// `UInt32` slot, which indexes use. Slots are never reused within a
/// dataset. Every method is safe to call concurrently: writes are serialised, reads run in
/// parallel with them.
public protocol Store: CurationStore {
    // MARK: Datasets

    /// Creates a dataset with this id.
    /// - Throws: `conflict` when the id or name is taken.
    func createDataset(_ dataset: NewDataset, id: String, createdAt: Date) async throws -> Dataset
    /// Every dataset, by name.
    func datasets() async throws -> [Dataset]
    /// The dataset with this id or, failing that, this name.
    /// - Throws: `notFound`.
    func dataset(_ reference: String) async throws -> Dataset
    /// Deletes a dataset and everything in it (rows, spaces, vectors, labels, metrics, slices,
    /// selections, jobs).
    func deleteDataset(id: String) async throws
    /// Adds fields to a dataset's schema (new names only; existing fields keep their type).
    func addFields(_ fields: [FieldSchema], datasetID: String) async throws

    // MARK: Rows

    /// Adds rows, replacing those whose id exists (a replaced row keeps its slot, its vectors,
    /// metrics and predictions; its metadata and ground-truth labels are replaced). Each row's
    /// metadata must already fit the dataset's fields.
    /// - Returns: the rows that did not land, by their index in `rows`, with the reason (a
    ///   global key another row holds), and the slots of those that did.
    func putRows(_ rows: [NewDataRow], datasetID: String) async throws -> RowWriteResult
    /// One row by id.
    /// - Throws: `notFound`.
    func row(id: String, datasetID: String) async throws -> DataRow
    /// A page of rows matching `filter`, in `order`, after the cursor of the previous page.
    func rows(datasetID: String, filter: RowFilter, order: RowOrder, after cursor: String?, limit: Int) async throws -> RowPage
    /// The rows in these slots, in slot order given (missing slots are skipped).
    func rows(slots: [UInt32], datasetID: String) async throws -> [UInt32: DataRow]
    /// Deletes rows with their vectors, labels and metrics.
    /// - Returns: the slots that were deleted (unknown ids are ignored).
    func deleteRows(ids: [String], datasetID: String) async throws -> [UInt32]
    /// Every row's slot by id (or by global key), for resolving imports.
    func slotsByKey(datasetID: String, globalKeys: Bool) async throws -> [String: UInt32]
    /// The slots of these ids (or global keys); unknown keys are absent from the answer.
    func slots(of keys: [String], datasetID: String, globalKeys: Bool) async throws -> [String: UInt32]
    /// The row ids of these slots.
    func rowIDs(slots: [UInt32], datasetID: String) async throws -> [UInt32: String]
    /// The slots of the rows `filter` lets through, or nil when it lets every row through.
    func matchingSlots(datasetID: String, filter: RowFilter) async throws -> IDFilter?
    /// Up to `limit` rows matching `filter` with slots above `after`, in slot order: a page of a
    /// scan that never holds the whole dataset.
    func rowBatch(datasetID: String, filter: RowFilter, after: UInt32?, limit: Int) async throws -> [(slot: UInt32, row: DataRow)]

    // MARK: Embedding spaces

    /// Creates a space.
    /// - Throws: `conflict` when the dataset has a space of that name.
    func createSpace(_ space: EmbeddingSpace) async throws -> EmbeddingSpace
    /// The dataset's spaces, by name, with their vector counts.
    func spaces(datasetID: String) async throws -> [EmbeddingSpace]
    /// A space by id or name within the dataset.
    func space(_ reference: String, datasetID: String) async throws -> EmbeddingSpace
    /// Deletes a space and its vectors.
    func deleteSpace(id: String) async throws
    /// A token that changes whenever anything in the store changes (a commit by this process or
    /// by another), read without waiting for the store's queues; nil when the store cannot tell
    /// cheaply. What was read while the token stays the same is still current.
    func changeToken() -> Int64?

    // MARK: Vectors

    /// Stores vectors (row-major, `slots.count × dimensions`), replacing existing ones, in one
    /// transaction that also bumps the space's generation.
    /// - Returns: how many were new (not replacements) and the generation after the commit.
    func putVectors(spaceID: String, slots: [UInt32], vectors: VectorValues) async throws -> (added: Int, generation: Int)
    /// Removes the vectors of these slots.
    func deleteVectors(spaceID: String, slots: [UInt32]) async throws -> Int
    /// The stored vectors of these slots (missing ones are absent).
    func vectors(spaceID: String, slots: [UInt32]) async throws -> [UInt32: [Float]]
    /// Up to `limit` stored vectors of a space with slots above `after`, in slot order (slots and
    /// row-major vectors): a page of a scan.
    func vectorBatch(spaceID: String, after: UInt32?, limit: Int) async throws -> (slots: [UInt32], vectors: [Float])
    /// Up to `limit` slots of rows of the space's dataset with one of `mediaTypes` and no vector
    /// in the space, above `after`, ascending.
    func slotsLackingVectors(spaceID: String, mediaTypes: Set<MediaType>, after: UInt32?, limit: Int) async throws -> [UInt32]
    /// How many rows of those media types lack a vector in the space.
    func countLackingVectors(spaceID: String, mediaTypes: Set<MediaType>) async throws -> Int
    /// Makes every commit so far survive `durability` (a process crash needs nothing more after
    /// a commit; power loss needs an fsync).
    func sync(_ durability: Durability) async throws

    // MARK: Labels and metrics

    /// Attaches labels (a label of the same row, class and kind is replaced).
    /// - Returns: the labels whose row does not exist, by index.
    func putLabels(_ labels: [RowLabel], datasetID: String) async throws -> [(index: Int, error: CatalogError)]
    /// Removes labels of a row: one class, one kind, or all (nil).
    func deleteLabels(rowID: String, className: String?, kind: LabelKind?, datasetID: String) async throws -> Int
    /// Rows per class and kind.
    func labelCounts(datasetID: String) async throws -> [LabelCount]
    /// Sets metric values (replacing a row's value for the same name and class).
    /// - Returns: the metrics whose row does not exist, by index.
    func putMetrics(_ metrics: [RowMetric], datasetID: String) async throws -> [(index: Int, error: CatalogError)]
    /// A row's metrics.
    func metrics(rowID: String, datasetID: String) async throws -> [RowMetric]
    /// The metrics of these slots.
    func metrics(slots: [UInt32], datasetID: String) async throws -> [UInt32: [RowMetric]]
    /// Removes a metric from every row (or from one row).
    func deleteMetric(name: String, rowID: String?, datasetID: String) async throws -> Int
    /// Count, range and mean of each metric.
    func metricSummaries(datasetID: String) async throws -> [MetricSummary]

    // MARK: Slices and selections

    func createSlice(_ slice: Slice) async throws -> Slice
    func slices(datasetID: String) async throws -> [Slice]
    func slice(id: String, datasetID: String) async throws -> Slice
    func deleteSlice(id: String, datasetID: String) async throws
    /// Creates a selection; unknown row ids are an error naming them.
    func createSelection(_ selection: Selection) async throws -> Selection
    func selections(datasetID: String) async throws -> [Selection]
    func selection(id: String, datasetID: String) async throws -> Selection
    /// Adds rows to (after the existing ones) and removes rows from a selection.
    func updateSelection(id: String, datasetID: String, adding: [String], removing: [String]) async throws -> Selection
    func deleteSelection(id: String, datasetID: String) async throws

    // MARK: Jobs

    func createJob(_ job: Job) async throws -> Job
    func job(id: String) async throws -> Job
    /// Jobs, newest first, optionally only in some states.
    func jobs(states: Set<Job.State>?) async throws -> [Job]
    /// Writes a job's state, progress and error.
    func updateJob(_ job: Job) async throws
    /// Stores what a finished job produced (JSON: an import's `ImportReport`).
    func putJobResult(jobID: String, result: Data) async throws
    /// A job's stored result, or nil.
    func jobResult(jobID: String) async throws -> Data?
}

extension Store {
    /// No cheap change token: callers read the store every time.
    public func changeToken() -> Int64? { nil }

    /// Stores vectors held in an array (see `putVectors(spaceID:slots:vectors:)`).
    public func putVectors(spaceID: String, slots: [UInt32], vectors: [Float]) async throws -> (added: Int, generation: Int) {
        try await putVectors(spaceID: spaceID, slots: slots, vectors: VectorValues(vectors))
    }
}

/// What `putRows` did.
public struct RowWriteResult: Sendable {
    /// Slots of the rows stored, by index in the input (nil where the row failed).
    public var slots: [UInt32?]
    /// Rows that did not land, by index in the input.
    public var failures: [(index: Int, error: CatalogError)]
    /// Rows that replaced an existing row.
    public var replaced: Int

    public init(slots: [UInt32?], failures: [(index: Int, error: CatalogError)], replaced: Int) {
        self.slots = slots
        self.failures = failures
        self.replaced = replaced
    }
}

/// How many rows carry a class.
public struct LabelCount: Sendable, Hashable, Codable {
    public var className: String
    public var kind: LabelKind
    public var rows: Int

    public init(className: String, kind: LabelKind, rows: Int) {
        self.className = className
        self.kind = kind
        self.rows = rows
    }
}
