import VectorMath

/// Brute-force nearest-neighbour search: every query is scored against every stored vector.
///
/// One query streams the vectors through the SIMD kernels at memory bandwidth; a batch of queries
/// goes through BLAS sgemm in blocks. Deletes move the last row into the hole, so storage stays
/// dense and no space is wasted. Thread-safe: searches share a read lock, writes take it alone.
///
/// With an `encoding` (fp16 or int8), vectors are also kept as compact codes: an unfiltered
/// single query first scans the codes (2× or 4× fewer bytes), keeps `k · rescoreFactor`
/// candidates, and rescores them exactly against the float vectors.
public final class FlatIndex: VectorIndex, @unchecked Sendable {
    // @unchecked: every mutable property below is read under `lock`'s read side and written under
    // its write side; `dimensions`, `metric` and `kernels` never change.
    public let dimensions: Int
    public let metric: Metric
    let kernels: VectorKernels
    let lock = ReadWriteLock()

    var rows: RowBuffer<Float>
    /// Slot → id.
    var slotIDs: [UInt32] = []
    /// Id → slot.
    var slotOfID: [UInt32: Int] = [:]
    /// ‖row‖² per slot, kept for L2 batch scoring through BLAS.
    var squaredNorms: [Float] = []
    /// Compact codes for a first pass, if an encoding was chosen.
    var coded: CodedRows?
    /// Candidates per result kept from the coded first pass for exact rescoring.
    public let rescoreFactor: Int
    /// The compact encoding of the first pass, if any.
    public var encoding: VectorEncoding? { coded?.encoding }

    /// Rows scored per kernel call in a single-query scan (fits in L1 with its scores).
    static let scanBlock = 1024
    /// Queries and rows per BLAS block in a batch search.
    static let batchQueryBlock = 1024
    static let batchRowBlock = 1024

    /// An empty index.
    /// - Parameters:
    ///   - encoding: keep fp16 or int8 codes too, for a faster approximate first pass.
    ///   - rescoreFactor: with an encoding, rescore `k · rescoreFactor` candidates exactly.
    /// - Throws: `invalidArgument` if `dimensions` or `rescoreFactor` is not positive.
    public init(dimensions: Int, metric: Metric, encoding: VectorEncoding? = nil, rescoreFactor: Int = 8,
                kernels: VectorKernels = .active) throws {
        try IndexInputs.validate(dimensions: dimensions)
        guard rescoreFactor > 0 else {
            throw VectorIndexError(.invalidArgument, "rescoreFactor must be positive (got \(rescoreFactor))")
        }
        self.dimensions = dimensions
        self.metric = metric
        self.kernels = kernels
        self.rescoreFactor = rescoreFactor
        rows = RowBuffer(width: dimensions, capacity: 1024)
        coded = encoding.map { CodedRows(encoding: $0, dimensions: dimensions, capacity: 1024) }
    }

    deinit {
        rows.deallocate()
        coded?.deallocate()
    }

    public var count: Int { lock.withReadLock { slotIDs.count } }

    public func contains(_ id: UInt32) -> Bool { lock.withReadLock { slotOfID[id] != nil } }

    public func vector(for id: UInt32) -> [Float]? {
        lock.withReadLock {
            guard let slot = slotOfID[id] else { return nil }
            return Array(UnsafeBufferPointer(start: rows.row(slot), count: dimensions))
        }
    }

    /// - Complexity: O(n·d) for n added vectors.
    public func add(_ vectors: UnsafeBufferPointer<Float>, ids: UnsafeBufferPointer<UInt32>) throws {
        try IndexInputs.validate(vectors: vectors, ids: ids, dimensions: dimensions, metric: metric)
        lock.withWriteLock {
            rows.reserve(rows: slotIDs.count + ids.count, keeping: slotIDs.count)
            for (row, id) in ids.enumerated() {
                let slot: Int
                if let existing = slotOfID[id] {
                    slot = existing
                } else {
                    slot = slotIDs.count
                    slotIDs.append(id)
                    squaredNorms.append(0)
                    slotOfID[id] = slot
                }
                let destination = rows.row(slot)
                destination.update(from: vectors.baseAddress! + row * dimensions, count: dimensions)
                if metric.normalizesVectors {
                    Vectors.normalize(UnsafeMutableBufferPointer(start: destination, count: dimensions))
                }
                squaredNorms[slot] = kernels.dot(destination, destination, count: dimensions)
            }
            updateCodes(slots: ids.map { slotOfID[$0]! })
        }
    }

    /// Encodes the given slots; a vector outside the int8 ranges learnt so far makes the
    /// quantiser learn them again from every stored vector.
    private func updateCodes(slots: [Int]) {
        guard var codes = coded else { return }
        codes.reserve(rows: slotIDs.count, keeping: codes.count)
        if slots.allSatisfy({ codes.covers(rows.row($0)) }) {
            for slot in slots.sorted() { codes.encode(row: slot, from: rows.row(slot), kernels: kernels) }
        } else {
            codes.retrain(from: rows.base, count: slotIDs.count, kernels: kernels)
        }
        coded = codes
    }

