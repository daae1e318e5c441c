import VectorMath

/// k-center greedy proposals (Gonzalez 1985; Sener & Savarese, ICLR 2018): each proposal is the
/// candidate farthest from every row chosen so far, picks and labelled rows alike.
///
/// One array holds each candidate's distance to its nearest chosen row. Accepting a pick lowers
/// it with one pass of the distance kernel over the candidates (split over `threads` cores,
/// O(m·d)), fused with the search for the next farthest candidate; the pass of the last pick is
/// never run. Labelled rows seed the array through BLAS blocks (O(m·L·d)).
///
/// Distances are 1 − cosine under cosine, Euclidean otherwise (squared inside). With a
/// near-duplicate threshold in the same geometry, the stream ends once the farthest candidate is
/// that close to a chosen row, since every other candidate is then closer still.
final class CoresetPicks: PickStream {
    let vectors: RowVectors
    let candidates: [UInt32]
    let threads: Int
    /// `.cosine` or `.l2`: the geometry of the distances.
    let metric: Metric
    /// Per candidate: 1 − cosine, or the squared distance, to the nearest chosen row; −1 once
    /// picked or dropped.
    private let farness: UnsafeMutablePointer<Float>
    /// The farness at or below which a candidate is a near-duplicate of a chosen row.
    private let stopFarness: Float?
    private let usesGenericExclusion: Bool
    private var best: (farness: Float, index: Int) = (-1, 0)
    private var firstIndex: Int?
    private var proposed = 0
    private var pending: Int?

    /// Candidates per kernel call in a pass.
    static let block = 1024
    /// Candidates per worker below which a pass stays on one thread.
    static let candidatesPerWorker = 4096

    init(candidates: [UInt32], start: SmartSelect.CoresetStart, vectors: RowVectors, threads: Int, excludeWithin threshold: Float?) {
        self.vectors = vectors
        self.candidates = candidates
        self.threads = threads
        metric = vectors.distanceMetric
        farness = .allocate(capacity: candidates.count)
        farness.initialize(repeating: .infinity, count: candidates.count)
        if let threshold, vectors.metric == metric {
            // A cosine score t is a farness of 1 − t; an L2 score −r a squared distance r².
            stopFarness = metric == .l2 ? (threshold > 0 ? -.infinity : threshold * threshold) : 1 - threshold
            usesGenericExclusion = false
        } else {
            stopFarness = nil
            usesGenericExclusion = threshold != nil
        }
        switch start {
        case .seeded(let seed):
            var random = SplitMix64(seed: seed)
            firstIndex = Int.random(in: 0..<candidates.count, using: &random)
        case .labelled(let labelled):
            seed(from: labelled)
        }
    }

    deinit { farness.deallocate() }

    var excludesNearDuplicatesItself: Bool { !usesGenericExclusion }

    func next() -> SmartSelect.Pick? {
        if let first = firstIndex {
            proposed = first
            return SmartSelect.Pick(row: candidates[first], reason: .coreset(distance: nil))
        }
        applyPending()
        guard best.farness >= 0 else { return nil }
        if let stopFarness, best.farness <= stopFarness { return nil }
        proposed = best.index
        return SmartSelect.Pick(row: candidates[best.index], reason: .coreset(distance: distance(best.farness)))
    }

    func accept() {
        firstIndex = nil
        farness[proposed] = -1
        pending = proposed
    }

    func refuse() {
        farness[proposed] = -1
        best = (-1, 0)
        for i in 0..<candidates.count where farness[i] > best.farness { best = (farness[i], i) }
    }

    func finish() -> Float? {
        guard firstIndex == nil else { return nil }
        applyPending()
        return distance(max(best.farness, 0))
    }

    private func distance(_ farness: Float) -> Float { metric == .l2 ? farness.squareRoot() : max(farness, 0) }

    // MARK: Passes

