import VectorMath

/// k-nearest-neighbour search on a vantage-point tree (Yianilos, "Data structures and algorithms
/// for nearest neighbor search in general metric spaces", SODA 1993): a metric tree that prunes
/// with the triangle inequality alone, in any dimension, under Euclidean distance (L2, or cosine
/// as the Euclidean distance of unit vectors). Inner product is not a metric and is refused.
///
/// - Build: in bulk; each node's vantage point is the candidate (of a few sampled) whose distances
///   spread the most, the other rows split at their median distance to it, down to leaves of at
///   most `parameters.leafSize` vectors stored contiguously and scored by the SIMD kernels.
/// - Exact search (the default): identical to a brute-force scan, ids and scores, ties by lower id.
/// - Approximate search: with a budget, a query stops once it has scored that many vectors
///   (checked between nodes, so a leaf may overshoot it) and holds `k` results; the walk is
///   best-first, so the budget goes to the likeliest subtrees. `candidatesScored` reports the
///   work and `isExact` is false only when the budget cut off a subtree that could still hold a
///   better neighbour.
/// - Filters: only members enter the result; a filter that matches few ids is answered by
///   scoring those ids directly, so a filtered search is never short.
/// - Changes, persistence and concurrency: see `TreeIndex`.
public final class VPTreeIndex: TreeIndex, @unchecked Sendable {
    // @unchecked: adds only a constant to `TreeIndex`.

    /// The default cap on vectors scored per query; nil for exact search.
    public let searchBudget: Int?

    /// An empty index.
    /// - Parameter searchBudget: cap the vectors scored per query (approximate search); nil for exact.
    /// - Throws: `invalidArgument` for `.innerProduct`, dimensions outside 1...65536, a budget
    ///   below 1 or out-of-range parameters.
    public init(dimensions: Int, metric: Metric, parameters: TreeParameters = TreeParameters(),
                searchBudget: Int? = nil, kernels: VectorKernels = .active) throws {
        try Self.checkIsMetric(metric)
        self.searchBudget = searchBudget
        super.init(core: try TreeIndexCore<VPTree>(dimensions: dimensions, metric: metric, parameters: parameters,
                                                   searchBudget: searchBudget, kernels: kernels))
    }

    private init(core: TreeIndexCore<VPTree>) {
        searchBudget = core.searchBudget
        super.init(core: core)
    }

    private static func checkIsMetric(_ metric: Metric) throws {
        guard metric != .innerProduct else {
            throw VectorIndexError(.invalidArgument, "a VP-tree needs a true metric and the inner product is not one: use cosine (on normalised vectors) or l2")
        }
    }

    /// The `k` nearest neighbours, scoring at most about `maxScored` vectors (nil: exact).
    /// - Throws: `invalidArgument` for `k` or `maxScored` below 1; `invalidVector` for a bad query.
    /// - Complexity: O(min(maxScored, cost of the exact search)).
    public func search(_ query: UnsafeBufferPointer<Float>, k: Int, options: SearchOptions = .default, maxScored: Int?) throws -> SearchResult {
        try core.search(query, k: k, options: options, budget: maxScored ?? .max)
    }

    /// Runs the queries one after another on the calling thread, each scoring at most about
    /// `maxScored` vectors (nil: exact).
    /// - Complexity: that of `search(_:k:options:maxScored:)` per query.
    public func search(batch queries: UnsafeBufferPointer<Float>, k: Int, options: SearchOptions = .default, maxScored: Int?) throws -> [SearchResult] {
        try core.search(batch: queries, k: k, options: options, budget: maxScored ?? .max)
    }

    /// Reads an index written by `save(to:)`; the tree is read, not rebuilt.
    /// - Throws: `corruptFile` for a truncated, damaged or foreign file, `incompatibleFile` for
    ///   another index kind or format version, `io` when the file cannot be read.
    /// - Complexity: O(N·d).
    public static func load(from path: String, kernels: VectorKernels = .active) throws -> VPTreeIndex {
        let core = try TreeIndexCore<VPTree>.load(from: path, kernels: kernels)
        do {
            try checkIsMetric(core.metric)
        } catch let error as VectorIndexError {
            throw VectorIndexError(.corruptFile, "'\(path)': \(error.message)")
        }
        return VPTreeIndex(core: core)
    }
}
