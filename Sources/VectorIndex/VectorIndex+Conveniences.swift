/// Array conveniences over the pointer-level `VectorIndex` API, for callers outside hot loops.
extension VectorIndex {
    /// Adds `vectors` (row-major, one row per id).
    public func add(_ vectors: [Float], ids: [UInt32]) throws {
        try vectors.withUnsafeBufferPointer { vectors in
            try ids.withUnsafeBufferPointer { ids in try add(vectors, ids: ids) }
        }
    }

    /// The `k` nearest neighbours of `query`.
    public func search(_ query: [Float], k: Int, options: SearchOptions = .default) throws -> SearchResult {
        try query.withUnsafeBufferPointer { try search($0, k: k, options: options) }
    }

    /// The `k` nearest neighbours of each query in the row-major `queries`.
    public func search(batch queries: [Float], k: Int, options: SearchOptions = .default) throws -> [SearchResult] {
        try queries.withUnsafeBufferPointer { try search(batch: $0, k: k, options: options) }
    }
}
