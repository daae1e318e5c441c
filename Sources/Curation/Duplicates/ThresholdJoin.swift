import CVectorKernels
import VectorMath

/// The exact threshold join of a set of rows with itself: every pair whose score reaches the
/// threshold, found by scoring the upper triangle of the row × row matrix in sgemm blocks
/// (`PairwiseScorer`), blocks of rows claimed by `threads` workers, and the scores filtered by
/// the SIMD `indices(of:above:)` kernel.
enum ThresholdJoin {
    /// One worker's pairs.
    private final class Found {
        var pairs: [NearDuplicates.Pair] = []
    }

    /// Every pair of distinct `rows` (sorted, distinct) whose score is at least `threshold`.
    /// - Throws: `limitExceeded` past `maxPairs` pairs.
    /// - Complexity: O(m²·d / 2) at sgemm speed on `threads` cores, for m rows.
    static func pairs(
        _ vectors: RowVectors, rows: [UInt32], threshold: Float, threads: Int, maxPairs: Int
    ) throws(CurationError) -> [NearDuplicates.Pair] {
        let m = rows.count, metric = vectors.metric
        // Higher is nearer under every metric (dot products, −squared distances).
        let scorer = PairwiseScorer(vectors: vectors, metric: metric, negatesDistances: true)
        let blocks = (m + PairwiseScorer.leftBlock - 1) / PairwiseScorer.leftBlock
        let workers = Parallel.workers(items: blocks, threads: threads)
        let scratches = (0..<workers).map { _ in PairwiseScorer.Scratch(dimensions: vectors.dimensions) }
        defer { scratches.forEach { $0.deallocate() } }
        let found = (0..<workers).map { _ in Found() }
        let total = UnsafeMutablePointer<Int>.allocate(capacity: 1)
        total.initialize(to: 0)
        defer { total.deallocate() }
        // A dot product passes when it is ≥ threshold; −‖a − b‖² when it is ≥ −threshold² (an
        // L2 score, −distance, is never positive).
        let cutoff = metric == .l2 ? (threshold > 0 ? Float.infinity : (-(threshold * threshold)).nextDown) : threshold.nextDown
        rows.withUnsafeBufferPointer { ids in
            withUnsafeTemporaryAllocation(of: UInt32.self, capacity: workers * PairwiseScorer.rightBlock) { hits in
                // Each worker appends to its own `Found` and uses its own scratch and hit buffer;
                // `total` is only touched atomically.
                let shared = UncheckedSendable((ids: ids, found: found, hits: hits.baseAddress!, total: total))
                Parallel.forEach(items: blocks, threads: workers) { worker, block in
                    let s = shared.value
                    if loupe_atomic_fetch_add(s.total, 0) > maxPairs { return }
                    let hits = s.hits + worker * PairwiseScorer.rightBlock
                    let first = block * PairwiseScorer.leftBlock
                    let left = UnsafeBufferPointer(rebasing: s.ids[first..<min(m, first + PairwiseScorer.leftBlock)])
                    var start = first
                    var added = 0
                    while start < m {
                        let right = UnsafeBufferPointer(rebasing: s.ids[start..<min(m, start + PairwiseScorer.rightBlock)])
                        let values = scorer.score(left: left, right: right, scratch: scratches[worker])
                        for i in 0..<left.count {
                            let line = values + i * right.count
                            // Only pairs above the diagonal: column index past the row's.
                            let from = max(0, first + i + 1 - start)
                            guard from < right.count else { continue }
                            let passed = VectorKernels.active.indices(of: line + from, count: right.count - from, above: cutoff, into: hits)
                            for h in 0..<passed {
                                let j = from + Int(hits[h])
                                let score = metric == .l2 ? -(-line[j]).squareRoot() : line[j]
                                s.found[worker].pairs.append(NearDuplicates.Pair(first: left[i], second: right[j], score: score))
                            }
                            added += passed
                        }
                        start += right.count
                    }
                    _ = loupe_atomic_fetch_add(s.total, added)
                }
            }
        }
        guard total.pointee <= maxPairs else { throw NearDuplicates.tooManyPairs(maxPairs, threshold: "\(threshold)") }
        return found.flatMap(\.pairs)
    }
}
