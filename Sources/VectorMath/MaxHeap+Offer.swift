extension MaxHeap {
    /// Values pre-filtered per kernel call; the threshold tightens between chunks.
    public static let offerChunk = 256

    /// Offers `count` raw kernel values (dot products or squared L2 distances) of `metric` to the
    /// heap, keeping the lowest ordering keys; value `i` carries the id `id(i)`.
    ///
    /// For dot-product metrics a SIMD pre-filter skips every value that cannot enter the full heap,
    /// so the scalar heap code only sees the few that can. `scratch` needs room for
    /// `offerChunk` indices.
    @inlinable
    public mutating func offer(
        kernelValues values: UnsafePointer<Float>, count: Int, metric: Metric, kernels: VectorKernels,
        scratch: UnsafeMutablePointer<UInt32>, id: (Int) -> UInt32
    ) {
        if metric == .l2 {
            for i in 0..<count { keepLowest(values[i], id(i)) }
            return
        }
        var start = 0
        while start < count {
            let length = Swift.min(Self.offerChunk, count - start)
            // A dot product enters a full heap only if -dot < topKey, i.e. dot > -topKey.
            let threshold = isFull ? -topKey : -Float.infinity
            let passed = kernels.indices(of: values + start, count: length, above: threshold, into: scratch)
            for j in 0..<passed {
                let i = start + Int(scratch[j])
                keepLowest(-values[i], id(i))
            }
            start += length
        }
    }
}
