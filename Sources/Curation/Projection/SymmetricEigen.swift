import CBLAS

/// The largest eigenpairs of a dense symmetric matrix through LAPACK's MRRR solver (`dsyevr`,
/// Dhillon & Parlett 2004), from OpenBLAS's bundled LAPACK, in Double.
enum SymmetricEigen {
    /// The `count` largest eigenvalues of the `n × n` symmetric `matrix` (row-major, only the
    /// upper triangle is read), descending, with their unit eigenvectors as rows of `vectors`.
    /// - Throws: `CurationError.computationFailed` when LAPACK reports a failure.
    static func largest(_ matrix: [Double], n: Int, count: Int) throws(CurationError) -> (values: [Double], vectors: [Double]) {
        // Row-major upper = column-major lower.
        var a = matrix
        var w = [Double](repeating: 0, count: n)
        var z = [Double](repeating: 0, count: n * count)
        var isuppz = [Int32](repeating: 0, count: 2 * max(count, 1))
        var n32 = Int32(n), lda = Int32(n), ldz = Int32(n)
        var il = Int32(n - count + 1), iu = Int32(n)
        var vl = 0.0, vu = 0.0, abstol = 0.0
        var found: Int32 = 0, info: Int32 = 0
        var lwork: Int32 = -1, liwork: Int32 = -1
        var workSize = 0.0
        var iworkSize: Int32 = 0
        dsyevr_("V", "I", "L", &n32, &a, &lda, &vl, &vu, &il, &iu, &abstol, &found, &w, &z, &ldz, &isuppz,
                &workSize, &lwork, &iworkSize, &liwork, &info, 1, 1, 1)
        guard info == 0 else { throw CurationError(.computationFailed, "LAPACK dsyevr workspace query failed (info \(info))") }
        lwork = Int32(workSize)
        liwork = iworkSize
        var work = [Double](repeating: 0, count: Int(lwork))
        var iwork = [Int32](repeating: 0, count: Int(liwork))
        dsyevr_("V", "I", "L", &n32, &a, &lda, &vl, &vu, &il, &iu, &abstol, &found, &w, &z, &ldz, &isuppz,
                &work, &lwork, &iwork, &liwork, &info, 1, 1, 1)
        guard info == 0, Int(found) == count else {
            throw CurationError(.computationFailed, "LAPACK dsyevr failed to find \(count) eigenpairs of a \(n)×\(n) matrix (info \(info), found \(found))")
        }
        var values = [Double](repeating: 0, count: count)
        var vectors = [Double](repeating: 0, count: count * n)
        for r in 0..<count {
            let column = count - 1 - r
            values[r] = w[column]
            for i in 0..<n { vectors[r * n + i] = z[column * n + i] }
        }
        return (values, vectors)
    }
}
