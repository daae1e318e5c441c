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
        let scorer = PairwiseScorer(vectors: vectors, metric: metric)
        let blocks = (m + PairwiseScorer.leftBlock - 1) / PairwiseScorer.leftBlock
        let workers = Parallel.workers(items: blocks, threads: threads)
        let scratches = (0..<workers).map { _ in PairwiseScorer.Scratch(dimensions: vectors.dimensions) }
        defer { scratches.forEach { $0.deallocate() } }
        let found = (0..<workers).map { _ in Found() }
        let total = UnsafeMutablePointer<Int>.allocate(capacity: 1)
        total.initialize(to: 0)
        defer { total.deallocate() }
        // A dot product passes when value ≥ threshold; a squared distance when value ≤ threshold².
        let dotCutoff = threshold.nextDown
        let squaredCutoff: Float = threshold > 0 ? -1 : threshold * threshold
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
                            let passed: Int
                            if metric == .l2 {
                                var n = 0
                                for j in from..<right.count where line[j] <= squaredCutoff {
                                    hits[n] = UInt32(j)
                                    n += 1
                                }
                                passed = n
                            } else {
                                passed = VectorKernels.active.indices(of: line + from, count: right.count - from, above: dotCutoff, into: hits)
                                for h in 0..<passed { hits[h] += UInt32(from) }
                            }
                            for h in 0..<passed {
                                let j = Int(hits[h])
                                let score = metric.score(fromOrderingKey: metric.orderingKey(fromKernelValue: line[j]))
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
        guard total.pointee <= maxPairs else {
            throw CurationError(.limitExceeded, "more than \(maxPairs) pairs of rows score at least \(threshold); raise the threshold (or the pair limit)")
        }
        return found.flatMap(\.pairs)
    }
}
