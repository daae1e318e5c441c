import Foundation

/// Datasets: what ``DatasetController`` needs.
public protocol DatasetRepository: Sendable {
    /// Creates a dataset. Throws a conflict if the name is taken.
    func createDataset(_ input: APIDatasetInput) async throws -> APIDataset
    /// All datasets, oldest first.
    func listDatasets() async throws -> [APIDataset]
    /// The dataset with this id or name.
    func dataset(id: String) async throws -> APIDataset
    /// Deletes a dataset with its rows, spaces and vectors.
    func deleteDataset(id: String) async throws
}

/// Data rows of a dataset: what ``RowController`` needs.
public protocol RowRepository: Sendable {
    /// Creates or replaces rows (by id), all or none.
    func createRows(dataset: String, rows: [APIRowInput]) async throws -> [APIRow]
    /// Imports rows from a streamed NDJSON or CSV body; bad lines are reported, good ones land.
    func importRows(dataset: String, format: RowImportFormat, body: ByteChunks) async throws -> APIImportReport
    /// The row with this id or global key.
    func row(dataset: String, id: String) async throws -> APIRow
    /// A page of the rows that pass `filter`, in insertion order.
    func listRows(dataset: String, filter: APIRowFilter, offset: Int, limit: Int) async throws -> APIRowPage
    /// Deletes a row with its vectors, labels and metrics.
    func deleteRow(dataset: String, id: String) async throws
}

/// The format of a row import body.
public enum RowImportFormat: String, Sendable {
    case ndjson
    case csv
}

/// Embedding spaces and their vectors: what ``SpaceController`` needs.
public protocol SpaceRepository: Sendable {
    /// Creates a space in a dataset.
    func createSpace(dataset: String, input: APISpaceInput) async throws -> APISpace
    /// The spaces of a dataset.
    func listSpaces(dataset: String) async throws -> [APISpace]
    /// The space with this id, with its vector count.
    func space(id: String) async throws -> APISpace
    /// Deletes a space and its vectors.
    func deleteSpace(id: String) async throws
    /// Imports `{"id"|"global_key": ..., "vector": [...]}` lines; re-import replaces.
    func importVectors(space: String, ndjson: ByteChunks) async throws -> APIImportReport
    /// Imports a `.npy` float32 matrix whose row `i` belongs to `ids[i]`.
    func importVectors(space: String, npy: ByteChunks, ids: [String]) async throws -> APIImportReport
    /// Starts a background import of a spooled NDJSON file (deleted when the job ends).
    func startVectorImport(space: String, ndjsonFile: URL) async throws -> APIJob
    /// Starts computing the model's vectors for the rows that lack them.
    func startEmbedding(space: String) async throws -> APIJob
}

/// Search and inference: what ``SearchController`` needs.
public protocol SearchService: Sendable {
    /// Searches a space; `image` is an uploaded query image (then `request` carries no query).
    func search(space: String, request: APISearchRequest, image: Data?) async throws -> APISearchResponse
    /// Embeds text with `model` (the default text model if `nil`); stores nothing.
    func infer(text: String, model: String?) async throws -> APIInferResponse
    /// Embeds and classifies an image with `model` (the default image model if `nil`); stores nothing.
    func infer(image: Data, model: String?) async throws -> APIInferResponse
}

/// Background jobs: what ``JobController`` needs.
public protocol JobRepository: Sendable {
    /// All jobs, newest first.
    func listJobs() async throws -> [APIJob]
    /// The job with this id.
    func job(id: String) async throws -> APIJob
    /// Asks a job to stop; a finished job is a conflict.
    func cancelJob(id: String) async throws -> APIJob
}

/// Export: what ``ExportController`` needs.
public protocol ExportService: Sendable {
    /// NDJSON, one row a line, streamed; with the vectors of `spaces` when given.
    func export(dataset: String, filter: APIRowFilter, spaces: [String]) async throws -> ByteChunks
}

/// Labels, metrics, selections and slices: what ``AnnotationController`` needs.
public protocol AnnotationRepository: Sendable {
    func addLabels(dataset: String, labels: [APILabelInput]) async throws -> Int
    func classCounts(dataset: String) async throws -> [APIClassCount]
    func setMetrics(dataset: String, metrics: [APIMetricInput]) async throws -> Int
    func metricSummaries(dataset: String) async throws -> [APIMetricSummary]
    func createSelection(dataset: String, input: APISelectionInput) async throws -> APISelection
    func listSelections(dataset: String) async throws -> [APISelection]
    func selection(dataset: String, id: String) async throws -> APISelection
    func deleteSelection(dataset: String, id: String) async throws
    func createSlice(dataset: String, input: APISliceInput) async throws -> APISlice
    func listSlices(dataset: String) async throws -> [APISlice]
    func slice(dataset: String, id: String) async throws -> APISlice
    func deleteSlice(dataset: String, id: String) async throws
}

/// Everything the API serves: the Catalog façade conforms through ``CatalogBackend``.
public typealias CatalogService = DatasetRepository & RowRepository & SpaceRepository & SearchService & JobRepository
    & ExportService & AnnotationRepository
