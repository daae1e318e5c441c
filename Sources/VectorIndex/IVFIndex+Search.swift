import VectorMath

extension IVFIndex {
    /// Rows scored per kernel call while scanning a list.
    static let scanChunk = 1024
    /// Queries per BLAS call when a batch is routed to its lists.
    static let routingBlock = 256

    /// The metric that compares queries with centroids: inner product for spherical k-means.
    var coarseMetric: Metric { metric == .l2 ? .l2 : .innerProduct }

    /// - Complexity: O(nlist · d) to pick the lists, then O(m · d) for the m vectors in them (with
    ///   codes: O(m · d) byte operations plus O(k · rescoreFactor · d) to rescore).
    public func search(_ query: UnsafeBufferPointer<Float>, k: Int, options: SearchOptions = .default) throws -> SearchResult {
        try IndexInputs.validate(k: k)
        let prepared = try IndexInputs.prepareQuery(query, dimensions: dimensions, metric: metric)
        return prepared.withUnsafeBufferPointer { q in
            lock.withReadLock {
                guard let centroids else {
                    return exactScan(q.baseAddress!, k: k, filter: options.filter, minimumScore: options.minimumScore)
                }
                let probes = min(parameters.nprobe, parameters.nlist)
                return withUnsafeTemporaryAllocation(of: Float.self, capacity: parameters.nlist) { scores in
                    centroids.centroids.withUnsafeBufferPointer { c in
                        kernels.scoreConsecutiveRows(coarseMetric, query: q.baseAddress!, base: c.baseAddress!, dimensions: dimensions,
                                                     stride: dimensions, count: parameters.nlist, into: scores.baseAddress!)
                    }
                    let lists = nearest(probes, of: scores.baseAddress!)
                    return search(q.baseAddress!, lists: lists, k: k, options: options)
                }
            }
        }
    }

    /// Answers many queries: the query-to-centroid scores of a block of queries in one sgemm, then
    /// each query's lists.
    /// - Complexity: that of `search` per query, the routing at sgemm speed.
    public func search(batch queries: UnsafeBufferPointer<Float>, k: Int, options: SearchOptions = .default) throws -> [SearchResult] {
        let (prepared, queryCount) = try IndexInputs.prepareBatch(queries, dimensions: dimensions, metric: metric, k: k)
        return prepared.withUnsafeBufferPointer { all in
            lock.withReadLock {
                let base = all.baseAddress!
                guard let centroids else {
                    return (0..<queryCount).map { exactScan(base + $0 * dimensions, k: k, filter: options.filter, minimumScore: options.minimumScore) }
                }
                var results: [SearchResult] = []
                results.reserveCapacity(queryCount)
                let nlist = parameters.nlist, probes = min(parameters.nprobe, nlist)
                let block = min(Self.routingBlock, max(queryCount, 1))
                let scores = UnsafeMutablePointer<Float>.allocate(capacity: block * nlist)
                defer { scores.deallocate() }
                var start = 0
                while start < queryCount {
                    let count = min(block, queryCount - start)
                    centroids.centroids.withUnsafeBufferPointer { c in
                        BatchScoring.innerProducts(queries: base + start * dimensions, queryCount: count, rows: c.baseAddress!,
                                                   rowCount: nlist, rowStride: dimensions, dimensions: dimensions,
                                                   into: scores, outStride: nlist)
                    }
                    for q in 0..<count {
                        let line = scores + q * nlist
                        // ‖q − c‖² ranks as ‖c‖² − 2·q·c.
                        if metric == .l2 { for c in 0..<nlist { line[c] = centroidNorms[c] - 2 * line[c] } }
                        let lists = nearest(probes, of: line)
                        results.append(search(base + (start + q) * dimensions, lists: lists, k: k, options: options))
                    }
                    start += count
                }
                return results
            }
        }
    }

