import VectorMath

extension HNSWIndex {
    /// The `k` nearest live neighbours of `query`.
    ///
    /// Unfiltered, the graph is searched with breadth `max(efSearch, k)`. A filter whose matches
    /// are cheaper to score than the graph walk it would need (`matches² ≤ ef · 2M · live`) is
    /// answered by an exact scan of the matching rows; a graph search that finds fewer than
    /// `min(k, matches)` falls back to that scan, so a result is never silently short.
    ///
    /// An int8 index walks the graph on its codes; with `exactVectors` attached it keeps
    /// `k · rescoreFactor` candidates and rescores them against the float vectors, otherwise it
    /// returns the codes' approximate scores.
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
        let rescoring = quantizer != nil && exactVectors != nil
        let keep = rescoring ? k * parameters.rescoreFactor : k
        // Rescoring never widens the walk: efSearch sets the breadth, and the best
        // k · rescoreFactor of what it finds are rescored.
        let ef = max(options.efSearch ?? parameters.efSearch, k)
        return scratchPool.withScratch(nodeCount: storage.count, resultCapacity: ef) { scratch in
            let probe = probe(for: query, buffer: scratch.queryProbe)
            var candidates: Candidates
            if let filter = options.filter,
               Double(filter.count) * Double(filter.count) <= Double(ef) * Double(parameters.maxNeighborsLayer0) * Double(live) {
                candidates = scan(probe, keep: keep, nodes: filterNodes(filter))
            } else if options.filter == nil && live <= ef {
                candidates = scan(probe, keep: keep, nodes: liveNodes())
            } else {
                candidates = walkGraph(probe, ef: ef, keep: keep, filter: options.filter, scratch: scratch)
                if let filter = options.filter, candidates.pairs.count < k {
                    let matching = filterNodes(filter)
                    if candidates.pairs.count < min(k, matching.count) {
                        let walked = candidates.scored
                        candidates = scan(probe, keep: keep, nodes: matching)
                        candidates.scored += walked
                    }
                }
            }
            return finish(candidates, query: query, k: k, minimumScore: options.minimumScore)
        }
    }

    /// Nodes found for a query, ascending by ordering key, before any rescoring.
    struct Candidates {
        var pairs: [(key: Float, id: UInt32)]
        var scored: Int
        var isExact: Bool
    }

    /// Greedy descent through the upper layers, then a best-first search of the bottom layer.
    private func walkGraph(_ probe: Probe, ef: Int, keep: Int, filter: IDFilter?, scratch: SearchScratch) -> Candidates {
        let descent = greedyDescent(probe, entry: entryPoint, entryKey: key(probe, entryPoint),
                                    fromLevel: maxLevel, toLevel: 0, scratch: scratch, lockNodes: false)
        let admission = Admission(filter: filter, skipDeleted: deletedCount > 0)
        let scored = 1 + descent.scored + searchLayer(
            probe, entry: descent.node, entryKey: descent.key, level: 0, ef: ef,
            scratch: scratch, admission: admission, lockNodes: false)
        let found = scratch.drainResultsAscending()
        let pairs = (0..<min(found, keep)).map { (key: scratch.pairKeys[$0], id: scratch.pairIDs[$0]) }
        return Candidates(pairs: pairs, scored: scored, isExact: false)
    }

    /// The live nodes whose ids are in `filter`.
    private func filterNodes(_ filter: IDFilter) -> [UInt32] {
        filter.ids.compactMap { nodeOfID[$0] }
    }

    /// Every live node.
    private func liveNodes() -> [UInt32] {
        (0..<UInt32(storage.count)).filter { !storage.isDeleted($0) }
    }

    /// Scores every node in `nodes` and keeps the best `keep`: exact for float rows.
    /// - Complexity: O(|nodes| · d).
    private func scan(_ probe: Probe, keep: Int, nodes: [UInt32]) -> Candidates {
        var heap = MaxHeap(capacity: keep)
        defer { heap.deallocate() }
        let block = 1024
        withUnsafeTemporaryAllocation(of: Float.self, capacity: block) { keys in
            nodes.withUnsafeBufferPointer { nodes in
                var start = 0
                while start < nodes.count {
                    let length = min(block, nodes.count - start)
                    scoreKeys(probe, ids: nodes.baseAddress! + start, count: length, into: keys.baseAddress!)
                    for i in 0..<length { heap.keepLowest(keys[i], nodes[start + i]) }
                    start += length
                }
            }
        }
        return Candidates(pairs: heap.drainAscending(), scored: nodes.count, isExact: quantizer == nil)
    }

    /// The result from candidate nodes: rescored against the exact vectors when an int8 index
    /// has them, cut to `k`, and converted to ids and the score contract.
    private func finish(_ candidates: Candidates, query: UnsafePointer<Float>, k: Int, minimumScore: Float?) -> SearchResult {
        var pairs = candidates.pairs.map { (key: $0.key, id: storage.ids.base[Int($0.id)]) }
        var scored = candidates.scored
        if quantizer != nil, let exactVectors {
            pairs = pairs.map { pair in
                guard let vector = exactVectors.vector(for: pair.id) else { return pair }
                return (key: exactKey(query, vector), id: pair.id)
            }
            pairs.sort { $0.key != $1.key ? $0.key < $1.key : $0.id < $1.id }
            scored += pairs.count
        }
        return SearchResult(
            neighbors: IndexInputs.neighbors(Array(pairs.prefix(k)), metric: metric, minimumScore: minimumScore),
            isExact: candidates.isExact, candidatesScored: scored)
    }

    /// The exact ordering key of a prepared query against a float vector from `exactVectors`,
    /// which need not be normalised.
    private func exactKey(_ query: UnsafePointer<Float>, _ vector: UnsafePointer<Float>) -> Float {
        switch metric {
        case .l2:
            return kernels.squaredL2(query, vector, count: dimensions)
        case .innerProduct:
            return -kernels.dot(query, vector, count: dimensions)
        case .cosine:
            let norm = kernels.dot(vector, vector, count: dimensions).squareRoot()
            return norm > 0 ? -kernels.dot(query, vector, count: dimensions) / norm : 0
        }
    }
}
