import VectorMath

extension SimHashIndex {
    /// Rows compared per Hamming-kernel call in a scan (a multiple of the 8-code block).
    static let scanChunk = 1024

    /// A query's side of the codes: its sign bits and, for the asymmetric pass, its projections
    /// minus the centre's (zero past the last bit).
    struct QueryCode {
        var bits: [UInt64]
        var weights: [Float]
    }

    /// Projects `count` prepared queries (row-major) through sgemm and packs their codes.
    func queryCodes(_ queries: UnsafePointer<Float>, count: Int) -> [QueryCode] {
        let bits = parameters.totalBits, words = parameters.words
        var projections = [Float](repeating: 0, count: count * bits)
        hyperplanes.withUnsafeBufferPointer { planes in
            projections.withUnsafeMutableBufferPointer { out in
                BatchScoring.innerProducts(queries: queries, queryCount: count, rows: planes.baseAddress!, rowCount: bits,
                                           rowStride: dimensions, dimensions: dimensions, into: out.baseAddress!, outStride: bits)
            }
        }
        return (0..<count).map { q in
            var code = QueryCode(bits: [UInt64](repeating: 0, count: words), weights: [Float](repeating: 0, count: words * 64))
            for bit in 0..<bits {
                let weight = projections[q * bits + bit] - offsets[bit]
                code.weights[bit] = weight
                if weight > 0 { code.bits[bit >> 6] |= 1 << UInt64(bit & 63) }
            }
            return code
        }
    }

    /// - Complexity: O(n · bits / 64) popcounts in scan mode, or the probed buckets' sizes in
    ///   bucket mode, then O(k · rescoreFactor · d) for the exact rescoring.
    public func search(_ query: UnsafeBufferPointer<Float>, k: Int, options: SearchOptions = .default) throws -> SearchResult {
        try IndexInputs.validate(k: k)
        let prepared = try IndexInputs.prepareQuery(query, dimensions: dimensions, metric: metric)
        return prepared.withUnsafeBufferPointer { q in
            lock.withReadLock {
                let code = queryCodes(q.baseAddress!, count: 1)[0]
                return search(q.baseAddress!, code: code, k: k, options: options)
            }
        }
    }

    /// Answers many queries: their projections in one sgemm, then one search each.
    /// - Complexity: that of `search` per query.
    public func search(batch queries: UnsafeBufferPointer<Float>, k: Int, options: SearchOptions = .default) throws -> [SearchResult] {
        let (prepared, queryCount) = try IndexInputs.prepareBatch(queries, dimensions: dimensions, metric: metric, k: k)
        return prepared.withUnsafeBufferPointer { all in
            lock.withReadLock {
                guard queryCount > 0 else { return [] }
                let codes = queryCodes(all.baseAddress!, count: queryCount)
                return (0..<queryCount).map { search(all.baseAddress! + $0 * dimensions, code: codes[$0], k: k, options: options) }
            }
        }
    }

