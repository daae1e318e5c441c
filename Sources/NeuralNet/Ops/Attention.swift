/// Multi-head scaled dot-product self-attention over packed sequences (`SequenceLayout`):
/// softmax(Q·Kᵀ/√d)·V for each sequence and head, each sequence attending only to itself.
public enum Attention {
    /// Computes the attention of every (sequence, head) from a fused Q‖K‖V activation.
    ///
    /// The heads are read in place, with strides, from `qkv` — no transposed copies: row `t` of
    /// `qkv` holds the query (`width` floats), then the key, then the value of token `t`, where
    /// `width = heads · headDimension` and head `h` is the `h`-th slice of `headDimension` floats
    /// of each. The scores of one (sequence, head) are one sgemm, its softmax one pass per row, its
    /// output one more sgemm written straight into the head's columns of `context`. The
    /// (sequence, head) pairs run on `Parallel`'s workers, longest sequences first, each worker
    /// with its own score buffer.
    ///
    /// - Parameters:
    ///   - qkv: `layout.tokenCount × 3·width` floats.
    ///   - causal: token `i` attends only to tokens `0...i` of its sequence (CLIP's text tower).
    ///   - context: `layout.tokenCount × width` floats, overwritten.
    /// - Complexity: O(Σ L² · width) for sequences of length L.
    public static func selfAttention(
        qkv: UnsafePointer<Float>, layout: SequenceLayout, heads: Int, headDimension: Int, causal: Bool,
        into context: UnsafeMutablePointer<Float>
    ) {
        let width = heads * headDimension
        let stride = 3 * width
        let longest = layout.longest
        guard longest > 0, heads > 0 else { return }
        let scale = 1 / Float(headDimension).squareRoot()
        let order = layout.lengths.indices.sorted { layout.lengths[$0] > layout.lengths[$1] }
        let tasks = order.count * heads
        let workers = Parallel.workers(for: tasks)
        let scratch = UnsafeMutablePointer<Float>.allocate(capacity: workers * longest * longest)
        defer { scratch.deallocate() }

        Parallel.forEachTask(tasks, workers: workers) { worker, task in
            let sequence = order[task / heads]
            let head = task % heads
            let length = layout.lengths[sequence]
            guard length > 0 else { return }
            let first = layout.offsets[sequence]
            let query = qkv + first * stride + head * headDimension
            let key = query + width
            let value = query + 2 * width
            let scores = scratch + worker * longest * longest

            Gemm.multiply(
                query, key, into: scores, m: length, n: length, k: headDimension,
                transposeB: true, lda: stride, ldb: stride, ldc: length, alpha: scale)
            for row in 0..<length {
                let line = scores + row * length
                if causal {
                    Softmax.applyRow(line, count: row + 1)
                    (line + row + 1).update(repeating: 0, count: length - row - 1)
                } else {
                    Softmax.applyRow(line, count: length)
                }
            }
            Gemm.multiply(
                scores, value, into: context + first * width + head * headDimension,
                m: length, n: headDimension, k: length, lda: length, ldb: stride, ldc: width)
        }
    }
}
