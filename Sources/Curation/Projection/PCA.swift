import CBLAS
import Dispatch
import VectorMath

/// Principal component analysis: the directions of largest variance of a set of rows, and the
/// coordinates of rows along them (the cluster map's linear projection).
///
/// The centred covariance is accumulated through BLAS (`ssyrk` over blocks of centred rows, one
/// accumulator per worker, added in worker order, in Double), and its largest eigenpairs come from
/// LAPACK's `dsyevr`. Each axis's sign is fixed so that its largest-magnitude component is positive (as
/// scikit-learn's `svd_flip` does for `components_`).
public struct PCA: Sendable {
    /// Components per input row.
    public let dimensions: Int
    /// The mean row, subtracted before projecting.
    public let mean: [Float]
    /// The principal axes, row-major `components × dimensions`, unit length, by decreasing variance.
    public let axes: [Float]
    /// The variance along each axis (eigenvalues of the covariance, n − 1 normalisation).
    public let explainedVariance: [Double]
    /// Each axis's share of the total variance.
    public let explainedVarianceRatio: [Double]

    /// The number of axes.
    public var components: Int { explainedVariance.count }

    static let rowBlock = 2048

    /// Fits `components` axes to `points` (row-major, `dimensions` wide).
    /// - Throws: `CurationError` for bad rows, fewer than two rows, or `components` outside
    ///   1…dimensions.
    /// - Complexity: O(n · d²) at ssyrk speed plus O(d³) for the eigensolver.
    public static func fit(
        _ points: UnsafeBufferPointer<Float>, dimensions: Int, components: Int = 2, threads: Int = KMeans.availableCores
    ) throws(CurationError) -> PCA {
        let count = try RowVectors.rowCount(points, dimensions: dimensions, what: "PCA input")
        guard count >= 2 else { throw CurationError(.notEnoughRows, "PCA needs at least 2 rows (got \(count))") }
        guard (1...dimensions).contains(components) else {
            throw CurationError(.invalidArgument, "PCA components must be in 1…\(dimensions) (got \(components))")
        }
        let d = dimensions, base = points.baseAddress!
        var sums = [Double](repeating: 0, count: d)
        for i in 0..<count {
            let row = base + i * d
            for j in 0..<d { sums[j] += Double(row[j]) }
        }
        let mean = sums.map { Float($0 / Double(count)) }
        let covariance = centredScatter(base, count: count, dimensions: d, mean: mean, threads: threads)
        let totalVariance = (0..<d).reduce(0.0) { $0 + covariance[$1 * d + $1] } / Double(count - 1)
        let (values, vectors) = try SymmetricEigen.largest(covariance.map { $0 / Double(count - 1) }, n: d, count: components)
        var axes = vectors.map { Float($0) }
        for c in 0..<components {
            var largest = 0
            for j in 0..<d where abs(axes[c * d + j]) > abs(axes[c * d + largest]) { largest = j }
            if axes[c * d + largest] < 0 { for j in 0..<d { axes[c * d + j] = -axes[c * d + j] } }
        }
        let variance = values.map { max(0, $0) }
        return PCA(dimensions: d, mean: mean, axes: axes, explainedVariance: variance,
                   explainedVarianceRatio: variance.map { totalVariance > 0 ? $0 / totalVariance : 0 })
    }

    /// Σ (x − μ)ᵀ(x − μ) (upper triangle, row-major, Double): per-worker ssyrk accumulators over
    /// blocks of centred rows.
    static func centredScatter(
        _ points: UnsafePointer<Float>, count: Int, dimensions d: Int, mean: [Float], threads: Int
    ) -> [Double] {
        let blocks = (count + rowBlock - 1) / rowBlock
        let workers = min(max(threads, 1), blocks)
        let partial = UnsafeMutablePointer<Float>.allocate(capacity: workers * d * d)
        defer { partial.deallocate() }
        partial.initialize(repeating: 0, count: workers * d * d)
        mean.withUnsafeBufferPointer { mean in
            // Each worker accumulates into its own d × d block.
            let shared = UncheckedSendable((partial: partial, mean: mean.baseAddress!, points: points))
            Parallel.run(workers) { worker in
                let s = shared.value
                let scratch = UnsafeMutablePointer<Float>.allocate(capacity: rowBlock * d)
                defer { scratch.deallocate() }
                for block in stride(from: worker, to: blocks, by: workers) {
                    let start = block * rowBlock, rows = min(rowBlock, count - start)
                    for i in 0..<rows {
                        let source = s.points + (start + i) * d, target = scratch + i * d
                        for j in 0..<d { target[j] = source[j] - s.mean[j] }
                    }
                    cblas_ssyrk(CblasRowMajor, CblasUpper, CblasTrans, Int32(d), Int32(rows), 1, scratch, Int32(d),
                                1, s.partial + worker * d * d, Int32(d))
                }
            }
        }
        var total = [Double](repeating: 0, count: d * d)
        for worker in 0..<workers {
            for i in 0..<d * d { total[i] += Double(partial[worker * d * d + i]) }
        }
        return total
    }

    /// The coordinates of `rows` (row-major, `dimensions` wide) along the axes, row-major
    /// `rows × components`.
    /// - Throws: `CurationError` for rows of another width or with NaN.
    /// - Complexity: O(rows · d · components) at sgemm speed.
    public func transform(_ rows: UnsafeBufferPointer<Float>) throws(CurationError) -> [Float] {
        let count = try RowVectors.rowCount(rows, dimensions: dimensions, what: "rows to project with PCA")
        let m = components
        var out = [Float](repeating: 0, count: count * m)
        // x·a − μ·a for every axis a.
        let offsets = (0..<m).map { c in Float((0..<dimensions).reduce(0.0) { $0 + Double(mean[$1]) * Double(axes[c * dimensions + $1]) }) }
        axes.withUnsafeBufferPointer { axes in
            out.withUnsafeMutableBufferPointer { out in
                BatchScoring.innerProducts(queries: rows.baseAddress!, queryCount: count, rows: axes.baseAddress!, rowCount: m,
                                           rowStride: dimensions, dimensions: dimensions, into: out.baseAddress!, outStride: m)
                for i in 0..<count { for c in 0..<m { out[i * m + c] -= offsets[c] } }
            }
        }
        return out
    }

    /// `fit` over an array.
    public static func fit(_ points: [Float], dimensions: Int, components: Int = 2, threads: Int = KMeans.availableCores) throws(CurationError) -> PCA {
        try points.withUnsafeBufferPointer { points throws(CurationError) in
            try fit(points, dimensions: dimensions, components: components, threads: threads)
        }
    }

    /// `transform` over an array.
    public func transform(_ rows: [Float]) throws(CurationError) -> [Float] {
        try rows.withUnsafeBufferPointer { rows throws(CurationError) in try transform(rows) }
    }
}
