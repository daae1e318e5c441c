import VectorMath

extension IndexInputs {
    /// Checks `k` and every query of a row-major batch, and returns the queries prepared
    /// (normalised when the metric compares directions) with their count.
    /// - Throws: `invalidArgument` for `k` below 1, `invalidVector` for a batch that is not a whole
    ///   number of queries or a query with NaN or infinity.
    static func prepareBatch(_ queries: UnsafeBufferPointer<Float>, dimensions: Int, metric: Metric, k: Int) throws
        -> (queries: [Float], count: Int) {
        let count = try queryCount(batch: queries, dimensions: dimensions, k: k)
        var prepared = [Float](repeating: 0, count: queries.count)
        for q in 0..<count {
            let one = try prepareQuery(UnsafeBufferPointer(rebasing: queries[q * dimensions..<(q + 1) * dimensions]),
                                       dimensions: dimensions, metric: metric)
            prepared.replaceSubrange(q * dimensions..<(q + 1) * dimensions, with: one)
        }
        return (prepared, count)
    }
}
