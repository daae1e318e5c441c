import Catalog
import Foundation

// What each controller needs from the catalog, as protocols the controllers are generic over
// (the shape of Hummingbird's examples). The requirements are the `Catalog` façade's own
// methods, so `Catalog` conforms as it is (see the extension at the end); a test may hand the
// controllers anything else that answers the same way.

/// Datasets: what ``DatasetController`` needs.
public protocol DatasetRepository: Sendable {
    func createDataset(_ dataset: NewDataset) async throws -> Dataset
    func datasets() async throws -> [Dataset]
    func dataset(_ reference: String) async throws -> Dataset
    func deleteDataset(_ reference: String) async throws
}

/// Data rows: what ``RowController`` needs.
public protocol RowRepository: Sendable {
    func addRows(_ rows: [NewDataRow], to dataset: String) async throws -> ImportReport
    func importRows(_ format: RowFileFormat, into dataset: String, progress: ProgressHandler?) async throws -> ImportReport
    func row(_ id: String, in dataset: String) async throws -> DataRow
    func rows(in dataset: String, filter: RowFilter, order: RowOrder, after cursor: String?, limit: Int) async throws -> RowPage
    func deleteRows(_ ids: [String], from dataset: String) async throws -> Int
}

/// Embedding spaces, their vectors and embedding jobs: what ``SpaceController`` needs.
public protocol SpaceRepository: Sendable {
    func createSpace(_ new: NewEmbeddingSpace, in dataset: String) async throws -> EmbeddingSpace
    func spaces(in dataset: String) async throws -> [EmbeddingSpace]
    func space(_ reference: String, in dataset: String) async throws -> EmbeddingSpace
    func deleteSpace(_ reference: String, in dataset: String) async throws
    func importVectors(_ format: VectorFileFormat, into space: String, in dataset: String, progress: ProgressHandler?) async throws
        -> ImportReport
    func computeEmbeddings(space: String, in dataset: String) async throws -> Job
    func startVectorImport(_ format: VectorFileFormat, into space: String, in dataset: String, removesFiles: Bool) async throws -> Job
}

/// Search and inference: what ``SearchController`` needs.
public protocol SearchProvider: Sendable {
    func search(_ request: SearchRequest) async throws -> SearchResponse
    var models: [ModelDescriptor] { get }
    func embed(texts: [String], model: String) async throws -> [[Float]]
    func embed(images: [[UInt8]], model: String) async throws -> [[Float]]
    func classify(images: [[UInt8]], model: String, top: Int) async throws -> [[ClassScore]]
}

/// Background jobs: what ``JobController`` needs.
public protocol JobRepository: Sendable {
    func job(_ id: String) async throws -> Job
    func jobs(states: Set<Job.State>?) async throws -> [Job]
    func cancelJob(_ id: String) async throws -> Job
    func importReport(job id: String) async throws -> ImportReport?
}

/// NDJSON export: what ``ExportController`` needs.
public protocol ExportProvider: Sendable {
    func exportStream(_ dataset: String, options: ExportOptions, batchSize: Int) -> AsyncThrowingStream<Data, any Error>
}

/// Labels, metrics, selections and slices: what ``AnnotationController`` needs.
public protocol AnnotationRepository: Sendable {
    func putLabels(_ labels: [RowLabel], in dataset: String) async throws -> ImportReport
    func labelCounts(in dataset: String) async throws -> [LabelCount]
    func putMetrics(_ metrics: [RowMetric], in dataset: String) async throws -> ImportReport
    func metricSummaries(in dataset: String) async throws -> [MetricSummary]
    func createSelection(name: String, rowIDs: [String], in dataset: String) async throws -> Selection
    func selections(in dataset: String) async throws -> [Selection]
    func selection(_ id: String, in dataset: String) async throws -> Selection
    func deleteSelection(_ id: String, in dataset: String) async throws
    func createSlice(name: String, filter: RowFilter, in dataset: String) async throws -> Slice
    func slices(in dataset: String) async throws -> [Slice]
    func slice(_ id: String, in dataset: String) async throws -> Slice
    func deleteSlice(_ id: String, in dataset: String) async throws
}

/// Clusters, the map, per-row scores, near-duplicates, metric aggregates and smart select: what
/// ``CurationController``, ``MapController`` and ``SmartSelectController`` need.
public protocol CurationRepository: Sendable {
    func cluster(space: String, in dataset: String, algorithm: ClusteringAlgorithm, seed: UInt64) async throws -> SpaceClustering
    func clustering(space: String, in dataset: String) async throws -> SpaceClustering
    func clusterAssignments(space: String, in dataset: String) async throws -> (ids: [String], clusters: [Int32])
    func project(space: String, in dataset: String, method: ProjectionMethod, seed: UInt64) async throws -> ProjectionSummary
    func map(space: String, in dataset: String) async throws -> SpaceMap
    func metricValues(_ name: String, className: String?, in dataset: String) async throws -> [UInt32: Double]
    func computeRowScores(space: String, in dataset: String, k: Int) async throws -> Job
    func computeLabelMistakes(space: String, in dataset: String, k: Int) async throws -> Job
    func aggregateMetric(_ name: String, className: String?, kind: String, filter: RowFilter, skipNonPositive: Bool, in dataset: String)
        async throws -> MetricAggregation
    func nearDuplicates(space: String, in dataset: String, threshold: Double, filter: RowFilter) async throws -> DuplicateReport
    func nearDuplicateTexts(in dataset: String, threshold: Double, filter: RowFilter) async throws -> DuplicateReport
    func nearDuplicateImages(in dataset: String, maxDistance: Int, filter: RowFilter) async throws -> DuplicateReport
    func nearDuplicateImages(in dataset: String, threshold: Double, filter: RowFilter) async throws -> DuplicateReport
    func smartSelect(_ request: SmartSelectRequest, in dataset: String) async throws -> SmartSelectResult
}

/// Everything the API serves.
public typealias CatalogService = DatasetRepository & RowRepository & SpaceRepository & SearchProvider & JobRepository
    & ExportProvider & AnnotationRepository & CurationRepository

extension Catalog: DatasetRepository, RowRepository, SpaceRepository, SearchProvider, JobRepository, ExportProvider,
    AnnotationRepository, CurationRepository
{}
