import VectorMath

/// Raw kernel values between blocks of rows, through BLAS sgemm: dot products, or squared
/// Euclidean distances (`‖a‖² + ‖b‖² − 2·a·b`) when `metric` is L2 — negated when
/// `negatesDistances`, so that higher is nearer under every metric.
///
/// Rows are named by slot; a block of consecutive slots is read in place, any other block is
/// gathered into the worker's scratch first (O(rows · d), small beside the O(left · right · d)
/// product).
struct PairwiseScorer {
    let vectors: RowVectors
    /// `.l2` for squared distances, anything else for dot products.
    let metric: Metric
    /// Write −‖a − b‖² instead of ‖a − b‖² under L2.
    var negatesDistances = false

    init(vectors: RowVectors, metric: Metric, negatesDistances: Bool = false) {
        self.vectors = vectors
        self.metric = metric
        self.negatesDistances = negatesDistances
    }

    /// Rows per block on each side: a 256 × 1024 block of values (1 MiB) stays in cache.
    static let leftBlock = 256
    static let rightBlock = 1024

    /// One worker's buffers.
    struct Scratch {
        let left: UnsafeMutablePointer<Float>
        let right: UnsafeMutablePointer<Float>
        let values: UnsafeMutablePointer<Float>
        let rightNorms: UnsafeMutablePointer<Float>

        init(dimensions: Int) {
            left = .allocate(capacity: PairwiseScorer.leftBlock * dimensions)
            right = .allocate(capacity: PairwiseScorer.rightBlock * dimensions)
            values = .allocate(capacity: PairwiseScorer.leftBlock * PairwiseScorer.rightBlock)
            rightNorms = .allocate(capacity: PairwiseScorer.rightBlock)
        }

        func deallocate() {
            left.deallocate()
            right.deallocate()
            values.deallocate()
            rightNorms.deallocate()
        }
    }

    /// Writes the kernel value of `left[i]` against `right[j]` to `scratch.values[i · right.count + j]`
    /// (at most `leftBlock` × `rightBlock` rows) and returns `scratch.values`.
    @discardableResult
    func score(left: UnsafeBufferPointer<UInt32>, right: UnsafeBufferPointer<UInt32>, scratch: Scratch) -> UnsafeMutablePointer<Float> {
        let d = vectors.dimensions
        vectors.values.withUnsafeBufferPointer { rows in
            vectors.squaredNorms.withUnsafeBufferPointer { norms in
                let base = rows.baseAddress!
                let a = Self.rows(left, base: base, dimensions: d, gatherInto: scratch.left)
                let b = Self.rows(right, base: base, dimensions: d, gatherInto: scratch.right)
                BatchScoring.innerProducts(queries: a, queryCount: left.count, rows: b, rowCount: right.count, rowStride: d,
                                           dimensions: d, into: scratch.values, outStride: right.count)
                guard metric == .l2 else { return }
                let rightNorms = scratch.rightNorms
                for j in 0..<right.count { rightNorms[j] = norms[Int(right[j])] }
                let sign: Float = negatesDistances ? -1 : 1
                for i in 0..<left.count {
                    let line = scratch.values + i * right.count
                    let ni = norms[Int(left[i])]
                    for j in 0..<right.count { line[j] = sign * max(0, ni + rightNorms[j] - 2 * line[j]) }
                }
            }
        }
        return scratch.values
    }

    /// The rows of `slots`, in place when they are consecutive, else copied into `buffer`.
    private static func rows(
        _ slots: UnsafeBufferPointer<UInt32>, base: UnsafePointer<Float>, dimensions: Int, gatherInto buffer: UnsafeMutablePointer<Float>
    ) -> UnsafePointer<Float> {
        guard let first = slots.first else { return base }
        var consecutive = true
        for i in slots.indices where slots[i] != first &+ UInt32(i) {
            consecutive = false
            break
        }
        if consecutive { return base + Int(first) * dimensions }
        for (i, slot) in slots.enumerated() { (buffer + i * dimensions).update(from: base + Int(slot) * dimensions, count: dimensions) }
        return UnsafePointer(buffer)
    }
}
