import VectorIndex
import VectorMath

/// The vectors of an embedding space as the curation algorithms read them: `count` rows of
/// `dimensions` floats, row-major, row `i` being the catalog's row slot `i`, compared by `metric`.
///
/// Rows are validated once, here (whole rows, finite values, no all-zero row under cosine), and
/// normalised to unit length under cosine, so every algorithm can trust them. The value is
/// immutable and shares its storage between copies.
public struct RowVectors: Sendable {
    /// Components per vector.
    public let dimensions: Int
    /// How rows are compared. Near-duplicate thresholds are scores of this metric (cosine
    /// similarity, inner product, or −distance for L2).
    public let metric: Metric
    /// The number of rows.
    public let count: Int
    /// The rows, row-major (unit length under cosine).
    public let values: [Float]
    /// ‖row‖² per row, for L2 scoring through BLAS.
    let squaredNorms: [Float]

    /// Validates `values` as whole rows of `dimensions` floats.
    /// - Throws: `CurationError.invalidVector` naming the first bad row, `invalidArgument` for
    ///   non-positive dimensions.
    /// - Complexity: O(count · dimensions).
    public init(_ values: [Float], dimensions: Int, metric: Metric) throws(CurationError) {
        let count = try values.withUnsafeBufferPointer { all throws(CurationError) in
            try Self.checkedRows(all, dimensions: dimensions, metric: metric, what: "the vectors")
        }
        var stored = values
        if metric.normalizesVectors {
            stored.withUnsafeMutableBufferPointer { Vectors.normalizeRows($0.baseAddress!, rows: count, dimensions: dimensions) }
        }
        self.dimensions = dimensions
        self.metric = metric
        self.count = count
        self.values = stored
        squaredNorms = stored.withUnsafeBufferPointer { rows in
            (0..<count).map { VectorKernels.active.dot(rows.baseAddress! + $0 * dimensions, rows.baseAddress! + $0 * dimensions, count: dimensions) }
        }
    }

    /// The metric by which distance-based algorithms (k-center coresets, uniqueness, density)
    /// compare rows: the space's own metric, except that an inner-product space is compared by
    /// Euclidean distance, because the inner product is not a dissimilarity.
    public var distanceMetric: Metric { metric == .innerProduct ? .l2 : metric }

    /// The row `row` (normalised under cosine).
    public func row(_ row: Int) -> ArraySlice<Float> { values[row * dimensions..<(row + 1) * dimensions] }

    /// `rows` sorted without repeats (every row when nil), each checked to name a row.
    /// - Throws: `CurationError.unknownRow` naming `what` and the first slot past `count`.
    func rowSet(_ rows: [UInt32]?, what: String) throws(CurationError) -> [UInt32] {
        guard var rows else { return (0..<UInt32(count)).map { $0 } }
        rows.sortAndRemoveDuplicates()
        try validate(rows: rows, what: what)
        return rows
    }

    /// Checks that every slot in `rows` names a row, naming `what` in the error.
    /// - Throws: `CurationError.unknownRow` for the first slot at or past `count`.
    func validate(rows: [UInt32], what: String) throws(CurationError) {
        if let bad = rows.first(where: { Int($0) >= count }) {
            throw CurationError(.unknownRow, "\(what) names row \(bad), but there are only \(count) rows of vectors")
        }
    }

    /// The distance between two rows under `distanceMetric` (1 − cosine, or Euclidean distance).
    func distance(_ a: Int, _ b: Int) -> Float {
        let metric = distanceMetric
        return values.withUnsafeBufferPointer { rows in
            let value = VectorKernels.active.kernelValue(metric, rows.baseAddress! + a * dimensions, rows.baseAddress! + b * dimensions, count: dimensions)
            return metric.distance(fromOrderingKey: metric.orderingKey(fromKernelValue: value))
        }
    }

    /// The distance (under `distanceMetric`) of each of `rows` to their mean, normalised to unit
    /// length under cosine.
    /// - Complexity: O(rows · d).
    func distancesToMean(of rows: [UInt32]) -> [Float] {
        guard !rows.isEmpty else { return [] }
        let d = dimensions, metric = distanceMetric
        return values.withUnsafeBufferPointer { all in
            var sum = [Double](repeating: 0, count: d)
            for row in rows {
                let v = all.baseAddress! + Int(row) * d
                for j in 0..<d { sum[j] += Double(v[j]) }
            }
            var centre = sum.map { Float($0 / Double(rows.count)) }
            if metric.normalizesVectors { centre = Vectors.normalized(centre) }
            return centre.withUnsafeBufferPointer { c in
                rows.map { row in
                    let value = VectorKernels.active.kernelValue(metric, all.baseAddress! + Int(row) * d, c.baseAddress!, count: d)
                    return metric.distance(fromOrderingKey: metric.orderingKey(fromKernelValue: value))
                }
            }
        }
    }
}
