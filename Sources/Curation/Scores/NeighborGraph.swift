import VectorIndex
import VectorMath

/// The `k` nearest neighbours of every row of a set (the row itself excluded), nearest first:
/// the input of uniqueness, density and label-mistake scores.
///
/// Distances are 1 − cosine in a cosine space and Euclidean otherwise (an inner-product space
/// is compared by Euclidean distance: the inner product is not a dissimilarity). Up to
/// `exactLimit` rows the graph is exact — every row against every row in sgemm blocks, a heap per
/// row; beyond, it comes from an HNSW graph built over the rows, searched on every core.
public struct NeighborGraph: Sendable {
    /// How neighbours are found.
    public enum Method: Sendable {
        /// `exact` up to `exactLimit` rows, else `graph` with default parameters.
        case automatic
        /// Every pair scored by blocked sgemm: O(m²·d), exact (ties by lower row).
        case exact
        /// An HNSW graph over the rows, searched with breadth `max(efSearch, k + 1)`.
        case graph(HNSWParameters)
    }

    /// The rows, ascending; row `rows[i]`'s neighbours are entries `i·k ..< (i+1)·k`.
    public let rows: [UInt32]
    /// Neighbours per row.
    public let k: Int
    /// Neighbour row slots, row-major `rows.count × k`, nearest first.
    public let neighbors: [UInt32]
    /// Their distances, in the same layout.
    public let distances: [Float]
    /// True when every pair of rows was compared.
    public let isExact: Bool

    /// Rows at most this many get an exact graph from `.automatic`.
    public static let exactLimit = 50_000

    /// The neighbours of the `i`-th row (of `rows`), nearest first.
    public func neighbors(ofRowAt i: Int) -> ArraySlice<UInt32> { neighbors[(i * k)..<((i + 1) * k)] }
    /// Their distances.
    public func distances(ofRowAt i: Int) -> ArraySlice<Float> { distances[(i * k)..<((i + 1) * k)] }

    /// A graph given directly (for instance kept from an earlier run).
    /// - Throws: `invalidArgument` unless `neighbors` and `distances` hold `rows.count · k`
    ///   entries, distances are finite and non-negative, and `rows` ascend without repeats.
    public init(rows: [UInt32], k: Int, neighbors: [UInt32], distances: [Float], isExact: Bool) throws(CurationError) {
        guard k >= 1, neighbors.count == rows.count * k, distances.count == rows.count * k else {
            throw CurationError(.invalidArgument, "a neighbour graph of \(rows.count) rows and k = \(k) needs \(rows.count * k) neighbours and distances (got \(neighbors.count), \(distances.count))")
        }
        guard zip(rows, rows.dropFirst()).allSatisfy({ $0 < $1 }) else {
            throw CurationError(.invalidArgument, "the rows of a neighbour graph must ascend without repeats")
        }
        if let bad = distances.firstIndex(where: { !$0.isFinite || $0 < 0 }) {
            throw CurationError(.invalidArgument, "distance \(bad) of the neighbour graph is \(distances[bad]); distances are finite and ≥ 0")
        }
        self.init(unchecked: rows, k: k, neighbors: neighbors, distances: distances, isExact: isExact)
    }

    init(unchecked rows: [UInt32], k: Int, neighbors: [UInt32], distances: [Float], isExact: Bool) {
        self.rows = rows
        self.k = k
        self.neighbors = neighbors
        self.distances = distances
        self.isExact = isExact
    }

    /// The `k` nearest neighbours of each of `rows` (all rows when nil) among the same rows.
    /// - Parameters:
    ///   - threads: worker threads (default: every core); call `BatchScoring.setThreadCount(1)`
    ///     first when using several.
    /// - Throws: `CurationError` — `invalidArgument` for k < 1 or k ≥ the number of rows, or bad
    ///   graph parameters; `unknownRow` for a row outside the vectors.
    /// - Complexity: exact O(m²·d) at sgemm speed; graph O(m·log m) searches.
    public static func build(
        _ vectors: RowVectors, rows: [UInt32]? = nil, k: Int, method: Method = .automatic, threads: Int? = nil
    ) throws(CurationError) -> NeighborGraph {
        let threads = try Parallel.threads(threads)
        let members = try vectors.rowSet(rows, what: "the rows of the neighbour graph")
        guard k >= 1, k < members.count else {
            throw CurationError(.invalidArgument, "k must be at least 1 and below the number of rows (\(members.count)); got \(k)")
        }
        switch method {
        case .exact:
            return exact(vectors, rows: members, k: k, threads: threads)
        case .automatic where members.count <= exactLimit:
            return exact(vectors, rows: members, k: k, threads: threads)
        case .automatic:
            return try graph(vectors, rows: members, k: k, parameters: HNSWParameters(), threads: threads)
        case .graph(let parameters):
            return try graph(vectors, rows: members, k: k, parameters: parameters, threads: threads)
        }
    }

    // MARK: Exact

