extension KMeans {
    /// k-means++ on `count` points: the first centre uniformly, then at each step `trials`
    /// candidates drawn with probability proportional to their squared distance from the nearest
    /// centre so far, keeping the one that lowers the potential (Σ of those distances) most —
    /// scikit-learn's greedy variant; one trial is the original algorithm.
    ///
    /// Candidate distances go through BLAS (`‖x‖² + ‖c‖² − 2·x·c`), over fixed chunks of points
    /// spread over `threads` workers and reduced in chunk order, so the result depends only on the
    /// seed.
    /// - Complexity: O(count · k · trials · d).
    static func plusPlusCentroids(
        _ points: UnsafePointer<Float>, count n: Int, dimensions d: Int, k: Int, trials: Int, threads: Int,
        random: inout SplitMix64
    ) -> [Float] {
        let norms = squaredNorms(points, count: n, dimensions: d)
        var centroids = [Float](repeating: 0, count: k * d)
        var closest = [Float](repeating: .infinity, count: n)
        var cumulative = [Double](repeating: 0, count: n)
        let candidateDistances = UnsafeMutablePointer<Float>.allocate(capacity: n * trials)
        let candidates = UnsafeMutablePointer<Float>.allocate(capacity: trials * d)
        defer {
            candidateDistances.deallocate()
            candidates.deallocate()
        }
        var potential = 0.0
        for c in 0..<k {
            // Draw the candidates.
            var chosen: [Int]
            if c == 0 || potential <= 0 {
                // The first centre, or every point already coincides with a centre: any point.
                chosen = [Int.random(in: 0..<n, using: &random)]
            } else {
                var running = 0.0
                for i in 0..<n {
                    running += Double(closest[i])
                    cumulative[i] = running
                }
                chosen = (0..<trials).map { _ in
                    let target = random.nextUnitInterval() * running
                    return min(lowerBound(cumulative, target), n - 1)
                }
            }
            for (t, row) in chosen.enumerated() { (candidates + t * d).update(from: points + row * d, count: d) }
            // Distances of every point to every candidate, and each candidate's potential.
            let trialCount = chosen.count
            let candidateNorms = chosen.map { norms[$0] }
            let chunks = chunkCount(n)
            var partial = [Double](repeating: 0, count: chunks * trialCount)
            norms.withUnsafeBufferPointer { norms in
                closest.withUnsafeBufferPointer { closest in
                    candidateNorms.withUnsafeBufferPointer { candidateNorms in
                        partial.withUnsafeMutableBufferPointer { partial in
                            // Workers write the rows of their own chunks and their own partial sums.
                            let shared = UncheckedSendable((norms: norms.baseAddress!, closest: closest.baseAddress!,
                                                            candidateNorms: candidateNorms.baseAddress!, partial: partial.baseAddress!,
                                                            candidates: candidates, distances: candidateDistances, points: points))
                            forEachChunk(count: n, threads: threads) { chunk, range in
                                let s = shared.value
                                BatchScoring.innerProducts(
                                    queries: s.points + range.lowerBound * d, queryCount: range.count, rows: s.candidates,
                                    rowCount: trialCount, rowStride: d, dimensions: d,
                                    into: s.distances + range.lowerBound * trialCount, outStride: trialCount)
                                var sums = [Double](repeating: 0, count: trialCount)
                                for i in range {
                                    let line = s.distances + i * trialCount
                                    for t in 0..<trialCount {
                                        let distance = max(0, s.norms[i] + s.candidateNorms[t] - 2 * line[t])
                                        line[t] = distance
                                        sums[t] += Double(min(distance, s.closest[i]))
                                    }
                                }
                                for t in 0..<trialCount { s.partial[chunk * trialCount + t] = sums[t] }
                            }
                        }
                    }
                }
            }
            var best = 0, bestPotential = Double.infinity
            for t in 0..<trialCount {
                var total = 0.0
                for chunk in 0..<chunks { total += partial[chunk * trialCount + t] }
                if total < bestPotential {
                    bestPotential = total
                    best = t
                }
            }
            potential = bestPotential
            centroids.withUnsafeMutableBufferPointer {
                ($0.baseAddress! + c * d).update(from: candidates + best * d, count: d)
            }
            for i in 0..<n { closest[i] = min(closest[i], candidateDistances[i * trialCount + best]) }
        }
        return centroids
    }

    /// The first index whose value is ≥ `target` (numpy's `searchsorted`, side "left"), or
    /// `values.count`.
    static func lowerBound(_ values: [Double], _ target: Double) -> Int {
        var low = 0, high = values.count
        while low < high {
            let middle = (low + high) / 2
            if values[middle] < target { low = middle + 1 } else { high = middle }
        }
        return low
    }
}
