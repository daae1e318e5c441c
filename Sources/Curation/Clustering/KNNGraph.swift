import VectorIndex
import VectorMath

/// The k nearest neighbours of every row of a matrix: the graph that HDBSCAN, UMAP and the
/// neighbourhood scores are built on.
public struct KNNGraph: Sendable {
    /// Rows.
    public let count: Int
    /// Neighbours per row.
    public let k: Int
    /// Row-major `count × k` neighbour rows, nearest first, never the row itself; `-1` pads a
    /// list an approximate search left short.
    public let neighbors: [Int32]
    /// The metric distances (Euclidean, or 1 − cosine) matching `neighbors`; `infinity` pads.
    public let distances: [Float]
    /// Whether the lists are exact.
    public let isExact: Bool
    /// The metric of the distances.
    public let metric: Metric

    init(count: Int, k: Int, neighbors: [Int32], distances: [Float], isExact: Bool, metric: Metric) {
        self.count = count
        self.k = k
        self.neighbors = neighbors
        self.distances = distances
        self.isExact = isExact
        self.metric = metric
    }

    /// The graph of `points` (row-major, `dimensions` wide).
    /// - Parameters:
    ///   - k: neighbours per row, at least 1 and fewer than the rows.
    ///   - metric: `.l2` or `.cosine`.
    ///   - search: exact, an HNSW index built here, or an index the caller holds over these rows.
    ///   - threads: worker threads.
    /// - Throws: `CurationError` for bad rows (NaN, wrong width), k out of range, or an index
    ///   that does not hold these rows.
    /// - Complexity: O(n² · d) at sgemm speed when exact; O(n · ef · log n) distance
    ///   computations through HNSW.
    public static func build(
        _ points: UnsafeBufferPointer<Float>, dimensions: Int, k: Int, metric: Metric = .l2,
        search: NeighborSearch = .automatic, threads: Int = KMeans.availableCores
    ) throws(CurationError) -> KNNGraph {
        try RowInput.checkDistanceMetric(metric, what: "a kNN graph")
        let count = try RowInput.rowCount(points, dimensions: dimensions, metric: metric, what: "kNN graph input")
        let finder = try NeighborFinder(points.baseAddress!, count: count, dimensions: dimensions, metric: metric,
                                        search: search, threads: threads)
        return try finder.graph(k: k, points: points.baseAddress!)
    }

    /// Row `i`'s neighbours (as row numbers) and their distances.
    public func neighbors(of i: Int) -> (ids: ArraySlice<Int32>, distances: ArraySlice<Float>) {
        (neighbors[i * k..<(i + 1) * k], distances[i * k..<(i + 1) * k])
    }
}

extension NeighborFinder {
    /// The kNN graph of the finder's own rows (`points` are those rows).
    func graph(k: Int, points: UnsafePointer<Float>) throws(CurationError) -> KNNGraph {
        guard k >= 1, k < count else {
            throw CurationError(.invalidArgument, "a kNN graph with k = \(k) needs 1 ≤ k < rows (\(count) rows)")
        }
        let (ids, distances) = try neighbors(of: points, count: count, k: k, excludingSelf: true)
        return KNNGraph(count: count, k: k, neighbors: ids, distances: distances, isExact: isExact, metric: metric)
    }
}