    private static func exact(_ vectors: RowVectors, rows: [UInt32], k: Int, threads: Int) -> NeighborGraph {
        let m = rows.count, metric = vectors.distanceMetric
        // Higher is nearer under every metric (dot products, −squared distances), so one SIMD
        // pre-filter skips every value that cannot enter a full heap.
        let scorer = PairwiseScorer(vectors: vectors, metric: metric, negatesDistances: true)
        let blocks = (m + PairwiseScorer.leftBlock - 1) / PairwiseScorer.leftBlock
        let workers = Parallel.workers(items: blocks, threads: threads)
        let scratches = (0..<workers).map { _ in PairwiseScorer.Scratch(dimensions: vectors.dimensions) }
        let heaps = (0..<workers).map { _ in (0..<PairwiseScorer.leftBlock).map { _ in MaxHeap(capacity: k) } }
        let hits = UnsafeMutablePointer<UInt32>.allocate(capacity: workers * MaxHeap.offerChunk)
        defer {
            scratches.forEach { $0.deallocate() }
            heaps.forEach { $0.forEach { $0.deallocate() } }
            hits.deallocate()
        }
        var neighbors = [UInt32](repeating: 0, count: m * k)
        var distances = [Float](repeating: 0, count: m * k)
        rows.withUnsafeBufferPointer { ids in
            neighbors.withUnsafeMutableBufferPointer { neighbors in
                distances.withUnsafeMutableBufferPointer { distances in
                    // Each block of rows is one item: workers write disjoint ranges of the output
                    // and use their own scratch and heaps.
                    let shared = UncheckedSendable((ids: ids, neighbors: neighbors.baseAddress!, distances: distances.baseAddress!, hits: hits))
                    Parallel.forEach(items: blocks, threads: workers) { worker, block in
                        let s = shared.value
                        let first = block * PairwiseScorer.leftBlock
                        let left = UnsafeBufferPointer(rebasing: s.ids[first..<min(m, first + PairwiseScorer.leftBlock)])
                        var myHeaps = heaps[worker]
                        for i in left.indices { myHeaps[i].removeAll() }
                        var start = 0
                        while start < m {
                            let right = UnsafeBufferPointer(rebasing: s.ids[start..<min(m, start + PairwiseScorer.rightBlock)])
                            let values = scorer.score(left: left, right: right, scratch: scratches[worker])
                            let hits = s.hits + worker * MaxHeap.offerChunk
                            for i in left.indices {
                                let line = values + i * right.count
                                var heap = myHeaps[i]
                                var chunk = 0
                                while chunk < right.count {
                                    let length = min(MaxHeap.offerChunk, right.count - chunk)
                                    // A value enters a full heap if −value ≤ topKey (ties by row).
                                    let cutoff = heap.isFull ? (-heap.topKey).nextDown : -Float.infinity
                                    let passed = VectorKernels.active.indices(of: line + chunk, count: length, above: cutoff, into: hits)
                                    for h in 0..<passed {
                                        let j = chunk + Int(hits[h])
                                        if start + j != first + i { heap.keepLowestBreakingTies(-line[j], right[j]) }
                                    }
                                    chunk += length
                                }
                                myHeaps[i] = heap
                            }
                            start += right.count
                        }
                        for i in left.indices {
                            for (rank, pair) in myHeaps[i].drainAscending().enumerated() {
                                s.neighbors[(first + i) * k + rank] = pair.id
                                s.distances[(first + i) * k + rank] = metric.distance(fromOrderingKey: pair.key)
                            }
                        }
                    }
                }
            }
        }
        return NeighborGraph(unchecked: rows, k: k, neighbors: neighbors, distances: distances, isExact: true)
    }

    // MARK: Graph

    private final class Failure {
        var error: (any Error)?
    }

    private static func graph(
        _ vectors: RowVectors, rows: [UInt32], k: Int, parameters: HNSWParameters, threads: Int
    ) throws(CurationError) -> NeighborGraph {
        let m = rows.count, d = vectors.dimensions
        var parameters = parameters
        parameters.buildThreads = threads
        let index: HNSWIndex
        do {
            index = try HNSWIndex(dimensions: d, metric: vectors.distanceMetric, parameters: parameters)
            var gathered = [Float]()
            gathered.reserveCapacity(m * d)
            for row in rows { gathered.append(contentsOf: vectors.row(Int(row))) }
            try index.add(gathered, ids: rows)
        } catch {
            throw CurationError(.invalidArgument, "cannot build the HNSW graph for the neighbour graph", underlying: error)
        }
        var neighbors = [UInt32](repeating: 0, count: m * k)
        var distances = [Float](repeating: 0, count: m * k)
        let chunk = 64
        let failures = (0..<threads).map { _ in Failure() }
        let options = SearchOptions(efSearch: max(parameters.efSearch, k + 1))
        neighbors.withUnsafeMutableBufferPointer { neighbors in
            distances.withUnsafeMutableBufferPointer { distances in
                // Each chunk of rows writes its own range of the output; the index is thread-safe.
                let shared = UncheckedSendable((neighbors: neighbors.baseAddress!, distances: distances.baseAddress!, failures: failures))
                Parallel.forEach(items: (m + chunk - 1) / chunk, threads: threads) { worker, item in
                    let s = shared.value
                    for i in (item * chunk)..<min(m, (item + 1) * chunk) {
                        do {
                            let result = try index.search(Array(vectors.row(Int(rows[i]))), k: k + 1, options: options)
                            // Drop the row itself (or, if a duplicate displaced it, the farthest).
                            var found = result.neighbors
                            if let own = found.firstIndex(where: { $0.id == rows[i] }) { found.remove(at: own) } else if found.count > k { found.removeLast() }
                            guard !found.isEmpty else {
                                s.failures[worker].error = CurationError(.invalidArgument, "the HNSW graph returned no neighbours for row \(rows[i])")
                                continue
                            }
                            for rank in 0..<k {
                                // Fewer than k found (a tiny graph): repeat the farthest.
                                let neighbor = found[min(rank, found.count - 1)]
                                s.neighbors[i * k + rank] = neighbor.id
                                s.distances[i * k + rank] = max(neighbor.distance, 0)
                            }
                        } catch {
                            s.failures[worker].error = error
                        }
                    }
                }
            }
        }
        if let error = failures.compactMap(\.error).first {
            throw CurationError(.invalidArgument, "a neighbour search failed", underlying: error)
        }
        return NeighborGraph(unchecked: rows, k: k, neighbors: neighbors, distances: distances, isExact: false)
    }
}
