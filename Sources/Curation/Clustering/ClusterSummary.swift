import VectorMath

/// What a cluster is: its size, its most central rows, its most common labels and metadata
/// values, and a short name built from them ("Sneaker · 87%").
public struct ClusterSummary: Sendable, Equatable {
    /// A value and how many of the cluster's rows have it.
    public struct ValueCount: Sendable, Equatable {
        public let value: String
        public let count: Int
        /// `count` over the cluster's size.
        public let fraction: Double
    }

    /// How central rows are ranked.
    public enum Centre: String, Sendable, Equatable {
        /// By distance to the mean of the cluster's rows.
        case centroid
        /// By mean distance to (up to 256 seeded) other rows of the cluster: the medoid first.
        case medoid
    }

    /// The cluster's id (−1 gathers noise).
    public let cluster: Int32
    /// Rows in the cluster.
    public let size: Int
    /// The most central rows (row numbers of the input), most central first.
    public let centralRows: [Int]
    /// The most common labels, most frequent first (ties by value).
    public let topLabels: [ValueCount]
    /// For each metadata field, its most common values.
    public let topMetadata: [String: [ValueCount]]
    /// A short name: the top label and its share, two labels when none has a strict majority, else the
    /// top metadata value, else "Cluster N" ("Noise" for −1).
    public let name: String

    /// Summaries of every cluster in `assignments` (one per row; −1 for noise gets a summary too),
    /// ordered by cluster id.
    /// - Parameters:
    ///   - vectors: the rows, row-major, `dimensions` wide (one per assignment).
    ///   - labels: a label per row (nil for unlabelled), or nil.
    ///   - metadata: per field, a value per row (nil when missing).
    ///   - centralCount: central rows to list per cluster.
    ///   - topCount: values to list per label or field.
    /// - Throws: `CurationError` when the per-row inputs do not have one entry per row, or rows
    ///   are bad.
    /// - Complexity: O(n · d) for `.centroid`, O(n · 256 · d) for `.medoid`.
    public static func summarize(
        assignments: [Int32], vectors: [Float], dimensions: Int, labels: [String?]? = nil,
        metadata: [String: [String?]] = [:], centralCount: Int = 5, topCount: Int = 3, centre: Centre = .centroid,
        seed: UInt64 = 0
    ) throws(CurationError) -> [ClusterSummary] {
        let n = try vectors.withUnsafeBufferPointer { v throws(CurationError) in
            try RowVectors.rowCount(v, dimensions: dimensions, what: "cluster summary vectors")
        }
        guard assignments.count == n else {
            throw CurationError(.invalidArgument, "cluster summary: \(assignments.count) assignments for \(n) rows")
        }
        if let labels, labels.count != n {
            throw CurationError(.invalidArgument, "cluster summary: \(labels.count) labels for \(n) rows")
        }
        for (field, values) in metadata where values.count != n {
            throw CurationError(.invalidArgument, "cluster summary: metadata field '\(field)' has \(values.count) values for \(n) rows")
        }
        guard centralCount >= 0, topCount >= 0 else {
            throw CurationError(.invalidArgument, "cluster summary: centralCount and topCount must be ≥ 0")
        }
        var members: [Int32: [Int]] = [:]
        for (row, cluster) in assignments.enumerated() { members[cluster, default: []].append(row) }
        var random = SplitMix64(seed: seed)
        return members.keys.sorted().map { cluster in
            let rows = members[cluster] ?? []
            let central = centralRows(rows, vectors: vectors, dimensions: dimensions, count: centralCount, centre: centre, random: &random)
            let topLabels = labels.map { labels in top(rows.compactMap { labels[$0] }, size: rows.count, count: topCount) } ?? []
            var topMetadata: [String: [ValueCount]] = [:]
            for (field, values) in metadata { topMetadata[field] = top(rows.compactMap { values[$0] }, size: rows.count, count: topCount) }
            return ClusterSummary(cluster: cluster, size: rows.count, centralRows: central, topLabels: topLabels, topMetadata: topMetadata,
                                  name: name(cluster: cluster, labels: topLabels, metadata: topMetadata))
        }
    }

    static func top(_ values: [String], size: Int, count: Int) -> [ValueCount] {
        var tally: [String: Int] = [:]
        for value in values { tally[value, default: 0] += 1 }
        return tally.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(count).map {
            ValueCount(value: $0.key, count: $0.value, fraction: size > 0 ? Double($0.value) / Double(size) : 0)
        }
    }

    static func percent(_ fraction: Double) -> String { "\(Int((fraction * 100).rounded()))%" }

    static func name(cluster: Int32, labels: [ValueCount], metadata: [String: [ValueCount]]) -> String {
        if cluster < 0 { return "Noise" }
        if let first = labels.first {
            if first.fraction > 0.5 || labels.count == 1 { return "\(first.value) · \(percent(first.fraction))" }
            return "\(first.value) \(percent(first.fraction)) / \(labels[1].value) \(percent(labels[1].fraction))"
        }
        if let (field, values) = metadata.sorted(by: { $0.key < $1.key }).first(where: { !$0.value.isEmpty }), let first = values.first {
            return "\(field)=\(first.value) · \(percent(first.fraction))"
        }
        return "Cluster \(cluster)"
    }

    /// The `count` rows nearest the centroid, or with the smallest mean distance to a sample of
    /// the cluster.
    static func centralRows(
        _ rows: [Int], vectors: [Float], dimensions d: Int, count: Int, centre: Centre, random: inout SplitMix64
    ) -> [Int] {
        guard count > 0, !rows.isEmpty else { return [] }
        let kernels = VectorKernels.active
        var scored: [(score: Double, row: Int)] = []
        vectors.withUnsafeBufferPointer { v in
            let base = v.baseAddress!
            switch centre {
            case .centroid:
                var mean = [Double](repeating: 0, count: d)
                for row in rows { for j in 0..<d { mean[j] += Double(base[row * d + j]) } }
                let centroid = mean.map { Float($0 / Double(rows.count)) }
                scored = rows.map { (Double(kernels.squaredL2(base + $0 * d, centroid, count: d)), $0) }
            case .medoid:
                var sample = rows
                if sample.count > 256 {
                    for i in 0..<256 { sample.swapAt(i, Int.random(in: i..<sample.count, using: &random)) }
                    sample = Array(sample.prefix(256))
                }
                scored = rows.map { row in
                    (sample.reduce(0.0) { $0 + Double(kernels.squaredL2(base + row * d, base + $1 * d, count: d).squareRoot()) }, row)
                }
            }
        }
        scored.sort { $0.score != $1.score ? $0.score < $1.score : $0.row < $1.row }
        return scored.prefix(count).map(\.row)
    }
}
