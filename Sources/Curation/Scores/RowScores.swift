import VectorIndex

/// Per-row scores from a neighbour graph or from clusters, each in [0, 1], one per row of the
/// graph (`KNNGraph.rows`) or of the rows given: metrics a catalog stores and sorts by.
///
/// - **Uniqueness** (after FiftyOne's `compute_uniqueness`, Voxel51): a weighted mean of the
///   distances to the nearest neighbours — by default the 3 nearest, weighted 0.6, 0.3, 0.1 —
///   divided by its largest value over the set. 1 is the most isolated row; a row with an exact
///   duplicate and close neighbours is near 0.
/// - **Representativeness by density**: 1 / (1 + m / median(m)) for m the mean distance to all
///   k neighbours (the k-nearest-neighbour density estimate of Loftsgaarden & Quesenberry 1965,
///   inverted and scaled by the set's median so it has no unit): a row in a typically dense
///   region scores 0.5, a denser one towards 1, an outlier towards 0.
/// - **Representativeness by cluster**: 1 / (1 + d / s) for d the distance to the mean of the
///   row's cluster and s the cluster's mean such distance (FiftyOne's cluster-centre idea, scaled
///   per cluster): the centre scores 1, a typical member 0.5; noise rows (−1) score 0.
public enum RowScores {
    /// Uniqueness of every row of `graph`, aligned with `graph.rows`.
    /// - Parameter weights: weights of the 1st, 2nd, … nearest neighbours' distances (at most
    ///   `graph.k` of them; the default is FiftyOne's).
    /// - Throws: `invalidArgument` for no weights, more weights than neighbours, or a negative
    ///   or non-finite weight, or weights summing to zero.
    /// - Complexity: O(rows · weights).
    public static func uniqueness(_ graph: KNNGraph, weights: [Double] = [0.6, 0.3, 0.1]) throws(CurationError) -> [Double] {
        guard !weights.isEmpty, weights.count <= graph.k else {
            throw CurationError(.invalidArgument, "uniqueness needs 1 to k = \(graph.k) neighbour weights (got \(weights.count)); build the graph with a larger k")
        }
        guard weights.allSatisfy({ $0.isFinite && $0 >= 0 }), weights.reduce(0, +) > 0 else {
            throw CurationError(.invalidArgument, "neighbour weights must be finite, non-negative and not all zero (got \(weights))")
        }
        let total = weights.reduce(0, +)
        let raw = graph.rows.indices.map { i in
            zip(weights, graph.distances(ofRowAt: i)).reduce(0) { $0 + $1.0 * Double($1.1) } / total
        }
        let largest = raw.max() ?? 0
        return largest > 0 ? raw.map { $0 / largest } : raw.map { _ in 0 }
    }

    /// Representativeness by local density for every row of `graph`, aligned with `graph.rows`.
    /// - Complexity: O(rows · k) plus a median.
    public static func densityRepresentativeness(_ graph: KNNGraph) -> [Double] {
        let means = graph.rows.indices.map { i in graph.distances(ofRowAt: i).reduce(0) { $0 + Double($1) } / Double(graph.k) }
        return scaledCloseness(means, scale: median(means))
    }

    /// Representativeness by closeness to the cluster mean for each of `rows` (all rows when
    /// nil), aligned with the rows ascending.
    /// - Parameter clusters: the cluster id of every row slot (−1 for noise).
    /// - Throws: `unknownRow` for a row outside the vectors or the cluster ids.
    /// - Complexity: O(rows · d).
    public static func clusterRepresentativeness(
        _ vectors: RowVectors, rows: [UInt32]? = nil, clusters: [Int32]
    ) throws(CurationError) -> (rows: [UInt32], scores: [Double]) {
        let members = try vectors.rowSet(rows, what: "the rows to score")
        if let bad = members.first(where: { Int($0) >= clusters.count }) {
            throw CurationError(.unknownRow, "there are \(clusters.count) cluster ids but row \(bad) is past them")
        }
        var positions: [Int32: [Int]] = [:]
        for (i, row) in members.enumerated() where clusters[Int(row)] >= 0 { positions[clusters[Int(row)], default: []].append(i) }
        var scores = [Double](repeating: 0, count: members.count)
        for (_, indices) in positions {
            let distances = vectors.distancesToMean(of: indices.map { members[$0] }).map(Double.init)
            let scale = distances.reduce(0, +) / Double(distances.count)
            for (i, score) in zip(indices, scaledCloseness(distances, scale: scale)) { scores[i] = score }
        }
        return (members, scores)
    }

    /// 1 / (1 + value / scale); every value scores 1 when the scale is zero.
    static func scaledCloseness(_ values: [Double], scale: Double) -> [Double] {
        guard scale > 0 else { return values.map { _ in 1 } }
        return values.map { 1 / (1 + $0 / scale) }
    }

    static func median(_ values: [Double]) -> Double {
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }
}