    /// One search under the read lock.
    private func search(_ query: UnsafePointer<Float>, code: QueryCode, k: Int, options: SearchOptions) -> SearchResult {
        let n = slotIDs.count
        let wanted = k * parameters.rescoreFactor
        if let filter = options.filter, filter.count <= max(wanted, n / 32) {
            return exactScan(query, k: k, filter: filter, minimumScore: options.minimumScore)
        }
        if wanted >= n {
            return exactScan(query, k: k, filter: options.filter, minimumScore: options.minimumScore)
        }
        let shortlistSize = min(n, wanted * parameters.shortlistFactor)
        var shortlist = HammingShortlist(capacity: shortlistSize, bits: parameters.totalBits)
        var candidates = MaxHeap(capacity: wanted)
        var best = MaxHeap(capacity: k)
        defer {
            shortlist.deallocate()
            candidates.deallocate()
            best.deallocate()
        }
        var compared = 0
        let found: Int = withUnsafeTemporaryAllocation(of: Float.self, capacity: max(Self.scanChunk, shortlistSize)) { scores in
            withUnsafeTemporaryAllocation(of: UInt32.self, capacity: max(MaxHeap.offerChunk, shortlistSize)) { slots in
                withUnsafeTemporaryAllocation(of: UInt32.self, capacity: MaxHeap.offerChunk) { passed in
                    let scores = scores.baseAddress!, slots = slots.baseAddress!, passed = passed.baseAddress!
                    code.bits.withUnsafeBufferPointer { bits in
                        if buckets != nil {
                            compared = probeBuckets(bits.baseAddress!, filter: options.filter, into: &shortlist, scores: scores, passed: passed)
                        }
                        if buckets == nil || shortlist.count < wanted {
                            // Scan mode, or buckets too sparse for the rescoring budget (a filter
                            // that rejects most of them): compare every code.
                            shortlist.deallocate()
                            shortlist = HammingShortlist(capacity: shortlistSize, bits: parameters.totalBits)
                            compared += scanCodes(bits.baseAddress!, filter: options.filter, into: &shortlist, scores: scores, passed: passed)
                        }
                    }
                    // The asymmetric pass narrows the shortlist to the candidates rescored exactly.
                    shortlist.compact()
                    var count = shortlist.count
                    slots.update(from: shortlist.ids, count: count)
                    if count > wanted {
                        code.weights.withUnsafeBufferPointer { weights in
                            kernels.bitWeightSums(weights.baseAddress!, blocks: codes.base, words: parameters.words,
                                                  ids: slots, count: count, into: scores)
                        }
                        candidates.offer(kernelValues: scores, count: count, metric: .innerProduct, kernels: kernels,
                                         scratch: passed) { slots[$0] }
                        count = candidates.copyIDs(into: slots)
                    }
                    kernels.scoreRows(metric, query: query, base: rows.base, dimensions: dimensions, stride: dimensions,
                                      ids: slots, count: count, into: scores)
                    best.offer(kernelValues: scores, count: count, metric: metric, kernels: kernels, scratch: passed) { slots[$0] }
                    return count
                }
            }
        }
        // Fewer than k candidates (sparse buckets, or a filter): answer exactly instead.
        if best.count < k, options.filter != nil || buckets != nil {
            return exactScan(query, k: k, filter: options.filter, minimumScore: options.minimumScore)
        }
        let pairs = best.drainAscending().map { (key: $0.key, id: slotIDs[Int($0.id)]) }
        return SearchResult(neighbors: IndexInputs.neighbors(pairs, metric: metric, minimumScore: options.minimumScore),
                            isExact: false, candidatesScored: compared + found)
    }

    /// Scan mode: the Hamming distance of every code, best `shortlist.capacity` kept. Rows the
    /// filter rejects score −∞ and never enter the heap.
    private func scanCodes(
        _ query: UnsafePointer<UInt64>, filter: IDFilter?, into shortlist: inout HammingShortlist,
        scores: UnsafeMutablePointer<Float>, passed: UnsafeMutablePointer<UInt32>
    ) -> Int {
        let n = slotIDs.count, words = parameters.words
        var start = 0
        while start < n {
            let length = min(Self.scanChunk, n - start)
            kernels.negatedHammingDistances(query, blocks: codes.row(start / BinaryCodeLayout.blockSize), words: words,
                                            blockCount: BinaryCodeLayout.blocks(for: length), into: scores)
            if let filter {
                for i in 0..<length where !filter.contains(slotIDs[start + i]) { scores[i] = -.infinity }
            }
            shortlist.offer(negatedDistances: scores, count: length, kernels: kernels, scratch: passed) { UInt32(start + $0) }
            start += length
        }
        return n
    }

