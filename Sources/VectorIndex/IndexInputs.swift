import VectorMath

/// Checks and conversions at the boundary of every index: what comes in is validated once, here,
/// so the search and insert loops can trust their inputs.
enum IndexInputs {
    /// Checks that `vectors` holds one valid vector per id.
    static func validate(
        vectors: UnsafeBufferPointer<Float>, ids: UnsafeBufferPointer<UInt32>, dimensions: Int, metric: Metric
    ) throws {
        guard vectors.count == ids.count * dimensions else {
            throw VectorIndexError(.invalidArgument, "got \(vectors.count) floats for \(ids.count) ids of \(dimensions) dimensions (expected \(ids.count * dimensions))")
        }
        for row in 0..<ids.count {
            let vector = UnsafeBufferPointer(rebasing: vectors[row * dimensions..<(row + 1) * dimensions])
            if let problem = Vectors.problem(with: vector, dimensions: dimensions, metric: metric) {
                throw VectorIndexError(.invalidVector, "vector \(row) (id \(ids[row])): \(problem)")
            }
        }
    }

    /// A validated copy of `query`, normalised when the metric compares directions.
    static func prepareQuery(_ query: UnsafeBufferPointer<Float>, dimensions: Int, metric: Metric) throws -> [Float] {
        if query.count != dimensions {
            throw VectorIndexError(.invalidVector, "query: \(Vectors.Problem.wrongDimensions(expected: dimensions, actual: query.count))")
        }
        if let index = Vectors.firstNonFinite(in: query) {
            throw VectorIndexError(.invalidVector, "query: \(Vectors.Problem.nonFinite(index: index))")
        }
        return metric.normalizesVectors ? Vectors.normalized(Array(query)) : Array(query)
    }

    /// Checks `k` and splits a row-major batch into its query count.
    static func queryCount(batch: UnsafeBufferPointer<Float>, dimensions: Int, k: Int) throws -> Int {
        try validate(k: k)
        guard dimensions > 0, batch.count % dimensions == 0 else {
            throw VectorIndexError(.invalidVector, "a batch of \(batch.count) floats is not a whole number of \(dimensions)-dimensional queries")
        }
        return batch.count / dimensions
    }

    /// The rows of a batch that an index keeps: one per id, the last occurrence winning, in batch
    /// order.
    static func lastRows(of ids: UnsafeBufferPointer<UInt32>) -> [Int] {
        var lastRowOfID: [UInt32: Int] = [:]
        for (row, id) in ids.enumerated() { lastRowOfID[id] = row }
        return ids.indices.filter { lastRowOfID[ids[$0]] == $0 }
    }

    /// Checks the dimension count an index is created with.
    static func validate(dimensions: Int) throws {
        guard dimensions > 0 else {
            throw VectorIndexError(.invalidArgument, "dimensions must be positive (got \(dimensions))")
        }
    }

    static func validate(k: Int) throws {
        guard k > 0 else { throw VectorIndexError(.invalidArgument, "k must be at least 1 (got \(k))") }
    }

    /// Turns `(ordering key, id)` pairs sorted ascending into neighbours, dropping those under the
    /// minimum score.
    static func neighbors(
        _ pairs: [(key: Float, id: UInt32)], metric: Metric, minimumScore: Float?
    ) -> [Neighbor] {
        var result: [Neighbor] = []
        result.reserveCapacity(pairs.count)
        for (key, id) in pairs {
            let score = metric.score(fromOrderingKey: key)
            if let minimumScore, score < minimumScore { break }
            result.append(Neighbor(id: id, score: score, distance: metric.distance(fromOrderingKey: key)))
        }
        return result
    }
}
