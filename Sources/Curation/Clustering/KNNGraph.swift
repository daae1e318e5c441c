import VectorIndex
import VectorMath

/// The k nearest neighbours of every row of a set (the row itself excluded), nearest first: the
/// one neighbour graph of the module, on which HDBSCAN, UMAP, uniqueness, density and
/// label-mistake scores are built.
///
/// Rows are numbered as the input numbers them: `0..<count` for a matrix, row slots for
/// ``RowVectors`` (then `rows` lists the slots the graph covers). Distances are Euclidean, or
/// 1 − cosine (an inner-product space is compared by Euclidean distance: the inner product is
/// not a dissimilarity). Neighbours come from ``NeighborSearch``: exact blocked sgemm, an HNSW
/// graph built over the rows, or an index the caller holds.
public struct KNNGraph: Sendable {
    /// The graph's rows, ascending; row `rows[i]`'s neighbours are entries `i·k ..< (i+1)·k`.
    public let rows: [UInt32]
    /// Neighbours per row.
    public let k: Int
    /// Row-major `rows.count × k` neighbour rows (numbered like `rows`), nearest first, never
    /// the row itself; `-1` pads a list an approximate search left short (graphs built over
    /// ``RowVectors`` repeat their farthest neighbour instead, so every entry is a row).
    public let neighbors: [Int32]
    /// The metric distances matching `neighbors`; `infinity` pads.
    public let distances: [Float]
    /// Whether the lists are exact.
    public let isExact: Bool
    /// The metric of the distances.
    public let metric: Metric

    /// The number of rows.
    public var count: Int { rows.count }

    init(unchecked rows: [UInt32], k: Int, neighbors: [Int32], distances: [Float], isExact: Bool, metric: Metric) {
        self.rows = rows
        self.k = k
        self.neighbors = neighbors
        self.distances = distances
        self.isExact = isExact
        self.metric = metric
    }

    /// A graph given directly (for instance kept from an earlier run).
    /// - Throws: `invalidArgument` unless `neighbors` and `distances` hold `rows.count · k`
    ///   entries, distances are finite and non-negative, and `rows` ascend without repeats.
    public init(rows: [UInt32], k: Int, neighbors: [Int32], distances: [Float], isExact: Bool, metric: Metric = .l2) throws(CurationError) {
        guard k >= 1, neighbors.count == rows.count * k, distances.count == rows.count * k else {
            throw CurationError(.invalidArgument, "a neighbour graph of \(rows.count) rows and k = \(k) needs \(rows.count * k) neighbours and distances (got \(neighbors.count), \(distances.count))")
        }
        guard zip(rows, rows.dropFirst()).allSatisfy({ $0 < $1 }) else {
            throw CurationError(.invalidArgument, "the rows of a neighbour graph must ascend without repeats")
        }
        if let bad = distances.firstIndex(where: { !$0.isFinite || $0 < 0 }) {
            throw CurationError(.invalidArgument, "distance \(bad) of the neighbour graph is \(distances[bad]); distances are finite and ≥ 0")
        }
        self.init(unchecked: rows, k: k, neighbors: neighbors, distances: distances, isExact: isExact, metric: metric)
    }

    /// The graph of `points` (row-major, `dimensions` wide); its rows are `0..<count`.
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
        try RowVectors.checkDistanceMetric(metric, what: "a kNN graph")
        let count = try RowVectors.rowCount(points, dimensions: dimensions, metric: metric, what: "kNN graph input")
        let finder = try NeighborFinder(points.baseAddress!, count: count, dimensions: dimensions, metric: metric,
                                        search: search, threads: threads)
        return try finder.graph(k: k, points: points.baseAddress!)
    }

    /// The graph of `rows` (all rows when nil) of `vectors`, compared by their
    /// `distanceMetric`; neighbours are row slots. Short approximate lists repeat their farthest
    /// neighbour, so every entry names a row.
    /// - Parameters:
    ///   - search: `.automatic` is exact while rows² · d ≤ 10¹², HNSW above.
    ///   - threads: worker threads (default: every core); call `BatchScoring.setThreadCount(1)`
    ///     first when using several.
    /// - Throws: `CurationError` — `invalidArgument` for k < 1 or k ≥ the number of rows, or bad
    ///   graph parameters; `unknownRow` for a row outside the vectors.
    public static func build(
        _ vectors: RowVectors, rows: [UInt32]? = nil, k: Int, search: NeighborSearch = .automatic, threads: Int? = nil
    ) throws(CurationError) -> KNNGraph {
        let threads = try Parallel.threads(threads)
        let members = try vectors.rowSet(rows, what: "the rows of the neighbour graph")
        guard k >= 1, k < members.count else {
            throw CurationError(.invalidArgument, "k must be at least 1 and below the number of rows (\(members.count)); got \(k)")
        }
        let d = vectors.dimensions
        var gathered = [Float]()
        gathered.reserveCapacity(members.count * d)
        for row in members { gathered.append(contentsOf: vectors.row(Int(row))) }
        let graph = try gathered.withUnsafeBufferPointer { points throws(CurationError) in
            let finder = try NeighborFinder(points.baseAddress!, count: members.count, dimensions: d, metric: vectors.distanceMetric,
                                            search: search, threads: threads)
            return try finder.graph(k: k, points: points.baseAddress!)
        }
        var neighbors = graph.neighbors, distances = graph.distances
        for i in 0..<members.count {
            let start = i * k
            guard neighbors[start] >= 0 else {
                throw CurationError(.computationFailed, "the neighbour search found no neighbours for row \(members[i])")
            }
            for slot in start..<(start + k) {
                if neighbors[slot] < 0 {
                    // Fewer than k found (a tiny approximate graph): repeat the farthest.
                    neighbors[slot] = neighbors[slot - 1]
                    distances[slot] = distances[slot - 1]
                } else {
                    neighbors[slot] = Int32(bitPattern: members[Int(neighbors[slot])])
                    distances[slot] = max(distances[slot], 0)
                }
            }
        }
        return KNNGraph(unchecked: members, k: k, neighbors: neighbors, distances: distances, isExact: graph.isExact, metric: graph.metric)
    }

    /// Row `i`'s neighbours (as row numbers) and their distances.
    public func neighbors(of i: Int) -> (ids: ArraySlice<Int32>, distances: ArraySlice<Float>) {
        (neighbors[i * k..<(i + 1) * k], distances[i * k..<(i + 1) * k])
    }

    /// The neighbours of the `i`-th row (of `rows`), nearest first.
    public func neighbors(ofRowAt i: Int) -> ArraySlice<Int32> { neighbors[(i * k)..<((i + 1) * k)] }
    /// Their distances.
    public func distances(ofRowAt i: Int) -> ArraySlice<Float> { distances[(i * k)..<((i + 1) * k)] }
}

extension NeighborFinder {
    /// The kNN graph of the finder's own rows (`points` are those rows), rows `0..<count`.
    func graph(k: Int, points: UnsafePointer<Float>) throws(CurationError) -> KNNGraph {
        guard k >= 1, k < count else {
            throw CurationError(.invalidArgument, "a kNN graph with k = \(k) needs 1 ≤ k < rows (\(count) rows)")
        }
        let (ids, distances) = try neighbors(of: points, count: count, k: k, excludingSelf: true)
        return KNNGraph(unchecked: (0..<UInt32(count)).map { $0 }, k: k, neighbors: ids, distances: distances, isExact: isExact, metric: metric)
    }
}
