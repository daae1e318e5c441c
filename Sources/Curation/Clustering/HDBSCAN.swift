import VectorIndex
import VectorMath

/// Density-based clustering for an unknown number of clusters that leaves noise unlabelled:
/// HDBSCAN (Campello, Moulavi & Sander, "Density-based clustering based on hierarchical density
/// estimates", PAKDD 2013), computed as McInnes & Healy's accelerated variant ("Accelerated
/// hierarchical density clustering", 2017) and the hdbscan / scikit-learn implementations do:
///
/// 1. Core distances: the distance to the `minSamples`-th nearest row, the row itself counted.
/// 2. A minimum spanning tree of the mutual reachability distances max(core(a), core(b), d(a, b)),
///    by Kruskal on the kNN graph (exact by BLAS for small sets, Loupe's HNSW index above), its
///    remaining components joined by Borůvka rounds of exact nearest-other-component searches
///    (`HDBSCAN+SpanningTree.swift`).
/// 3. The single-linkage tree, condensed with `minClusterSize`, and clusters chosen by excess of
///    mass (or as leaves); rows outside every chosen cluster are noise (label −1); membership
///    probabilities as hdbscan's (`HDBSCAN+Tree.swift`).
///
/// New rows are labelled by `predict` without refitting.
public struct HDBSCAN: Sendable {
    /// How clusters are chosen from the condensed tree.
    public enum Selection: String, Sendable, Equatable {
        /// Excess of mass: the most persistent clusters (the default).
        case excessOfMass
        /// The leaves of the condensed tree: many small, homogeneous clusters.
        case leaf
    }

    /// How to cluster.
    public struct Parameters: Sendable {
        /// The smallest group of rows that counts as a cluster.
        public var minClusterSize: Int
        /// The neighbourhood size of the core distance (the row itself counted); nil for
        /// `minClusterSize`.
        public var minSamples: Int?
        /// Neighbours per row in the kNN graph the spanning tree is built from; nil for
        /// max(2 · minSamples, 15). More neighbours bring the tree closer to the exact minimum
        /// spanning tree of mutual reachability (which rows with large core distances need).
        public var graphNeighbors: Int?
        /// Excess of mass or leaves.
        public var selection: Selection
        /// Whether the root may be the only cluster.
        public var allowSingleCluster: Bool
        /// `.l2` or `.cosine`.
        public var metric: Metric
        /// How neighbours are found.
        public var neighborSearch: NeighborSearch
        /// Seed of the sampled queries that join graph components.
        public var seed: UInt64
        /// Worker threads.
        public var threads: Int

        public init(minClusterSize: Int = 5, minSamples: Int? = nil, graphNeighbors: Int? = nil, selection: Selection = .excessOfMass,
                    allowSingleCluster: Bool = false, metric: Metric = .l2, neighborSearch: NeighborSearch = .automatic,
                    seed: UInt64 = 0, threads: Int = KMeans.availableCores) {
            self.minClusterSize = minClusterSize
            self.minSamples = minSamples
            self.graphNeighbors = graphNeighbors
            self.selection = selection
            self.allowSingleCluster = allowSingleCluster
            self.metric = metric
            self.neighborSearch = neighborSearch
            self.seed = seed
            self.threads = threads
        }
    }

    /// The cluster of each row, 0 ..< clusterCount, or −1 for noise.
    public let labels: [Int32]
    /// How strongly each row belongs to its cluster, in [0, 1] (0 for noise).
    public let probabilities: [Float]
    /// The excess-of-mass stability of each cluster.
    public let stabilities: [Double]
    /// Whether the kNN graph was exact.
    public let exactNeighbors: Bool
    /// The parameters of the fit (`minSamples` filled in).
    public let parameters: Parameters
    /// Each row's core distance: the distance to its minSamples-th nearest row, itself counted.
    public let coreDistances: [Float]
    let tree: CondensedTree
    let finder: NeighborFinder

    /// The number of clusters found.
    public var clusterCount: Int { stabilities.count }

    /// Clusters `points` (row-major, `dimensions` wide).
    /// - Throws: `CurationError` for bad rows, fewer rows than `minClusterSize`, or parameters out
    ///   of range.
    /// - Complexity: the kNN graph (O(n² · d) exact, or HNSW), O(E log E) for the spanning tree
    ///   over its E edges plus the searches that join its components, O(n) for the tree.
    public static func fit(
        _ points: UnsafeBufferPointer<Float>, dimensions: Int, parameters: Parameters = Parameters()
    ) throws(CurationError) -> HDBSCAN {
        try RowVectors.checkDistanceMetric(parameters.metric, what: "HDBSCAN")
        let n = try RowVectors.rowCount(points, dimensions: dimensions, metric: parameters.metric, what: "HDBSCAN input")
        var filled = parameters
        let minSamples = parameters.minSamples ?? parameters.minClusterSize
        filled.minSamples = minSamples
        guard parameters.minClusterSize >= 2 else {
            throw CurationError(.invalidArgument, "HDBSCAN needs minClusterSize ≥ 2 (got \(parameters.minClusterSize))")
        }
        guard minSamples >= 1, parameters.threads >= 1 else {
            throw CurationError(.invalidArgument, "HDBSCAN needs minSamples ≥ 1 and threads ≥ 1")
        }
        guard n >= parameters.minClusterSize, n > minSamples else {
            throw CurationError(.notEnoughRows, "HDBSCAN with minClusterSize \(parameters.minClusterSize) and minSamples \(minSamples) needs more rows (got \(n))")
        }
        let k = min(n - 1, max(parameters.graphNeighbors ?? max(2 * minSamples, 15), minSamples))
        guard k >= max(minSamples - 1, 1) else {
            throw CurationError(.invalidArgument, "HDBSCAN's graphNeighbors must be at least minSamples − 1")
        }
        let base = points.baseAddress!
        let finder = try NeighborFinder(base, count: n, dimensions: dimensions, metric: parameters.metric,
                                        search: parameters.neighborSearch, threads: parameters.threads)
        let graph = try finder.graph(k: k, points: base)
        // Core distance: the minSamples-th neighbour counting the row itself.
        let core = (0..<n).map { i -> Float in minSamples <= 1 ? 0 : graph.distances[i * k + minSamples - 2] }
        let edges = try SpanningTree.build(graph: graph, core: core, finder: finder, points: base, seed: parameters.seed)
        let tree = CondensedTree(edges: edges, count: n, minClusterSize: parameters.minClusterSize,
                                 selection: parameters.selection, allowSingleCluster: parameters.allowSingleCluster)
        return HDBSCAN(labels: tree.labels, probabilities: tree.probabilities, stabilities: tree.selectedStabilities,
                       exactNeighbors: graph.isExact, parameters: filled, coreDistances: core, tree: tree, finder: finder)
    }

    /// `fit` over an array.
    public static func fit(_ points: [Float], dimensions: Int, parameters: Parameters = Parameters()) throws(CurationError) -> HDBSCAN {
        try points.withUnsafeBufferPointer { points throws(CurationError) in try fit(points, dimensions: dimensions, parameters: parameters) }
    }
}
