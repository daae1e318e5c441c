import VectorIndex
import VectorMath

extension NearDuplicates {
    /// The near-duplicate pairs and groups among `rows` (all rows when nil) of `vectors`.
    ///
    /// - Parameters:
    ///   - threshold: the score at or above which two rows are near-duplicates: a cosine
    ///     similarity, an inner product, or −distance for L2 (score contract).
    ///   - method: exact blocked sgemm, an HNSW graph, or automatic (exact up to `exactLimit`
    ///     rows).
    ///   - representative: which member represents each group.
    ///   - threads: worker threads (default: every core). Call `BatchScoring.setThreadCount(1)`
    ///     first when using several, so that OpenBLAS does not add its own threads.
    ///   - maxPairs: the most pairs an answer may hold.
    /// - Throws: `CurationError` — `unknownRow` for a row outside the vectors, `invalidArgument`
    ///   for a non-finite threshold or bad graph parameters, `limitExceeded` past `maxPairs`.
    /// - Complexity: exact O(m²·d/2) at sgemm speed; graph O(m·log m·efConstruction·d) to build
    ///   and O(m·ef·d) to search, for m rows.
    public static func vectors(
        _ vectors: RowVectors, rows: [UInt32]? = nil, threshold: Float, method: Method = .automatic,
        representative: Representative = .mostCentral, threads: Int? = nil, maxPairs: Int = defaultMaxPairs
    ) throws(CurationError) -> Result {
        let threads = try Parallel.threads(threads)
        guard threshold.isFinite else { throw CurationError(.invalidArgument, "the similarity threshold must be finite (got \(threshold))") }
        let members = try vectors.rowSet(rows, what: "the rows to search")
        try validate(representative, rows: members)
        let centrality: ([UInt32]) -> [Float] = { vectors.distancesToMean(of: $0) }

        switch method {
        case .exact:
            return try exact(vectors, rows: members, threshold: threshold, representative: representative, threads: threads, maxPairs: maxPairs)
        case .automatic where members.count <= exactLimit:
            return try exact(vectors, rows: members, threshold: threshold, representative: representative, threads: threads, maxPairs: maxPairs)
        case .automatic, .graph:
            var parameters = HNSWParameters()
            var neighbors = 32
            if case .graph(let given, let k) = method {
                parameters = given
                neighbors = k
            }
            parameters.buildThreads = threads
            let index: HNSWIndex
            do {
                index = try HNSWIndex(dimensions: vectors.dimensions, metric: vectors.metric, parameters: parameters)
                var gathered = [Float]()
                gathered.reserveCapacity(members.count * vectors.dimensions)
                for row in members { gathered.append(contentsOf: vectors.row(Int(row))) }
                try index.add(gathered, ids: members)
            } catch {
                throw CurationError(.invalidArgument, "cannot build the HNSW graph for near-duplicates", underlying: error)
            }
            let found = try graphPairs(index, ids: members, filter: nil, threshold: threshold, neighbors: neighbors,
                                       maxNeighbors: defaultMaxNeighbors, threads: threads, maxPairs: maxPairs)
            return Result(pairs: found.pairs, groups: groups(of: found.pairs, representative: representative, centrality: centrality),
                          isExact: false, candidatesScored: found.scored, saturatedRows: found.saturated)
        }
    }

    /// The near-duplicate pairs and groups among `ids` of an existing index (the catalog's index
    /// of a space), verified against the index's stored vectors.
    ///
    /// Each id asks the index for its `neighbors` nearest rows at or above the threshold, and
    /// again with twice as many while all of them pass, up to `maxNeighbors`; every pair found
    /// from either side is then scored exactly from the stored vectors (`vector(for:)`) and kept
    /// when it reaches the threshold. When `ids` is a subset of the index, searches are filtered
    /// to it (exactly, for a selective subset).
    /// - Throws: `CurationError` — `unknownRow` for an id the index does not hold,
    ///   `invalidArgument` for bad counts or a non-finite threshold, `limitExceeded` past
    ///   `maxPairs`.
    /// - Complexity: m searches of the index, plus O(d) per verified pair.
    public static func vectors(
        in index: any VectorIndex, ids: [UInt32], threshold: Float, neighbors: Int = 32, maxNeighbors: Int = defaultMaxNeighbors,
        representative: Representative = .mostCentral, threads: Int? = nil, maxPairs: Int = defaultMaxPairs
    ) throws(CurationError) -> Result {
        let threads = try Parallel.threads(threads)
        guard threshold.isFinite else { throw CurationError(.invalidArgument, "the similarity threshold must be finite (got \(threshold))") }
        var members = ids
        members.sortAndRemoveDuplicates()
        if let missing = members.first(where: { !index.contains($0) }) {
            throw CurationError(.unknownRow, "the index holds no vector for row \(missing)")
        }
        try validate(representative, rows: members)
        let filter = members.count < index.count ? IDFilter(members) : nil
        let found = try graphPairs(index, ids: members, filter: filter, threshold: threshold, neighbors: neighbors,
                                   maxNeighbors: maxNeighbors, threads: threads, maxPairs: maxPairs)
        let centrality: ([UInt32]) -> [Float] = { group in
            let values = group.flatMap { index.vector(for: $0) ?? [] }
            guard let local = try? RowVectors(values, dimensions: index.dimensions, metric: index.metric) else {
                return group.map { _ in 0 }
            }
            return local.distancesToMean(of: (0..<UInt32(group.count)).map { $0 })
        }
        return Result(pairs: found.pairs, groups: groups(of: found.pairs, representative: representative, centrality: centrality),
                      isExact: false, candidatesScored: found.scored, saturatedRows: found.saturated)
    }

