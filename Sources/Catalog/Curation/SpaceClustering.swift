import Foundation

/// How a space's rows are clustered.
public enum ClusteringAlgorithm: Sendable, Hashable {
    /// k-means (k-means++ seeding, best of `restarts`; Curation's `KMeansClustering`).
    case kmeans(clusters: Int, restarts: Int = 3)
    /// HDBSCAN (Curation's `HDBSCAN`): k found from the data, −1 for noise.
    case hdbscan(minClusterSize: Int, minSamples: Int? = nil)

    /// `kmeans` or `hdbscan`.
    public var name: String {
        switch self {
        case .kmeans: "kmeans"
        case .hdbscan: "hdbscan"
        }
    }
}

/// A clustering run as the catalog stores it: what was run and what it needs to place new rows
/// without a refit (k-means centroids; HDBSCAN's per-row core distances and per-cluster birth
/// distances live beside the assignments).
public struct ClusteringRun: Sendable, Hashable, Codable {
    /// The parameters the run was given.
    public struct Parameters: Sendable, Hashable, Codable {
        /// k for k-means.
        public var clusters: Int?
        public var restarts: Int?
        public var minClusterSize: Int?
        public var minSamples: Int?
        public var seed: UInt64

        public init(clusters: Int? = nil, restarts: Int? = nil, minClusterSize: Int? = nil, minSamples: Int? = nil, seed: UInt64) {
            self.clusters = clusters
            self.restarts = restarts
            self.minClusterSize = minClusterSize
            self.minSamples = minSamples
            self.seed = seed
        }
    }

    /// A cluster as the fit described it.
    public struct Cluster: Sendable, Hashable, Codable {
        public var id: Int32
        /// Built from its commonest label or value ("Sneaker · 87%").
        public var name: String
        /// The slots of the rows nearest its centre, nearest first.
        public var centralSlots: [UInt32]

        public init(id: Int32, name: String, centralSlots: [UInt32]) {
            self.id = id
            self.name = name
            self.centralSlots = centralSlots
        }
    }

    public var spaceID: String
    /// `kmeans` or `hdbscan`.
    public var algorithm: String
    public var parameters: Parameters
    /// Clusters found (k for k-means).
    public var clusterCount: Int
    public var dimensions: Int
    /// `clusterCount × dimensions` centres (k-means' centroids; for HDBSCAN the members' means).
    public var centroids: [Float]
    /// For HDBSCAN: the distance at which each cluster formed (new rows farther are noise).
    public var birthDistances: [Double]
    public var clusters: [Cluster]
    /// The space generation the stored assignments cover; rows added since are assigned on the
    /// next read.
    public var generation: Int
    /// Rows placed after the fit without a refit.
    public var assignedSinceFit: Int
    public var createdAt: Date

    public init(spaceID: String, algorithm: String, parameters: Parameters, clusterCount: Int, dimensions: Int, centroids: [Float],
                birthDistances: [Double], clusters: [Cluster], generation: Int, assignedSinceFit: Int = 0, createdAt: Date) {
        self.spaceID = spaceID
        self.algorithm = algorithm
        self.parameters = parameters
        self.clusterCount = clusterCount
        self.dimensions = dimensions
        self.centroids = centroids
        self.birthDistances = birthDistances
        self.clusters = clusters
        self.generation = generation
        self.assignedSinceFit = assignedSinceFit
        self.createdAt = createdAt
    }
}

/// The cluster of each stored row of a space (−1: HDBSCAN noise), with HDBSCAN's core distances.
public struct ClusterMembers: Sendable, Hashable {
    public var slots: [UInt32]
    public var clusters: [Int32]
    /// One per slot for HDBSCAN; empty for k-means.
    public var coreDistances: [Float]

    public init(slots: [UInt32] = [], clusters: [Int32] = [], coreDistances: [Float] = []) {
        self.slots = slots
        self.clusters = clusters
        self.coreDistances = coreDistances
    }
}

/// What the store counts per cluster, live: size, commonest ground-truth labels and metadata
/// text values.
public struct ClusterCounts: Sendable, Hashable {
    public var size: Int
    public var labels: [ClassCount]
    public var metadata: [FieldValueCount]

    public init(size: Int, labels: [ClassCount], metadata: [FieldValueCount]) {
        self.size = size
        self.labels = labels
        self.metadata = metadata
    }
}

/// A class and how many rows carry it.
public struct ClassCount: Sendable, Hashable, Codable {
    public var className: String
    public var count: Int

    enum CodingKeys: String, CodingKey {
        case className = "class"
        case count
    }

    public init(className: String, count: Int) {
        self.className = className
        self.count = count
    }
}

/// A metadata field's value and how many rows carry it.
public struct FieldValueCount: Sendable, Hashable, Codable {
    public var field: String
    public var value: String
    public var count: Int

    public init(field: String, value: String, count: Int) {
        self.field = field
        self.value = value
        self.count = count
    }
}

/// A cluster as served: its name and central rows from the fit, its size and commonest labels
/// and values counted from storage now.
public struct ClusterInfo: Sendable, Hashable, Codable {
    public var id: Int
    public var name: String
    public var size: Int
    /// Row ids nearest the centre, nearest first (rows deleted since are left out).
    public var central: [String]
    public var labels: [ClassCount]
    public var metadata: [FieldValueCount]

    public init(id: Int, name: String, size: Int, central: [String], labels: [ClassCount], metadata: [FieldValueCount]) {
        self.id = id
        self.name = name
        self.size = size
        self.central = central
        self.labels = labels
        self.metadata = metadata
    }
}

/// A space's clustering as served.
public struct SpaceClustering: Sendable, Hashable, Codable {
    public var spaceID: String
    public var algorithm: String
    public var parameters: ClusteringRun.Parameters
    public var createdAt: Date
    /// Rows with a cluster (noise included).
    public var rows: Int
    /// HDBSCAN rows that belong to no cluster.
    public var noise: Int
    /// Rows placed after the fit without a refit (over the run's life).
    public var assignedSinceFit: Int
    public var clusters: [ClusterInfo]

    enum CodingKeys: String, CodingKey {
        case algorithm, parameters, createdAt, rows, noise, assignedSinceFit, clusters
        case spaceID = "spaceId"
    }

    public init(spaceID: String, algorithm: String, parameters: ClusteringRun.Parameters, createdAt: Date, rows: Int, noise: Int,
                assignedSinceFit: Int, clusters: [ClusterInfo]) {
        self.spaceID = spaceID
        self.algorithm = algorithm
        self.parameters = parameters
        self.createdAt = createdAt
        self.rows = rows
        self.noise = noise
        self.assignedSinceFit = assignedSinceFit
        self.clusters = clusters
    }
}
