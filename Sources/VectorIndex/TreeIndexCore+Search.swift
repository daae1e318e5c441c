import VectorMath

extension TreeIndexCore {
    /// The `k` nearest live neighbours of one query: the buffer is scanned, then the tree walked.
    /// - Parameter budget: a cap on vectors scored (nil: the index's default, which may be exact).
    func search(_ query: UnsafeBufferPointer<Float>, k: Int, options: SearchOptions, budget: Int?) throws -> SearchResult {
        try IndexInputs.validate(k: k)
        let budget = try effectiveBudget(budget)
        let prepared = try IndexInputs.prepareQuery(query, dimensions: dimensions, metric: metric)
        return prepared.withUnsafeBufferPointer { q in
            lock.withReadLock { searchUnderLock(q.baseAddress!, k: k, options: options, budget: budget) }
        }
    }

    /// Runs the queries one after another on the calling thread, under one read lock.
    func search(batch queries: UnsafeBufferPointer<Float>, k: Int, options: SearchOptions, budget: Int?) throws -> [SearchResult] {
        let (prepared, queryCount) = try IndexInputs.prepareBatch(queries, dimensions: dimensions, metric: metric, k: k)
        let budget = try effectiveBudget(budget)
        return prepared.withUnsafeBufferPointer { all in
            lock.withReadLock {
                (0..<queryCount).map { searchUnderLock(all.baseAddress! + $0 * dimensions, k: k, options: options, budget: budget) }
            }
        }
    }

    private func effectiveBudget(_ budget: Int?) throws -> Int {
        if let budget, budget < 1 {
            throw VectorIndexError(.invalidArgument, "the search budget must be at least 1 vector (got \(budget))")
        }
        return budget ?? searchBudget ?? .max
    }

    /// Whether a filter matches so few ids that scoring them directly beats walking the tree,
    /// which can prune little until it has found `k` matches.
    private func prefersScan(of filter: IDFilter, k: Int) -> Bool {
        filter.count <= liveCount / 16 || filter.count / parameters.leafSize <= k
    }

    private func searchUnderLock(_ query: UnsafePointer<Float>, k: Int, options: SearchOptions, budget: Int) -> SearchResult {
        guard liveCount > 0 else { return SearchResult(neighbors: [], isExact: true, candidatesScored: 0) }
        if let filter = options.filter, prefersScan(of: filter, k: k) {
            return scan(query, k: k, filter: filter, minimumScore: options.minimumScore)
        }
        // No more than every live vector can be found, whatever `k` asks for.
        var heap = MaxHeap(capacity: min(k, liveCount))
        defer { heap.deallocate() }
        let scoreCapacity = min(max(tree.largestLeaf, 256), 4096)  // leaves are scored in blocks of this
        let (scored, exact) = withUnsafeTemporaryAllocation(of: Float.self, capacity: scoreCapacity) { scores in
            rowIDs.withUnsafeBufferPointer { ids in
                dead.withUnsafeBufferPointer { dead in
                    var search = TreeSearch(
                        query: query, dimensions: dimensions, metric: metric, kernels: kernels,
                        rows: rows.base, ids: ids,
                        dead: deadCount > 0 ? dead.baseAddress : nil, filter: options.filter,
                        scores: scores.baseAddress!, scoreCapacity: scoreCapacity, heap: heap, budget: budget)
                    pendingIDs.withUnsafeBufferPointer { pendingIDs in
                        if let first = pendingIDs.baseAddress {
                            search.scoreRows(pending.base, ids: first, count: pendingIDs.count)
                        }
                    }
                    tree.search(&search)
                    heap = search.heap
                    return (search.scored, !search.stoppedEarly)
                }
            }
        }
        return SearchResult(
            neighbors: IndexInputs.neighbors(heap.drainAscending(), metric: metric, minimumScore: options.minimumScore),
            isExact: exact, candidatesScored: scored)
    }

    /// Scores every live vector whose id is in `filter`: the exact answer for a selective filter.
    /// - Complexity: O(|filter| · d).
    private func scan(_ query: UnsafePointer<Float>, k: Int, filter: IDFilter, minimumScore: Float?) -> SearchResult {
        var heap = MaxHeap(capacity: min(k, filter.count))
        defer { heap.deallocate() }
        var scored = 0
        for id in filter.ids {
            guard let place = location[id] else { continue }
            let value = kernels.kernelValue(metric, query, rowPointer(place), count: dimensions)
            heap.keepLowestBreakingTies(metric.orderingKey(fromKernelValue: value), id)
            scored += 1
        }
        return SearchResult(
            neighbors: IndexInputs.neighbors(heap.drainAscending(), metric: metric, minimumScore: minimumScore),
            isExact: true, candidatesScored: scored)
    }
}
