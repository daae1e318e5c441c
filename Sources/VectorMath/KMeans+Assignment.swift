import Dispatch

extension KMeans {
    /// Writes the nearest centroid of each of `count` points to `clusters`, and its ordering key
    /// (lower is nearer: `‖c‖² − 2·x·c`, or `−x·c` when spherical) to `keys` if given.
    /// - Complexity: O(count · k · d) at sgemm speed, on `threads` cores.
    public func assign(
        _ points: UnsafePointer<Float>, count: Int, into clusters: UnsafeMutablePointer<UInt32>,
        keys: UnsafeMutablePointer<Float>? = nil, threads: Int = 1
    ) {
        guard count > 0 else { return }
        let k = clusterCount, dimensions = dimensions, spherical = spherical
        let centroidNorms = centroids.withUnsafeBufferPointer { c in
            (0..<k).map { spherical ? 0 : VectorKernels.active.dot(c.baseAddress! + $0 * dimensions, c.baseAddress! + $0 * dimensions, count: dimensions) }
        }
        let workers = min(max(threads, 1), max(1, count / Self.pointBlock))
        centroids.withUnsafeBufferPointer { centroids in
            centroidNorms.withUnsafeBufferPointer { norms in
                // Workers write the disjoint ranges of `clusters` and `keys` of their points.
                let shared = UncheckedSendable((centroids: centroids.baseAddress!, norms: norms.baseAddress!,
                                                clusters: clusters, keys: keys, points: points))
                DispatchQueue.concurrentPerform(iterations: workers) { worker in
                    let range = Self.chunk(worker, of: workers, count: count)
                    Self.assignRange(shared.value.points, range: range, centroids: shared.value.centroids, norms: shared.value.norms,
                                     k: k, dimensions: dimensions, spherical: spherical,
                                     clusters: shared.value.clusters, keys: shared.value.keys)
                }
            }
        }
    }

    private static func assignRange(
        _ points: UnsafePointer<Float>, range: Range<Int>, centroids: UnsafePointer<Float>, norms: UnsafePointer<Float>,
        k: Int, dimensions: Int, spherical: Bool, clusters: UnsafeMutablePointer<UInt32>, keys: UnsafeMutablePointer<Float>?
    ) {
        let columns = min(k, centroidBlock)
        let scores = UnsafeMutablePointer<Float>.allocate(capacity: pointBlock * columns)
        let best = UnsafeMutablePointer<Float>.allocate(capacity: pointBlock)
        defer {
            scores.deallocate()
            best.deallocate()
        }
        var start = range.lowerBound
        while start < range.upperBound {
            let rows = min(pointBlock, range.upperBound - start)
            best.initialize(repeating: .infinity, count: rows)
            var centroidStart = 0
            while centroidStart < k {
                let block = min(columns, k - centroidStart)
                BatchScoring.innerProducts(
                    queries: points + start * dimensions, queryCount: rows,
                    rows: centroids + centroidStart * dimensions, rowCount: block, rowStride: dimensions,
                    dimensions: dimensions, into: scores, outStride: block)
                for r in 0..<rows {
                    let line = scores + r * block
                    var bestKey = best[r], bestCluster = clusters[start + r]
                    if spherical {
                        for c in 0..<block where -line[c] < bestKey {
                            bestKey = -line[c]
                            bestCluster = UInt32(centroidStart + c)
                        }
                    } else {
                        let blockNorms = norms + centroidStart
                        for c in 0..<block {
                            let key = blockNorms[c] - 2 * line[c]
                            if key < bestKey {
                                bestKey = key
                                bestCluster = UInt32(centroidStart + c)
                            }
                        }
                    }
                    best[r] = bestKey
                    clusters[start + r] = bestCluster
                }
                centroidStart += block
            }
            if let keys { (keys + start).update(from: best, count: rows) }
            start += rows
        }
    }
}
