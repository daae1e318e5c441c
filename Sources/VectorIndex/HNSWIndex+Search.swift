import VectorMath

extension HNSWIndex {
    /// The `k` nearest live neighbours of `query`.
    ///
    /// Unfiltered, the graph is searched with breadth `max(efSearch, k)`. A filter whose matches
    /// are cheaper to score than the graph walk it would need (`matches² ≤ ef · 2M · live`) is
    /// answered by an exact scan of the matching rows; a graph search that finds fewer than
    /// `min(k, matches)` falls back to that scan, so a result is never silently short.
    /// - Complexity: about O(ef · M · log n) distance computations for a graph search.
    public func search(_ query: UnsafeBufferPointer<Float>, k: Int, options: SearchOptions = .default) throws -> SearchResult {
        try IndexInputs.validate(k: k)
        if let ef = options.efSearch, ef < 1 {
            throw VectorIndexError(.invalidArgument, "efSearch must be at least 1 (got \(ef))")
        }
        let prepared = try IndexInputs.prepareQuery(query, dimensions: dimensions, metric: metric)
        return prepared.withUnsafeBufferPointer { q in
            lock.withReadLock { searchUnderLock(q.baseAddress!, k: k, options: options) }
        }
    }

    /// Runs queries one after another on the calling thread (one query stream per thread).
    public func search(batch queries: UnsafeBufferPointer<Float>, k: Int, options: SearchOptions = .default) throws -> [SearchResult] {
        let queryCount = try IndexInputs.queryCount(batch: queries, dimensions: dimensions, k: k)
        return try (0..<queryCount).map { q in
            try search(UnsafeBufferPointer(rebasing: queries[q * dimensions..<(q + 1) * dimensions]), k: k, options: options)
        }
    }

    private func searchUnderLock(_ query: UnsafePointer<Float>, k: Int, options: SearchOptions) -> SearchResult {
        let live = storage.count - deletedCount
        guard live > 0, entryPoint != Self.noNode else {
            return SearchResult(neighbors: [], isExact: true, candidatesScored: 0)
        }
        let ef = max(options.efSearch ?? parameters.efSearch, k)
        if let filter = options.filter {
            let graphCost = Double(ef) * Double(parameters.maxNeighborsLayer0) * Double(live)
            if Double(filter.count) * Double(filter.count) <= graphCost {
                return exactScan(query, k: k, nodes: filterNodes(filter), minimumScore: options.minimumScore)
            }
        } else if live <= ef {
            return exactScan(query, k: k, nodes: liveNodes(), minimumScore: options.minimumScore)
        }

        return scratchPool.withScratch(nodeCount: storage.count, resultCapacity: ef) { scratch in
            var scored = 1
            let descent = greedyDescent(query, entry: entryPoint, entryKey: key(query, entryPoint),
                                        fromLevel: maxLevel, toLevel: 0, scratch: scratch, lockNodes: false)
            scored += descent.scored
            let admission = Admission(filter: options.filter, skipDeleted: deletedCount > 0)
            scored += searchLayer(query, entry: descent.node, entryKey: descent.key, level: 0, ef: ef,
                                  scratch: scratch, admission: admission, lockNodes: false)
            let found = scratch.drainResultsAscending()
            if let filter = options.filter, found < k {
                let matching = filterNodes(filter)
                if found < min(k, matching.count) {
                    var exact = exactScan(query, k: k, nodes: matching, minimumScore: options.minimumScore)
                    exact.candidatesScored += scored
                    return exact
                }
            }
            let pairs = (0..<min(found, k)).map { (key: scratch.pairKeys[$0], id: storage.ids.base[Int(scratch.pairIDs[$0])]) }
            return SearchResult(
                neighbors: IndexInputs.neighbors(pairs, metric: metric, minimumScore: options.minimumScore),
                isExact: false, candidatesScored: scored)
        }
    }

    /// The live nodes whose ids are in `filter`.
    private func filterNodes(_ filter: IDFilter) -> [UInt32] {
        filter.ids.compactMap { nodeOfID[$0] }
    }

    /// Every live node.
    private func liveNodes() -> [UInt32] {
        (0..<UInt32(storage.count)).filter { !storage.isDeleted($0) }
    }

    /// Scores every node in `nodes` and keeps the best `k`: the exact answer.
    /// - Complexity: O(|nodes| · d).
    func exactScan(_ query: UnsafePointer<Float>, k: Int, nodes: [UInt32], minimumScore: Float?) -> SearchResult {
        var heap = MaxHeap(capacity: k)
        defer { heap.deallocate() }
        let block = 1024
        withUnsafeTemporaryAllocation(of: Float.self, capacity: block) { scores in
          withUnsafeTemporaryAllocation(of: UInt32.self, capacity: MaxHeap.offerChunk) { passed in
            nodes.withUnsafeBufferPointer { nodes in
                var start = 0
                while start < nodes.count {
                    let length = min(block, nodes.count - start)
                    kernels.scoreRows(metric, query: query, base: storage.vectors.base, dimensions: dimensions,
                                      stride: dimensions, ids: nodes.baseAddress! + start, count: length,
                                      into: scores.baseAddress!)
                    heap.offer(kernelValues: scores.baseAddress!, count: length, metric: metric, kernels: kernels,
                               scratch: passed.baseAddress!) { nodes[start + $0] }
                    start += length
                }
            }
          }
        }
        let pairs = heap.drainAscending().map { (key: $0.key, id: storage.ids.base[Int($0.id)]) }
        return SearchResult(
            neighbors: IndexInputs.neighbors(pairs, metric: metric, minimumScore: minimumScore),
            isExact: true, candidatesScored: nodes.count)
    }
}