    /// The `count` lists whose centroids have the best of the coarse kernel values `scores`.
    private func nearest(_ count: Int, of scores: UnsafePointer<Float>) -> [UInt32] {
        var heap = MaxHeap(capacity: count)
        defer { heap.deallocate() }
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: MaxHeap.offerChunk) { passed in
            heap.offer(kernelValues: scores, count: parameters.nlist, metric: coarseMetric, kernels: kernels,
                       scratch: passed.baseAddress!) { UInt32($0) }
        }
        return heap.drainAscending().map(\.id)
    }

    /// Scans `lists` for one prepared query, under the read lock.
    private func search(_ query: UnsafePointer<Float>, lists probed: [UInt32], k: Int, options: SearchOptions) -> SearchResult {
        let n = slotIDs.count
        if let filter = options.filter {
            // The rows the probed lists hold; a filter smaller than that is cheaper scanned exactly.
            let probedRows = probed.reduce(0) { $0 + lists[Int($1)].count }
            if filter.count <= probedRows {
                return exactScan(query, k: k, filter: filter, minimumScore: options.minimumScore)
            }
        }
        var best = MaxHeap(capacity: k)
        defer { best.deallocate() }
        var scored = 0
        if parameters.encoding == nil {
            scored = scanFloatLists(query, lists: probed, filter: options.filter, into: &best)
        } else {
            scored = scanCodedLists(query, lists: probed, k: k, filter: options.filter, into: &best)
        }
        if best.count < k, options.filter != nil, best.count < n {
            // The probed lists held too few allowed rows.
            return exactScan(query, k: k, filter: options.filter, minimumScore: options.minimumScore)
        }
        let pairs = best.drainAscending().map { (key: $0.key, id: slotIDs[Int($0.id)]) }
        let isExact = parameters.encoding == nil && probed.count >= parameters.nlist
        return SearchResult(neighbors: IndexInputs.neighbors(pairs, metric: metric, minimumScore: options.minimumScore),
                            isExact: isExact, candidatesScored: scored)
    }

    /// Scores the float rows of each list (only rows the filter allows), best into `best`.
    private func scanFloatLists(_ query: UnsafePointer<Float>, lists probed: [UInt32], filter: IDFilter?, into best: inout MaxHeap) -> Int {
        var scored = 0
        withUnsafeTemporaryAllocation(of: Float.self, capacity: Self.scanChunk) { scores in
            withUnsafeTemporaryAllocation(of: UInt32.self, capacity: Self.scanChunk) { positions in
                withUnsafeTemporaryAllocation(of: UInt32.self, capacity: MaxHeap.offerChunk) { passed in
                    let scores = scores.baseAddress!, positions = positions.baseAddress!, passed = passed.baseAddress!
                    for listIndex in probed {
                        let list = lists[Int(listIndex)]
                        guard let rows = list.floats, list.count > 0 else { continue }
                        list.slots.withUnsafeBufferPointer { slots in
                            var start = 0
                            while start < list.count {
                                let length = min(Self.scanChunk, list.count - start)
                                if let filter {
                                    var allowed = 0
                                    for i in start..<start + length where filter.contains(slotIDs[Int(slots[i])]) {
                                        positions[allowed] = UInt32(i)
                                        allowed += 1
                                    }
                                    kernels.scoreRows(metric, query: query, base: rows.base, dimensions: dimensions, stride: dimensions,
                                                      ids: positions, count: allowed, into: scores)
                                    best.offer(kernelValues: scores, count: allowed, metric: metric, kernels: kernels,
                                               scratch: passed) { slots[Int(positions[$0])] }
                                    scored += allowed
                                } else {
                                    kernels.scoreConsecutiveRows(metric, query: query, base: rows.row(start), dimensions: dimensions,
                                                                 stride: dimensions, count: length, into: scores)
                                    best.offer(kernelValues: scores, count: length, metric: metric, kernels: kernels,
                                               scratch: passed) { slots[start + $0] }
                                    scored += length
                                }
                                start += length
                            }
                        }
                    }
                }
            }
        }
        return scored
    }

    /// Scores the codes of each list approximately, keeps `k · rescoreFactor` candidates, and
    /// rescores them exactly against the float copies into `best`.
    private func scanCodedLists(
        _ query: UnsafePointer<Float>, lists probed: [UInt32], k: Int, filter: IDFilter?, into best: inout MaxHeap
    ) -> Int {
        guard let exactRows, let first = probed.first, let firstCodes = lists[Int(first)].coded else { return 0 }
        let wanted = k * parameters.rescoreFactor
        let prepared = firstCodes.prepare(query, kernels: kernels)
        var candidates = MaxHeap(capacity: wanted)
        defer { candidates.deallocate() }
        var scored = 0
        withUnsafeTemporaryAllocation(of: Float.self, capacity: max(Self.scanChunk, wanted)) { scores in
            withUnsafeTemporaryAllocation(of: UInt32.self, capacity: max(MaxHeap.offerChunk, wanted)) { passed in
                let scores = scores.baseAddress!, passed = passed.baseAddress!
                for listIndex in probed {
                    let list = lists[Int(listIndex)]
                    guard let codes = list.coded, list.count > 0 else { continue }
                    list.slots.withUnsafeBufferPointer { slots in
                        var start = 0
                        while start < list.count {
                            let length = min(Self.scanChunk, list.count - start)
                            codes.approximateValues(prepared, metric: metric, start: start, count: length, into: scores, kernels: kernels)
                            if let filter {
                                for i in 0..<length where filter.contains(slotIDs[Int(slots[start + i])]) {
                                    candidates.keepLowest(metric.orderingKey(fromKernelValue: scores[i]), slots[start + i])
                                }
                            } else {
                                candidates.offer(kernelValues: scores, count: length, metric: metric, kernels: kernels,
                                                 scratch: passed) { slots[start + $0] }
                            }
                            scored += length
                            start += length
                        }
                    }
                }
                // Exact rescoring of the candidates.
                let count = candidates.copyIDs(into: passed)
                kernels.scoreRows(metric, query: query, base: exactRows.base, dimensions: dimensions, stride: dimensions,
                                  ids: passed, count: count, into: scores)
                withUnsafeTemporaryAllocation(of: UInt32.self, capacity: MaxHeap.offerChunk) { scratch in
                    best.offer(kernelValues: scores, count: count, metric: metric, kernels: kernels,
                               scratch: scratch.baseAddress!) { passed[$0] }
                }
                scored += count
            }
        }
        return scored
    }

    /// Scores every stored vector (or every one the filter allows) exactly.
    func exactScan(_ query: UnsafePointer<Float>, k: Int, filter: IDFilter?, minimumScore: Float?) -> SearchResult {
        var heap = MaxHeap(capacity: k)
        defer { heap.deallocate() }
        let n = slotIDs.count
        var scored = 0
        func score(_ slot: Int) {
            heap.keepLowest(metric.orderingKey(fromKernelValue: kernels.kernelValue(metric, query, floatRow(slot), count: dimensions)),
                            UInt32(slot))
            scored += 1
        }
        if let filter {
            filter.forEachSlot(slotIDs: slotIDs, slotOfID: slotOfID, score)
        } else {
            for slot in 0..<n { score(slot) }
        }
        let pairs = heap.drainAscending().map { (key: $0.key, id: slotIDs[Int($0.id)]) }
        return SearchResult(neighbors: IndexInputs.neighbors(pairs, metric: metric, minimumScore: minimumScore),
                            isExact: true, candidatesScored: scored)
    }
}
