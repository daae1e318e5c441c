import CBLAS

/// Matrix-shaped scoring through OpenBLAS: many queries against many vectors at once.
public enum BatchScoring {
    /// Writes the inner products of `queryCount` queries against `rowCount` rows into `out`
    /// (row-major `queryCount × rowCount`, leading dimension `outStride`).
    ///
    /// Queries and rows are row-major with `dimensions` floats each (rows `rowStride` apart).
    /// - Complexity: O(queryCount · rowCount · dimensions), at BLAS sgemm speed.
    public static func innerProducts(
        queries: UnsafePointer<Float>, queryCount: Int,
        rows: UnsafePointer<Float>, rowCount: Int, rowStride: Int,
        dimensions: Int,
        into out: UnsafeMutablePointer<Float>, outStride: Int
    ) {
        guard queryCount > 0, rowCount > 0 else { return }
        cblas_sgemm(
            CblasRowMajor, CblasNoTrans, CblasTrans,
            Int32(queryCount), Int32(rowCount), Int32(dimensions),
            1, queries, Int32(dimensions), rows, Int32(rowStride),
            0, out, Int32(outStride))
    }

    /// Sets the number of threads OpenBLAS may use (1 for single-threaded benchmarks).
    public static func setThreadCount(_ count: Int) {
        openblas_set_num_threads(Int32(max(1, count)))
    }
}