    /// - Complexity: O(d) per removed id.
    @discardableResult
    public func remove(_ ids: [UInt32]) -> Int {
        lock.withWriteLock {
            var removed = 0
            for id in ids {
                guard let slot = slotOfID.removeValue(forKey: id) else { continue }
                let last = slotIDs.count - 1
                if slot != last {
                    rows.copyRow(last, to: slot)
                    slotIDs[slot] = slotIDs[last]
                    squaredNorms[slot] = squaredNorms[last]
                    slotOfID[slotIDs[slot]] = slot
                }
                coded?.moveRow(last, to: slot)
                slotIDs.removeLast()
                squaredNorms.removeLast()
                removed += 1
            }
            return removed
        }
    }

    /// - Complexity: O(n·d), memory-bound.
    public func search(_ query: UnsafeBufferPointer<Float>, k: Int, options: SearchOptions = .default) throws -> SearchResult {
        try IndexInputs.validate(k: k)
        let prepared = try IndexInputs.prepareQuery(query, dimensions: dimensions, metric: metric)
        return prepared.withUnsafeBufferPointer { q in
            lock.withReadLock {
                if let coded, options.filter == nil, slotIDs.count > k * rescoreFactor {
                    return scanCodesThenRescore(q.baseAddress!, coded: coded, k: k, options: options)
                }
                return scan(q.baseAddress!, k: k, options: options)
            }
        }
    }

    /// The coded first pass: scores every code approximately, keeps `k · rescoreFactor`
    /// candidates, and rescores them against the float vectors.
    private func scanCodesThenRescore(_ query: UnsafePointer<Float>, coded: CodedRows, k: Int, options: SearchOptions) -> SearchResult {
        let prepared = coded.prepare(query, kernels: kernels)
        var candidates = MaxHeap(capacity: k * rescoreFactor)
        var heap = MaxHeap(capacity: k)
        defer {
            candidates.deallocate()
            heap.deallocate()
        }
        withUnsafeTemporaryAllocation(of: Float.self, capacity: Self.scanBlock) { scores in
            withUnsafeTemporaryAllocation(of: UInt32.self, capacity: max(MaxHeap.offerChunk, k * rescoreFactor)) { passed in
                let scores = scores.baseAddress!, passed = passed.baseAddress!
                var start = 0
                while start < slotIDs.count {
                    let length = min(Self.scanBlock, slotIDs.count - start)
                    coded.approximateValues(prepared, metric: metric, start: start, count: length, into: scores, kernels: kernels)
                    candidates.offer(kernelValues: scores, count: length, metric: metric, kernels: kernels,
                                     scratch: passed) { UInt32(start + $0) }
                    start += length
                }
                let slots = candidates.drainAscending().map(\.id)
                slots.withUnsafeBufferPointer { slots in
                    kernels.scoreRows(metric, query: query, base: rows.base, dimensions: dimensions, stride: dimensions,
                                      ids: slots.baseAddress!, count: slots.count, into: scores)
                    heap.offer(kernelValues: scores, count: slots.count, metric: metric, kernels: kernels,
                               scratch: passed) { slots[$0] }
                }
            }
        }
        var result = result(from: &heap, scored: slotIDs.count + k * rescoreFactor, minimumScore: options.minimumScore)
        result.isExact = false
        return result
    }

    /// Scores every stored row (or every row the filter allows) against one prepared query.
    private func scan(_ query: UnsafePointer<Float>, k: Int, options: SearchOptions) -> SearchResult {
        var heap = MaxHeap(capacity: k)
        defer { heap.deallocate() }
        var scored = 0
        withUnsafeTemporaryAllocation(of: Float.self, capacity: Self.scanBlock) { scores in
          withUnsafeTemporaryAllocation(of: UInt32.self, capacity: MaxHeap.offerChunk) { passed in
            let scores = scores.baseAddress!, passed = passed.baseAddress!
            if let filter = options.filter {
                withUnsafeTemporaryAllocation(of: UInt32.self, capacity: Self.scanBlock) { slots in
                    let slots = slots.baseAddress!
                    var pending = 0
                    func flush() {
                        kernels.scoreRows(metric, query: query, base: rows.base, dimensions: dimensions,
                                          stride: dimensions, ids: slots, count: pending, into: scores)
                        heap.offer(kernelValues: scores, count: pending, metric: metric, kernels: kernels,
                                   scratch: passed) { slots[$0] }
                        scored += pending
                        pending = 0
                    }
                    for slot in slotIDs.indices where filter.contains(slotIDs[slot]) {
                        slots[pending] = UInt32(slot)
                        pending += 1
                        if pending == Self.scanBlock { flush() }
                    }
                    flush()
                }
            } else {
                var start = 0
                while start < slotIDs.count {
                    let length = min(Self.scanBlock, slotIDs.count - start)
                    kernels.scoreConsecutiveRows(metric, query: query, base: rows.row(start), dimensions: dimensions,
                                                 stride: dimensions, count: length, into: scores)
                    heap.offer(kernelValues: scores, count: length, metric: metric, kernels: kernels,
                               scratch: passed) { UInt32(start + $0) }
                    start += length
                }
                scored = slotIDs.count
            }
          }
        }
        return result(from: &heap, scored: scored, minimumScore: options.minimumScore)
    }

