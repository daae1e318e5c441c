import Foundation

/// How a space's rows are laid out in 2-D for the map.
public enum ProjectionMethod: String, Sendable, Hashable, Codable, CaseIterable {
    /// The two principal axes (Curation's `PCA`): new rows are projected exactly.
    case pca
    /// UMAP (McInnes et al., 2018; Curation's `UMAP`): new rows are placed at the
    /// inverse-distance-weighted mean of their nearest projected rows.
    case umap
}

/// A projection run as the catalog stores it.
public struct ProjectionRun: Sendable, Hashable, Codable {
    public var spaceID: String
    public var method: ProjectionMethod
    public var seed: UInt64
    public var dimensions: Int
    /// For PCA: the mean (`dimensions`) then the two axes (`2 × dimensions`, a zero second axis
    /// for one-dimensional spaces); empty for UMAP.
    public var model: [Float]
    /// The space generation the stored points cover.
    public var generation: Int
    public var createdAt: Date

    public init(spaceID: String, method: ProjectionMethod, seed: UInt64, dimensions: Int, model: [Float], generation: Int, createdAt: Date) {
        self.spaceID = spaceID
        self.method = method
        self.seed = seed
        self.dimensions = dimensions
        self.model = model
        self.generation = generation
        self.createdAt = createdAt
    }
}

/// The 2-D points of a space's rows, as columns in slot order.
public struct ProjectionPoints: Sendable, Hashable {
    public var slots: [UInt32]
    /// `slots.count × 2`: x, y of each.
    public var xy: [Float]

    public init(slots: [UInt32] = [], xy: [Float] = []) {
        self.slots = slots
        self.xy = xy
    }
}

/// Everything the map shows of one space: every projected row with its coordinates, cluster
/// (−1: none or noise) and first ground-truth label, and the clusters' summaries.
public struct SpaceMap: Sendable, Hashable {
    public var spaceID: String
    public var datasetID: String
    public var method: ProjectionMethod
    public var createdAt: Date
    public var slots: [UInt32]
    public var ids: [String]
    public var x: [Float]
    public var y: [Float]
    /// Index into `clusters`, or −1.
    public var clusterIndex: [Int32]
    public var clusters: [ClusterInfo]
    /// The first ground-truth label of each row (nil: none).
    public var labels: [String?]

    public init(spaceID: String, datasetID: String, method: ProjectionMethod, createdAt: Date, slots: [UInt32], ids: [String], x: [Float],
                y: [Float], clusterIndex: [Int32], clusters: [ClusterInfo], labels: [String?]) {
        self.spaceID = spaceID
        self.datasetID = datasetID
        self.method = method
        self.createdAt = createdAt
        self.slots = slots
        self.ids = ids
        self.x = x
        self.y = y
        self.clusterIndex = clusterIndex
        self.clusters = clusters
        self.labels = labels
    }

    public var count: Int { ids.count }
}
