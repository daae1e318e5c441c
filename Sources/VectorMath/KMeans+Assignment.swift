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

    /// `assign` that also sums the points of each cluster, for the next Lloyd update.
    ///
    /// Points are taken in fixed chunks (about `accumulationChunk` rows, fewer chunks when k · d
    /// is large) whose Float partial sums are reduced in chunk order into Double: the sums depend
    /// on the data and the centroids, not on the number of threads.
    /// - Returns: row-major `k × d` sums and the size of each cluster.
    func assignAccumulating(
        _ points: UnsafePointer<Float>, count: Int, into clusters: UnsafeMutablePointer<UInt32>,
        keys: UnsafeMutablePointer<Float>, threads: Int
    ) -> (sums: [Double], counts: [Int]) {
        let k = clusterCount, d = dimensions, spherical = spherical
        let byRows = (count + Self.accumulationChunk - 1) / Self.accumulationChunk
        let chunks = max(1, min(byRows, Self.accumulationBudget / max(k * d, 1)))
        let partial = UnsafeMutablePointer<Float>.allocate(capacity: chunks * k * d)
        let partialCounts = UnsafeMutablePointer<Int>.allocate(capacity: chunks * k)
        defer {
            partial.deallocate()
            partialCounts.deallocate()
        }
        partial.initialize(repeating: 0, count: chunks * k * d)
        partialCounts.initialize(repeating: 0, count: chunks * k)
        let centroidNorms = centroids.withUnsafeBufferPointer { c in
            (0..<k).map { spherical ? 0 : VectorKernels.active.dot(c.baseAddress! + $0 * d, c.baseAddress! + $0 * d, count: d) }
        }
        let workers = min(max(threads, 1), chunks)
        centroids.withUnsafeBufferPointer { centroids in
            centroidNorms.withUnsafeBufferPointer { norms in
                // Each worker writes the assignments, keys and partial sums of its own chunks.
                let shared = UncheckedSendable((centroids: centroids.baseAddress!, norms: norms.baseAddress!, clusters: clusters,
                                                keys: keys, points: points, partial: partial, partialCounts: partialCounts))
                DispatchQueue.concurrentPerform(iterations: workers) { worker in
                    let s = shared.value
                    for chunk in stride(from: worker, to: chunks, by: workers) {
                        Self.assignRange(s.points, range: Self.chunk(chunk, of: chunks, count: count), centroids: s.centroids,
                                         norms: s.norms, k: k, dimensions: d, spherical: spherical, clusters: s.clusters,
                                         keys: s.keys, sums: s.partial + chunk * k * d, counts: s.partialCounts + chunk * k)
                    }
                }
            }
        }
        var sums = [Double](repeating: 0, count: k * d)
        var counts = [Int](repeating: 0, count: k)
        for chunk in 0..<chunks {
            let source = partial + chunk * k * d
            for i in 0..<k * d { sums[i] += Double(source[i]) }
            for c in 0..<k { counts[c] += partialCounts[chunk * k + c] }
        }
        return (sums, counts)
    }

    /// Rows per chunk of `assignAccumulating`, and the most Float partial sums it allocates.
    static let accumulationChunk = 1024
    static let accumulationBudget = 1 << 24

    private static func assignRange(
        _ points: UnsafePointer<Float>, range: Range<Int>, centroids: UnsafePointer<Float>, norms: UnsafePointer<Float>,
        k: Int, dimensions: Int, spherical: Bool, clusters: UnsafeMutablePointer<UInt32>, keys: UnsafeMutablePointer<Float>?,
        sums: UnsafeMutablePointer<Float>? = nil, counts: UnsafeMutablePointer<Int>? = nil
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
            if let sums, let counts {
                // The block's rows are still in cache: add each to its cluster's sum.
                for r in 0..<rows {
                    let cluster = Int(clusters[start + r])
                    counts[cluster] += 1
                    addRow(points + (start + r) * dimensions, into: sums + cluster * dimensions, count: dimensions)
                }
            }
            start += rows
        }
    }
}
