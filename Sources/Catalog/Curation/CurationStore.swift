import Foundation

/// What a ``Store`` keeps for curation: each space's clustering run with the cluster of every
/// row, each space's 2-D projection, per-row metric values for aggregates, and the parameters
/// of curation jobs (so a job resumed after a crash runs as asked).
///
/// Slots are the store's row slots. Rows deleted after a run drop out of every answer.
public protocol CurationStore: Sendable {
    /// Replaces a space's clustering with `run` and these assignments (`coreDistances` one per
    /// slot for HDBSCAN, empty for k-means).
    func putClustering(_ run: ClusteringRun, members: ClusterMembers) async throws
    /// The space's clustering run, or nil when it has none.
    func clustering(spaceID: String) async throws -> ClusteringRun?
    /// Adds assignments of rows placed without a refit and records the generation they bring
    /// the run up to.
    func addClusterMembers(spaceID: String, members: ClusterMembers, generation: Int) async throws
    /// Every stored assignment of the space's existing rows, in slot order.
    func clusterMembers(spaceID: String) async throws -> ClusterMembers
    /// Per cluster: its size and its `top` commonest ground-truth labels and metadata text values.
    func clusterCounts(spaceID: String, top: Int) async throws -> [Int32: ClusterCounts]
    /// Replaces a space's projection with `run` and these points.
    func putProjection(_ run: ProjectionRun, points: ProjectionPoints) async throws
    /// The space's projection run, or nil.
    func projection(spaceID: String) async throws -> ProjectionRun?
    /// Adds points of rows placed without a refit and records the generation they reach.
    func addProjectionPoints(spaceID: String, points: ProjectionPoints, generation: Int) async throws
    /// Every stored point of the space's existing rows, in slot order.
    func projectionPoints(spaceID: String) async throws -> ProjectionPoints
    /// Every row's value of one metric (whole-row when `className` is nil), by slot.
    func metricValues(name: String, className: String?, datasetID: String) async throws -> [UInt32: Double]
    /// Stores a curation job's parameters (JSON).
    func putJobParameters(jobID: String, parameters: Data) async throws
    /// A curation job's parameters, or nil.
    func jobParameters(jobID: String) async throws -> Data?
    /// The stored image signatures of these rows (rows without one are left out).
    func imageSignatures(datasetID: String, slots: [UInt32]) async throws -> [UInt32: ImageSignature]
    /// Stores (or replaces) image signatures; rows deleted in the meantime are skipped.
    func putImageSignatures(datasetID: String, _ signatures: [(slot: UInt32, signature: ImageSignature)]) async throws
}
