import VectorMath

extension IndexInputs {
    /// Checks `k` and a row-major batch of queries, and returns a validated copy of it (each query
    /// normalised when the metric compares directions) with its query count.
    /// - Throws: `invalidArgument` for k < 1, `invalidVector` for a partial or non-finite query.
    static func prepareBatch(
        _ queries: UnsafeBufferPointer<Float>, dimensions: Int, metric: Metric, k: Int
    ) throws -> (values: [Float], count: Int) {
        let queryCount = try queryCount(batch: queries, dimensions: dimensions, k: k)
        var prepared = [Float](repeating: 0, count: queries.count)
        for q in 0..<queryCount {
            let one = try prepareQuery(
                UnsafeBufferPointer(rebasing: queries[q * dimensions..<(q + 1) * dimensions]),
                dimensions: dimensions, metric: metric)
            prepared.replaceSubrange(q * dimensions..<(q + 1) * dimensions, with: one)
        }
        return (prepared, queryCount)
    }
}