    /// The most neighbours one row asks an index for by default.
    public static let defaultMaxNeighbors = 1024

    // MARK: Implementations

    private static func exact(
        _ vectors: RowVectors, rows: [UInt32], threshold: Float, representative: Representative, threads: Int, maxPairs: Int
    ) throws(CurationError) -> Result {
        let pairs = canonical(try ThresholdJoin.pairs(vectors, rows: rows, threshold: threshold, threads: threads, maxPairs: maxPairs))
        return Result(pairs: pairs, groups: groups(of: pairs, representative: representative, centrality: { vectors.distancesToMean(of: $0) }),
                      isExact: true, candidatesScored: rows.count * (rows.count - 1) / 2, saturatedRows: 0)
    }

    /// Rows searched per claimed item.
    private static let graphChunk = 64

    /// Searches every id's neighbours above the threshold and verifies each pair exactly.
    private static func graphPairs(
        _ index: any VectorIndex, ids: [UInt32], filter: IDFilter?, threshold: Float, neighbors: Int, maxNeighbors: Int,
        threads: Int, maxPairs: Int
    ) throws(CurationError) -> (pairs: [Pair], scored: Int, saturated: Int) {
        guard neighbors >= 1, maxNeighbors >= neighbors else {
            throw CurationError(.invalidArgument, "neighbors must be ≥ 1 and maxNeighbors ≥ neighbors (got \(neighbors), \(maxNeighbors))")
        }
        let chunks = (ids.count + graphChunk - 1) / graphChunk
        let workers = Parallel.workers(items: chunks, threads: threads)
        let findings = (0..<workers).map { _ in Findings() }
        let metric = index.metric, d = index.dimensions
        // Each worker writes only its own `Findings`; the index is thread-safe for searches.
        let shared = UncheckedSendable((index: index, findings: findings))
        Parallel.forEach(items: chunks, threads: workers) { worker, chunk in
            let mine = shared.value.findings[worker]
            guard mine.error == nil else { return }
            for id in ids[(chunk * graphChunk)..<min(ids.count, (chunk + 1) * graphChunk)] {
                guard let query = shared.value.index.vector(for: id) else { continue }
                var k = neighbors
                var result: SearchResult
                do {
                    while true {
                        result = try shared.value.index.search(query, k: k + 1, options: SearchOptions(filter: filter, minimumScore: threshold))
                        if result.neighbors.count < k + 1 || k >= maxNeighbors { break }
                        k = min(2 * k, maxNeighbors)
                    }
                } catch {
                    mine.error = error
                    return
                }
                mine.scored += result.candidatesScored
                if result.neighbors.count >= k + 1 { mine.saturated += 1 }
                for neighbor in result.neighbors where neighbor.id != id {
                    guard let other = shared.value.index.vector(for: neighbor.id) else { continue }
                    mine.scored += 1
                    let value = query.withUnsafeBufferPointer { q in
                        other.withUnsafeBufferPointer { VectorKernels.active.kernelValue(metric, q.baseAddress!, $0.baseAddress!, count: d) }
                    }
                    let score = metric.score(fromOrderingKey: metric.orderingKey(fromKernelValue: value))
                    guard score >= threshold else { continue }
                    mine.pairs.append(Pair(first: min(id, neighbor.id), second: max(id, neighbor.id), score: score))
                }
            }
        }
        let pairs = try merged(findings, maxPairs: maxPairs, threshold: "\(threshold)")
        return (pairs, findings.reduce(0) { $0 + $1.scored }, findings.reduce(0) { $0 + $1.saturated })
    }
}
