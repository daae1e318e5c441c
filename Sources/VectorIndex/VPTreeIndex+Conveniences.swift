/// Array conveniences over the budgeted pointer-level search of `VPTreeIndex`.
extension VPTreeIndex {
    /// The `k` nearest neighbours of `query`, scoring at most about `maxScored` vectors (nil: exact).
    /// - Complexity: O(min(maxScored, cost of the exact search)).
    public func search(_ query: [Float], k: Int, options: SearchOptions = .default, maxScored: Int?) throws -> SearchResult {
        try query.withUnsafeBufferPointer { try search($0, k: k, options: options, maxScored: maxScored) }
    }

    /// The `k` nearest neighbours of each query in the row-major `queries`, each scoring at most
    /// about `maxScored` vectors (nil: exact).
    /// - Complexity: that of `search(_:k:options:maxScored:)` per query.
    public func search(batch queries: [Float], k: Int, options: SearchOptions = .default, maxScored: Int?) throws -> [SearchResult] {
        try queries.withUnsafeBufferPointer { try search(batch: $0, k: k, options: options, maxScored: maxScored) }
    }
}
