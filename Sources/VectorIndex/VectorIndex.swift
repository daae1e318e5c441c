// VectorIndex: nearest-neighbour indexes over Float32 vectors.
//
// It owns the `VectorIndex` protocol, the exact `FlatIndex`, the approximate `HNSWIndex`, filters
// over ids, and the on-disk index format; beside the vector indexes, `MinHashLSHIndex` finds
// near-duplicate sets and texts (MinHash signatures, shingling, LSH banding). It builds on VectorMath's kernels and knows nothing
// about datasets, storage engines or HTTP: ids are the dense `UInt32` slots that the catalog maps
// to its data rows.

import VectorMath

/// A nearest-neighbour index over vectors of one dimension and one metric.
///
/// Every index follows one contract (DESIGN.md): results are sorted best first and carry a `score`
/// (higher is more similar) and the raw `distance`; a deleted id is never returned; a filtered
/// search never comes back silently short, and says whether it was exact and how many candidates
/// it scored. Implementations are thread-safe: searches run concurrently with each other and
/// with writes.
public protocol VectorIndex: AnyObject, Sendable {
    /// Components per vector.
    var dimensions: Int { get }
    /// How vectors are compared.
    var metric: Metric { get }
    /// The number of live (not deleted) vectors.
    var count: Int { get }

    /// Adds vectors, row-major, one per id. An id already present is replaced.
    /// - Throws: `VectorIndexError.invalidVector` naming the first bad row (wrong length, NaN or
    ///   infinity, or an all-zero vector under cosine); nothing is added then.
    func add(_ vectors: UnsafeBufferPointer<Float>, ids: UnsafeBufferPointer<UInt32>) throws

    /// Removes the vectors with these ids; unknown ids are ignored.
    /// - Returns: how many vectors were removed.
    @discardableResult func remove(_ ids: [UInt32]) -> Int

    /// Whether a live vector has this id.
    func contains(_ id: UInt32) -> Bool

    /// A copy of the stored vector for `id` (normalised under cosine), or nil if there is none.
    func vector(for id: UInt32) -> [Float]?

    /// The `k` nearest neighbours of one query.
    /// - Throws: `VectorIndexError.invalidVector` for a query of the wrong length or with NaN.
    func search(_ query: UnsafeBufferPointer<Float>, k: Int, options: SearchOptions) throws -> SearchResult

    /// The `k` nearest neighbours of each of `queries.count / dimensions` queries, row-major.
    func search(batch queries: UnsafeBufferPointer<Float>, k: Int, options: SearchOptions) throws -> [SearchResult]

    /// Writes the index to `path` atomically (temporary file, fsync, rename).
    func save(to path: String) throws
}

/// How one search runs.
public struct SearchOptions: Sendable {
    /// Only ids in this set may be returned.
    public var filter: IDFilter?
    /// Only results with at least this score are returned.
    public var minimumScore: Float?
    /// HNSW's search breadth (the size of the dynamic candidate list); ignored by exact indexes.
    public var efSearch: Int?

    public init(filter: IDFilter? = nil, minimumScore: Float? = nil, efSearch: Int? = nil) {
        self.filter = filter
        self.minimumScore = minimumScore
        self.efSearch = efSearch
    }

    /// No filter, no threshold, the index's default breadth.
    public static let `default` = SearchOptions()
}

/// One search hit.
public struct Neighbor: Sendable, Hashable {
    /// The vector's id.
    public var id: UInt32
    /// Higher is more similar: cosine similarity, inner product, or −distance for L2.
    public var score: Float
    /// The metric's raw distance: 1 − cosine, −inner product, or Euclidean distance.
    public var distance: Float

    public init(id: UInt32, score: Float, distance: Float) {
        self.id = id
        self.score = score
        self.distance = distance
    }
}

/// The answer to one query.
public struct SearchResult: Sendable {
    /// The hits, best first.
    public var neighbors: [Neighbor]
    /// True when every candidate that could match was scored (the answer is the exact top k).
    public var isExact: Bool
    /// How many vectors were scored to answer.
    public var candidatesScored: Int

    public init(neighbors: [Neighbor], isExact: Bool, candidatesScored: Int) {
        self.neighbors = neighbors
        self.isExact = isExact
        self.candidatesScored = candidatesScored
    }

    /// The ids of the hits, best first.
    public var ids: [UInt32] { neighbors.map(\.id) }
}