    /// Lowers every candidate's farness by the pick waiting to be applied, and finds the farthest.
    private func applyPending() {
        guard let index = pending else { return }
        pending = nil
        let m = candidates.count, d = vectors.dimensions, metric = metric
        let workers = max(1, min(threads, m / Self.candidatesPerWorker))
        var bests = [(farness: Float, index: Int)](repeating: (-1, 0), count: workers)
        let centre = Int(candidates[index])
        vectors.values.withUnsafeBufferPointer { rows in
            candidates.withUnsafeBufferPointer { ids in
                bests.withUnsafeMutableBufferPointer { bests in
                    // Workers write disjoint ranges of `farness` and their own entry of `bests`.
                    let shared = UncheckedSendable((rows: rows.baseAddress!, ids: ids.baseAddress!, farness: farness, bests: bests.baseAddress!))
                    Parallel.forEach(items: workers, threads: workers) { _, worker in
                        let s = shared.value
                        s.bests[worker] = Self.lower(s.farness, ids: s.ids, range: Parallel.chunk(worker, of: workers, count: m),
                                                     by: s.rows + centre * d, rows: s.rows, dimensions: d, metric: metric)
                    }
                }
            }
        }
        // Workers cover ascending ranges: on a tie the earlier (lower) candidate stays.
        best = bests.reduce((-1, 0)) { $1.farness > $0.farness ? $1 : $0 }
    }

    /// One worker's share of a pass: lowers `farness` over `range` by the distance to `centre`
    /// and returns the farthest candidate of the range.
    private static func lower(
        _ farness: UnsafeMutablePointer<Float>, ids: UnsafePointer<UInt32>, range: Range<Int>, by centre: UnsafePointer<Float>,
        rows: UnsafePointer<Float>, dimensions: Int, metric: Metric
    ) -> (farness: Float, index: Int) {
        var best: (farness: Float, index: Int) = (-1, 0)
        // Sorted, distinct candidates are consecutive rows when their span equals their count:
        // then the kernel streams the rows without reading ids.
        let consecutive = !range.isEmpty && Int(ids[range.upperBound - 1] - ids[range.lowerBound]) == range.count - 1
        withUnsafeTemporaryAllocation(of: Float.self, capacity: block) { values in
            let values = values.baseAddress!
            var start = range.lowerBound
            while start < range.upperBound {
                let count = min(block, range.upperBound - start)
                if consecutive {
                    VectorKernels.active.scoreConsecutiveRows(metric, query: centre, base: rows + Int(ids[start]) * dimensions,
                                                              dimensions: dimensions, stride: dimensions, count: count, into: values)
                } else {
                    VectorKernels.active.scoreRows(metric, query: centre, base: rows, dimensions: dimensions, stride: dimensions,
                                                   ids: ids + start, count: count, into: values)
                }
                for j in 0..<count {
                    let i = start + j
                    let current = farness[i]
                    guard current >= 0 else { continue }
                    let candidate = metric == .l2 ? values[j] : 1 - values[j]
                    let lowered = min(current, max(candidate, 0))
                    farness[i] = lowered
                    if lowered > best.farness { best = (lowered, i) }
                }
                start += count
            }
        }
        return best
    }

    /// Sets every candidate's farness to its nearest labelled row, through BLAS blocks.
    private func seed(from labelled: [UInt32]) {
        let m = candidates.count
        let scorer = PairwiseScorer(vectors: vectors, metric: metric)
        let blocks = (m + PairwiseScorer.leftBlock - 1) / PairwiseScorer.leftBlock
        let workers = Parallel.workers(items: blocks, threads: threads)
        let scratches = (0..<workers).map { _ in PairwiseScorer.Scratch(dimensions: vectors.dimensions) }
        defer { scratches.forEach { $0.deallocate() } }
        let cosine = metric != .l2
        candidates.withUnsafeBufferPointer { ids in
            labelled.withUnsafeBufferPointer { labelled in
                // Each block of candidates is one item: workers write disjoint ranges of `farness`.
                let shared = UncheckedSendable((ids: ids, labelled: labelled, farness: farness))
                Parallel.forEach(items: blocks, threads: workers) { worker, block in
                    let s = shared.value
                    let first = block * PairwiseScorer.leftBlock
                    let left = UnsafeBufferPointer(rebasing: s.ids[first..<min(m, first + PairwiseScorer.leftBlock)])
                    var start = 0
                    while start < s.labelled.count {
                        let right = UnsafeBufferPointer(rebasing: s.labelled[start..<min(s.labelled.count, start + PairwiseScorer.rightBlock)])
                        let values = scorer.score(left: left, right: right, scratch: scratches[worker])
                        for i in 0..<left.count {
                            let line = values + i * right.count
                            var nearest = s.farness[first + i]
                            for j in 0..<right.count { nearest = min(nearest, max(cosine ? 1 - line[j] : line[j], 0)) }
                            s.farness[first + i] = nearest
                        }
                        start += right.count
                    }
                }
            }
        }
        best = (-1, 0)
        for i in 0..<m where farness[i] > best.farness { best = (farness[i], i) }
    }
}
