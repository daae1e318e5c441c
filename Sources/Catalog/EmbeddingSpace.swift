import Foundation
import VectorIndex
import VectorMath

/// Where a space's vectors come from.
public enum SpaceKind: Sendable, Hashable {
    /// Vectors imported by the user.
    case custom
    /// Vectors computed by a registered model (`ModelRegistry`), by name.
    case model(String)

    /// The model's name, for a model-backed space.
    public var modelName: String? {
        if case .model(let name) = self { return name }
        return nil
    }
}

/// Which index a space searches with.
public struct IndexSettings: Sendable, Hashable, Codable {
    /// How the index is chosen.
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        /// Exact `FlatIndex` below `flatThreshold` vectors, `HNSWIndex` from there on.
        case auto
        /// Always exact.
        case flat
        /// Always HNSW.
        case hnsw
    }

    public var kind: Kind
    /// Vectors below which `.auto` keeps an exact index.
    public var flatThreshold: Int
    /// HNSW's neighbours per node.
    public var m: Int
    /// HNSW's build breadth.
    public var efConstruction: Int
    /// HNSW's default search breadth.
    public var efSearch: Int

    public init(kind: Kind = .auto, flatThreshold: Int = 20_000, m: Int = 16, efConstruction: Int = 200, efSearch: Int = 64) {
        self.kind = kind
        self.flatThreshold = flatThreshold
        self.m = m
        self.efConstruction = efConstruction
        self.efSearch = efSearch
    }

    /// Whether `count` vectors are searched with HNSW.
    public func usesHNSW(count: Int) -> Bool {
        switch kind {
        case .flat: false
        case .hnsw: true
        case .auto: count >= flatThreshold
        }
    }
}

/// A named family of vectors over one dataset's rows ("embeddings schema"): one vector per row
/// at most, all of `dimensions` components, compared by `metric`.
public struct EmbeddingSpace: Sendable, Hashable, Codable {
    public var id: String
    public var datasetID: String
    /// Unique in its dataset.
    public var name: String
    /// 1...4096.
    public var dimensions: Int
    public var metric: Metric
    public var kind: SpaceKind
    public var index: IndexSettings
    /// Rows that have a vector in this space.
    public var vectorCount: Int
    /// Bumped on every committed change to the space's vectors; an index file made at another
    /// generation is stale.
    public var generation: Int
    public var createdAt: Date

    // Keys spelled "Id" so that snake_case coding strategies round-trip them (dataset_id ↔ datasetId).
    enum CodingKeys: String, CodingKey {
        case id, name, dimensions, metric, kind, index, vectorCount, generation, createdAt
        case datasetID = "datasetId"
    }

    public init(id: String, datasetID: String, name: String, dimensions: Int, metric: Metric, kind: SpaceKind,
                index: IndexSettings, vectorCount: Int, generation: Int, createdAt: Date) {
        self.id = id
        self.datasetID = datasetID
        self.name = name
        self.dimensions = dimensions
        self.metric = metric
        self.kind = kind
        self.index = index
        self.vectorCount = vectorCount
        self.generation = generation
        self.createdAt = createdAt
    }

    /// The largest dimension count a space may have.
    public static let maximumDimensions = 4096
}

/// What creating a space takes. For a model-backed space, `dimensions` and `metric` may be nil
/// and are taken from the model.
public struct NewEmbeddingSpace: Sendable, Hashable, Codable {
    public var name: String
    public var dimensions: Int?
    public var metric: Metric?
    public var kind: SpaceKind
    public var index: IndexSettings

    public init(name: String, dimensions: Int? = nil, metric: Metric? = nil, kind: SpaceKind = .custom,
                index: IndexSettings = IndexSettings()) {
        self.name = name
        self.dimensions = dimensions
        self.metric = metric
        self.kind = kind
        self.index = index
    }
}

extension Metric {
    /// Parses a metric name as users write it: `cosine`, `dot` (or `inner_product`, `ip`),
    /// `l2` (or `euclidean`).
    public init?(userName: String) {
        switch userName.lowercased() {
        case "cosine", "cos": self = .cosine
        case "dot", "inner_product", "innerproduct", "ip": self = .innerProduct
        case "l2", "euclidean": self = .l2
        default: return nil
        }
    }
}