    /// Bucket mode: the slots in every bucket within the probe radius of the query's key, in
    /// every table, each once; ranked by Hamming distance over the whole code.
    private func probeBuckets(
        _ query: UnsafePointer<UInt64>, filter: IDFilter?, into shortlist: inout HammingShortlist,
        scores: UnsafeMutablePointer<Float>, passed: UnsafeMutablePointer<UInt32>
    ) -> Int {
        guard let buckets else { return 0 }
        let n = slotIDs.count, words = parameters.words
        return scratchPool.withScratch(nodeCount: n, resultCapacity: 1) { scratch in
            scratch.begin(nodeCount: n, resultCapacity: 1)
            let visited = scratch.visited, epoch = scratch.epoch
            var found = 0
            withUnsafeTemporaryAllocation(of: UInt32.self, capacity: Self.scanChunk) { pending in
                let pending = pending.baseAddress!
                var pendingCount = 0
                func flush() {
                    kernels.negatedHammingDistances(query, blocks: codes.base, words: words, ids: pending,
                                                    count: pendingCount, into: scores)
                    shortlist.offer(negatedDistances: scores, count: pendingCount, kernels: kernels, scratch: passed) { pending[$0] }
                    found += pendingCount
                    pendingCount = 0
                }
                for table in 0..<parameters.tables {
                    let key = Self.tableKey(query, stride: 1, table: table, bitsPerTable: parameters.bitsPerTable)
                    for probe in -1..<probeMasks.count {
                        buckets.forEachSlot(table: table, key: probe < 0 ? key : key ^ probeMasks[probe]) { slot in
                            guard visited[Int(slot)] != epoch else { return }
                            visited[Int(slot)] = epoch
                            if let filter, !filter.contains(slotIDs[Int(slot)]) { return }
                            pending[pendingCount] = slot
                            pendingCount += 1
                            if pendingCount == Self.scanChunk { flush() }
                        }
                    }
                }
                flush()
            }
            return found
        }
    }

    /// Scores every row (or every row the filter allows) exactly.
    func exactScan(_ query: UnsafePointer<Float>, k: Int, filter: IDFilter?, minimumScore: Float?) -> SearchResult {
        var heap = MaxHeap(capacity: k)
        defer { heap.deallocate() }
        let n = slotIDs.count
        var scored = 0
        withUnsafeTemporaryAllocation(of: Float.self, capacity: Self.scanChunk) { scores in
            withUnsafeTemporaryAllocation(of: UInt32.self, capacity: Self.scanChunk) { slots in
                withUnsafeTemporaryAllocation(of: UInt32.self, capacity: MaxHeap.offerChunk) { passed in
                    let scores = scores.baseAddress!, slots = slots.baseAddress!, passed = passed.baseAddress!
                    var pending = 0
                    func flush() {
                        kernels.scoreRows(metric, query: query, base: rows.base, dimensions: dimensions, stride: dimensions,
                                          ids: slots, count: pending, into: scores)
                        heap.offer(kernelValues: scores, count: pending, metric: metric, kernels: kernels, scratch: passed) { slots[$0] }
                        scored += pending
                        pending = 0
                    }
                    func visit(_ slot: Int) {
                        slots[pending] = UInt32(slot)
                        pending += 1
                        if pending == Self.scanChunk { flush() }
                    }
                    if let filter {
                        filter.forEachSlot(slotIDs: slotIDs, slotOfID: slotOfID, visit)
                    } else {
                        var start = 0
                        while start < n {
                            let length = min(Self.scanChunk, n - start)
                            kernels.scoreConsecutiveRows(metric, query: query, base: rows.row(start), dimensions: dimensions,
                                                         stride: dimensions, count: length, into: scores)
                            heap.offer(kernelValues: scores, count: length, metric: metric, kernels: kernels,
                                       scratch: passed) { UInt32(start + $0) }
                            start += length
                        }
                        scored = n
                    }
                    flush()
                }
            }
        }
        let pairs = heap.drainAscending().map { (key: $0.key, id: slotIDs[Int($0.id)]) }
        return SearchResult(neighbors: IndexInputs.neighbors(pairs, metric: metric, minimumScore: minimumScore),
                            isExact: true, candidatesScored: scored)
    }
}
