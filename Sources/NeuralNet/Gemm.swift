import CBLAS

/// Matrix products through OpenBLAS sgemm: the workhorse of every linear layer, attention score
/// and 1×1 convolution.
public enum Gemm {
    /// `c = alpha · op(a) · op(b) + beta · c` for row-major matrices, where `op(a)` is `m × k`,
    /// `op(b)` is `k × n` and `c` is `m × n`.
    ///
    /// - Parameters:
    ///   - transposeA: `a` is stored `k × m` (leading dimension `lda`, default `m`) instead of
    ///     `m × k` (default `lda` = `k`).
    ///   - transposeB: `b` is stored `n × k` (default `ldb` = `k`), as PyTorch stores `Linear`
    ///     weights, instead of `k × n` (default `ldb` = `n`).
    ///   - beta: 0 overwrites `c`; 1 accumulates into it.
    /// - Complexity: O(m·n·k) at sgemm speed.
    public static func multiply(
        _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, into c: UnsafeMutablePointer<Float>,
        m: Int, n: Int, k: Int,
        transposeA: Bool = false, transposeB: Bool = false,
        lda: Int? = nil, ldb: Int? = nil, ldc: Int? = nil,
        alpha: Float = 1, beta: Float = 0
    ) {
        guard m > 0, n > 0 else { return }
        cblas_sgemm(
            CblasRowMajor,
            transposeA ? CblasTrans : CblasNoTrans,
            transposeB ? CblasTrans : CblasNoTrans,
            Int32(m), Int32(n), Int32(k),
            alpha, a, Int32(lda ?? (transposeA ? m : k)),
            b, Int32(ldb ?? (transposeB ? k : n)),
            beta, c, Int32(ldc ?? n))
    }
}