    /// Converts a heap of (key, slot) into a result over ids.
    private func result(from heap: inout MaxHeap, scored: Int, minimumScore: Float?) -> SearchResult {
        let pairs = heap.drainAscending().map { (key: $0.key, id: slotIDs[Int($0.id)]) }
        return SearchResult(
            neighbors: IndexInputs.neighbors(pairs, metric: metric, minimumScore: minimumScore),
            isExact: true, candidatesScored: scored)
    }

    /// Answers many queries at once: blocks of queries against blocks of rows through BLAS sgemm,
    /// then a top-k pass over each block of scores. Filtered batches run query by query.
    /// - Complexity: O(q·n·d) at sgemm speed.
    public func search(batch queries: UnsafeBufferPointer<Float>, k: Int, options: SearchOptions = .default) throws -> [SearchResult] {
        let (prepared, queryCount) = try IndexInputs.prepareBatch(queries, dimensions: dimensions, metric: metric, k: k)
        return prepared.withUnsafeBufferPointer { all in
            lock.withReadLock {
                if options.filter != nil || queryCount < 4 {
                    return (0..<queryCount).map { scan(all.baseAddress! + $0 * dimensions, k: k, options: options) }
                }
                return batchScan(all.baseAddress!, queryCount: queryCount, k: k, minimumScore: options.minimumScore)
            }
        }
    }

    private func batchScan(_ queries: UnsafePointer<Float>, queryCount: Int, k: Int, minimumScore: Float?) -> [SearchResult] {
        let rowCount = slotIDs.count
        let queryBlock = Self.batchQueryBlock, rowBlock = Self.batchRowBlock
        let scores = AlignedMemory.allocate(byteCount: queryBlock * rowBlock * 4).bindMemory(to: Float.self, capacity: queryBlock * rowBlock)
        let passed = UnsafeMutablePointer<UInt32>.allocate(capacity: MaxHeap.offerChunk)
        defer {
            UnsafeMutableRawPointer(scores).deallocate()
            passed.deallocate()
        }
        var results: [SearchResult] = []
        results.reserveCapacity(queryCount)
        var heaps = (0..<min(queryBlock, queryCount)).map { _ in MaxHeap(capacity: k) }
        defer { heaps.forEach { $0.deallocate() } }
        let isL2 = metric == .l2
        squaredNorms.withUnsafeBufferPointer { norms in
            var queryStart = 0
            while queryStart < queryCount {
                let queriesHere = min(queryBlock, queryCount - queryStart)
                for q in 0..<queriesHere { heaps[q].removeAll() }
                var rowStart = 0
                while rowStart < rowCount {
                    let rowsHere = min(rowBlock, rowCount - rowStart)
                    BatchScoring.innerProducts(
                        queries: queries + queryStart * dimensions, queryCount: queriesHere,
                        rows: rows.row(rowStart), rowCount: rowsHere, rowStride: dimensions,
                        dimensions: dimensions, into: scores, outStride: rowsHere)
                    for q in 0..<queriesHere {
                        var heap = heaps[q]
                        let line = scores + q * rowsHere
                        if isL2 {
                            for r in 0..<rowsHere {
                                heap.keepLowest(norms[rowStart + r] - 2 * line[r], UInt32(rowStart + r))
                            }
                        } else {
                            heap.offer(kernelValues: line, count: rowsHere, metric: metric, kernels: kernels,
                                       scratch: passed) { UInt32(rowStart + $0) }
                        }
                        heaps[q] = heap
                    }
                    rowStart += rowsHere
                }
                for q in 0..<queriesHere {
                    if isL2 {
                        // Add ‖q‖² so that keys are true squared distances.
                        let query = queries + (queryStart + q) * dimensions
                        let queryNorm = kernels.dot(query, query, count: dimensions)
                        let pairs = heaps[q].drainAscending().map { (key: $0.key + queryNorm, id: slotIDs[Int($0.id)]) }
                        results.append(SearchResult(
                            neighbors: IndexInputs.neighbors(pairs, metric: metric, minimumScore: minimumScore),
                            isExact: true, candidatesScored: rowCount))
                    } else {
                        results.append(result(from: &heaps[q], scored: rowCount, minimumScore: minimumScore))
                    }
                }
                queryStart += queriesHere
            }
        }
        return results
    }
}
