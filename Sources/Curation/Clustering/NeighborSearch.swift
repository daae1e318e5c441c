import VectorIndex
import VectorMath

/// How a curation algorithm finds the nearest neighbours of rows.
public enum NeighborSearch: Sendable {
    /// Exact while `rows² · dimensions` is at most `NeighborSearch.exactBudget` (about 4 s of
    /// sgemm on two cores: 35,000 rows of 784 dimensions, 51,000 of 384), an HNSW index with
    /// default parameters above.
    case automatic
    /// Exact search by blocked BLAS.
    case exact
    /// An HNSW index built for the call with these parameters.
    case approximate(HNSWParameters)
    /// An index the caller already holds over exactly these rows, row `i` under id `i` (for
    /// instance the catalog's index of an embedding space). Its metric is used.
    case index(any VectorIndex)

    /// The largest `rows² · dimensions` that `.automatic` searches exactly.
    public static let exactBudget = 1e12
}

/// Answers nearest-neighbour queries over a fixed set of rows, exactly or through an index; kept
/// by fitted models so that new rows can be placed later.
final class NeighborFinder: Sendable {
    enum Backend {
        case exact(ExactNeighbors)
        case index(any VectorIndex)
    }

    let backend: Backend
    let count: Int
    let dimensions: Int
    let metric: Metric
    let threads: Int

    /// A finder over `count` rows at `points`.
    /// - Throws: `CurationError` when an index passed in does not hold exactly these rows, or an
    ///   HNSW build fails.
    init(_ points: UnsafePointer<Float>, count: Int, dimensions: Int, metric: Metric, search: NeighborSearch,
         threads: Int) throws(CurationError) {
        self.count = count
        self.dimensions = dimensions
        self.threads = max(1, threads)
        switch search {
        case .exact:
            self.metric = metric
            backend = .exact(ExactNeighbors(points, count: count, dimensions: dimensions, metric: metric))
        case .automatic where Double(count) * Double(count) * Double(dimensions) <= NeighborSearch.exactBudget:
            self.metric = metric
            backend = .exact(ExactNeighbors(points, count: count, dimensions: dimensions, metric: metric))
        case .automatic, .approximate:
            var parameters = HNSWParameters()
            if case .approximate(let given) = search { parameters = given }
            parameters.buildThreads = self.threads
            self.metric = metric
            do {
                let index = try HNSWIndex(dimensions: dimensions, metric: metric, parameters: parameters)
                let ids = (0..<UInt32(count)).map { $0 }
                try ids.withUnsafeBufferPointer { try index.add(UnsafeBufferPointer(start: points, count: count * dimensions), ids: $0) }
                backend = .index(index)
            } catch {
                throw CurationError(.computationFailed, "cannot build the HNSW index of the neighbour search", underlying: error)
            }
        case .index(let index):
            guard index.count == count, index.dimensions == dimensions else {
                throw CurationError(.invalidArgument, "the index holds \(index.count) vectors of \(index.dimensions) dimensions, but \(count) rows of \(dimensions) were given; it must hold exactly these rows under ids 0..<\(count)")
            }
            self.metric = index.metric
            backend = .index(index)
        }
        try RowVectors.checkDistanceMetric(self.metric, what: "the neighbour search")
    }

    var isExact: Bool {
        if case .exact = backend { return true }
        return false
    }

    /// The `k` nearest rows of each query, nearest first (`-1` pads short lists). With
    /// `excludingSelf` the queries are the rows themselves and row `q` is left out of its own list.
    func neighbors(
        of queries: UnsafePointer<Float>, count queryCount: Int, k: Int, excludingSelf: Bool
    ) throws(CurationError) -> (ids: [Int32], distances: [Float]) {
        switch backend {
        case .exact(let exact):
            return exact.search(queries, queryCount: queryCount, k: k, excludingSelf: excludingSelf, threads: threads)
        case .index(let index):
            return try indexNeighbors(index, queries, queryCount: queryCount, k: k, excludingSelf: excludingSelf)
        }
    }

    private func indexNeighbors(
        _ index: any VectorIndex, _ queries: UnsafePointer<Float>, queryCount: Int, k: Int, excludingSelf: Bool
    ) throws(CurationError) -> (ids: [Int32], distances: [Float]) {
        var ids = [Int32](repeating: -1, count: queryCount * k)
        var distances = [Float](repeating: .infinity, count: queryCount * k)
        let dimensions = dimensions
        let workers = min(threads, max(1, queryCount / 64))
        let failure = FirstFailure()
        let want = min(excludingSelf ? k + 1 : k, index.count)
        ids.withUnsafeMutableBufferPointer { ids in
            distances.withUnsafeMutableBufferPointer { distances in
                // Each worker writes the result rows of its own range of queries.
                let shared = UncheckedSendable((ids: ids.baseAddress!, distances: distances.baseAddress!, queries: queries))
                Parallel.run(workers) { worker in
                    for q in Parallel.chunk(worker, of: workers, count: queryCount) {
                        let query = UnsafeBufferPointer(start: shared.value.queries + q * dimensions, count: dimensions)
                        do {
                            let result = try index.search(query, k: want, options: .default)
                            var slot = 0
                            for neighbor in result.neighbors where slot < k {
                                if excludingSelf && Int(neighbor.id) == q { continue }
                                shared.value.ids[q * k + slot] = Int32(neighbor.id)
                                shared.value.distances[q * k + slot] = neighbor.distance
                                slot += 1
                            }
                        } catch {
                            failure.record(error)
                        }
                    }
                }
            }
        }
        if let error = failure.error {
            throw CurationError(.computationFailed, "a neighbour search failed", underlying: error)
        }
        return (ids, distances)
    }
}
