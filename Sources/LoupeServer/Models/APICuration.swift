import Catalog
import Foundation
import Hummingbird

/// The body of `POST /v1/datasets/{dataset}/spaces/{space}/clusters`.
public struct APIClusterRequest: Codable, Sendable {
    /// `kmeans` (default) or `hdbscan`.
    public var algorithm: String?
    /// k for k-means (2…min(rows, 1000)); required for k-means.
    public var k: Int?
    /// k-means restarts, 1…20 (default 3).
    public var restarts: Int?
    /// HDBSCAN's smallest cluster (default 5).
    public var minClusterSize: Int?
    public var minSamples: Int?
    public var seed: UInt64?

    public init(algorithm: String? = nil, k: Int? = nil, restarts: Int? = nil, minClusterSize: Int? = nil, minSamples: Int? = nil,
                seed: UInt64? = nil) {
        self.algorithm = algorithm
        self.k = k
        self.restarts = restarts
        self.minClusterSize = minClusterSize
        self.minSamples = minSamples
        self.seed = seed
    }

    /// The catalog's algorithm, each field checked.
    func clusteringAlgorithm() throws -> ClusteringAlgorithm {
        switch algorithm ?? "kmeans" {
        case "kmeans":
            guard let k else { throw APIError.validation("k-means needs 'k'.") }
            return .kmeans(clusters: k, restarts: restarts ?? 3)
        case "hdbscan":
            return .hdbscan(minClusterSize: minClusterSize ?? 5, minSamples: minSamples)
        case let other:
            throw APIError.validation("'algorithm' must be kmeans or hdbscan, got '\(other)'.")
        }
    }
}

/// The cluster of every clustered row (−1: HDBSCAN noise), as columns.
public struct APIClusterAssignments: Codable, Sendable {
    public var ids: [String]
    public var clusters: [Int32]
}

/// The body of `POST /v1/datasets/{dataset}/spaces/{space}/projection`.
public struct APIProjectionRequest: Codable, Sendable {
    /// `pca` (default) or `umap`.
    public var method: String?
    public var seed: UInt64?

    public init(method: String? = nil, seed: UInt64? = nil) {
        self.method = method
        self.seed = seed
    }
}

/// The body of `POST …/scores` and `POST …/label-mistakes`.
public struct APIScoresRequest: Codable, Sendable {
    /// Neighbours per row (default 15 for scores, 30 for label mistakes).
    public var k: Int?

    public init(k: Int? = nil) { self.k = k }
}

/// The body of `POST …/spaces/{space}/duplicates` and `POST …/duplicates/texts`.
public struct APIDuplicatesRequest: Codable, Sendable {
    /// Cosine similarity in [0, 1] (vectors) or Jaccard in (0, 1) (texts).
    public var threshold: Double
    public var filter: APIRowFilter?

    public init(threshold: Double, filter: APIRowFilter? = nil) {
        self.threshold = threshold
        self.filter = filter
    }
}

/// The body of `POST /v1/datasets/{dataset}/duplicates/images`: exactly one of `threshold` and
/// `maxDistance`.
public struct APIImageDuplicatesRequest: Codable, Sendable {
    /// The smallest pixel correlation of two images' thumbnails, in (0, 1] (0.99 is a good start).
    public var threshold: Double?
    /// Instead: the largest Hamming distance between two images' 64-bit perceptual hashes (0...32).
    public var maxDistance: Int?
    public var filter: APIRowFilter?

    /// By pixel correlation at least `threshold`.
    public init(threshold: Double, filter: APIRowFilter? = nil) {
        self.threshold = threshold
        self.filter = filter
    }

    /// By perceptual hashes at most `maxDistance` bits apart.
    public init(maxDistance: Int, filter: APIRowFilter? = nil) {
        self.maxDistance = maxDistance
        self.filter = filter
    }
}

/// The body of `POST /v1/datasets/{dataset}/metrics/aggregate`.
public struct APIMetricAggregateRequest: Codable, Sendable {
    public var name: String
    /// For a per-class metric.
    public var className: String?
    /// `mean`, `geometric_mean`, `harmonic_mean`, `sum`, `min`, `max` or `count`.
    public var kind: String
    public var filter: APIRowFilter?
    /// Leave zero and negative values out of geometric and harmonic means instead of refusing.
    public var skipNonPositive: Bool?

    public init(name: String, className: String? = nil, kind: String, filter: APIRowFilter? = nil, skipNonPositive: Bool? = nil) {
        self.name = name
        self.className = className
        self.kind = kind
        self.filter = filter
        self.skipNonPositive = skipNonPositive
    }
}

extension APIClusterAssignments: ResponseCodable {}
