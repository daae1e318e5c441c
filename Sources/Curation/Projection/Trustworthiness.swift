import VectorMath

/// How well an embedding keeps neighbourhoods (Venna & Kaski, "Neighborhood preservation in
/// nonlinear projection methods", ICANN 2001), computed as scikit-learn's
/// `sklearn.manifold.trustworthiness`:
///
/// T(k) = 1 − 2 / (n·k·(2n − 3k − 1)) · Σᵢ Σ_{j ∈ N̂ₖ(i)} max(0, r(i, j) − k),
///
/// where N̂ₖ(i) are the k nearest neighbours of i in the embedding and r(i, j) is j's rank among
/// i's neighbours in the original space (1 = nearest). 1 means every embedded neighbour is a true
/// one.
public enum Trustworthiness {
    /// T(k) of `embedding` (row-major, `embeddingDimensions` wide) for `original` (row-major,
    /// `dimensions` wide), Euclidean distances in both spaces.
    /// - Throws: `CurationError` for bad rows, different row counts, or k outside 1 ≤ k < n/2.
    /// - Complexity: O(n² · d) at sgemm speed on `threads` cores.
    public static func score(
        original: UnsafeBufferPointer<Float>, dimensions: Int, embedding: UnsafeBufferPointer<Float>, embeddingDimensions: Int,
        k: Int = 10, threads: Int = KMeans.availableCores
    ) throws(CurationError) -> Double {
        let n = try RowVectors.rowCount(original, dimensions: dimensions, what: "trustworthiness: original rows")
        let embedded = try RowVectors.rowCount(embedding, dimensions: embeddingDimensions, what: "trustworthiness: embedded rows")
        guard n == embedded else {
            throw CurationError(.invalidArgument, "trustworthiness: \(n) original rows but \(embedded) embedded rows")
        }
        guard k >= 1, 2 * k < n else {
            throw CurationError(.invalidArgument, "trustworthiness needs 1 ≤ k < rows / 2 (k = \(k), \(n) rows)")
        }
        let nearest = ExactNeighbors(embedding.baseAddress!, count: n, dimensions: embeddingDimensions, metric: .l2)
            .search(embedding.baseAddress!, queryCount: n, k: k, excludingSelf: true, threads: threads).ids
        let base = original.baseAddress!
        let norms = KMeans.squaredNorms(base, count: n, dimensions: dimensions)
        let block = 64
        let blocks = (n + block - 1) / block
        let workers = min(max(threads, 1), blocks)
        var penalties = [Double](repeating: 0, count: blocks)
        nearest.withUnsafeBufferPointer { nearest in
            norms.withUnsafeBufferPointer { norms in
                penalties.withUnsafeMutableBufferPointer { penalties in
                    // Each worker writes the penalties of its own blocks.
                    let shared = UncheckedSendable((nearest: nearest.baseAddress!, norms: norms.baseAddress!,
                                                    penalties: penalties.baseAddress!, base: base))
                    Parallel.run(workers) { worker in
                        let s = shared.value
                        let keys = UnsafeMutablePointer<Float>.allocate(capacity: block * n)
                        defer { keys.deallocate() }
                        for b in stride(from: worker, to: blocks, by: workers) {
                            let start = b * block, rows = min(block, n - start)
                            BatchScoring.innerProducts(queries: s.base + start * dimensions, queryCount: rows, rows: s.base, rowCount: n,
                                                       rowStride: dimensions, dimensions: dimensions, into: keys, outStride: n)
                            var total = 0.0
                            for r in 0..<rows {
                                let i = start + r, line = keys + r * n
                                // ‖x_m‖² − 2·x_i·x_m orders the x_m by distance from x_i.
                                for m in 0..<n { line[m] = s.norms[m] - 2 * line[m] }
                                var thresholds = (0..<k).map { line[Int(s.nearest[i * k + $0])] }
                                thresholds.sort()
                                let largest = thresholds[k - 1]
                                var histogram = [Int](repeating: 0, count: k)
                                for m in 0..<n where m != i && line[m] < largest {
                                    var slot = 0
                                    while line[m] >= thresholds[slot] { slot += 1 }
                                    histogram[slot] += 1
                                }
                                // rank(j) − k = (points strictly nearer than j) + 1 − k.
                                var nearer = 0
                                for slot in 0..<k {
                                    nearer += histogram[slot]
                                    total += Double(max(0, nearer + 1 - k))
                                }
                            }
                            s.penalties[b] = total
                        }
                    }
                }
            }
        }
        let penalty = penalties.reduce(0, +)
        let nk = Double(n) * Double(k)
        return 1 - penalty * 2 / (nk * (2 * Double(n) - 3 * Double(k) - 1))
    }

    /// `score` over arrays.
    public static func score(
        original: [Float], dimensions: Int, embedding: [Float], embeddingDimensions: Int, k: Int = 10,
        threads: Int = KMeans.availableCores
    ) throws(CurationError) -> Double {
        try original.withUnsafeBufferPointer { original throws(CurationError) in
            try embedding.withUnsafeBufferPointer { embedding throws(CurationError) in
                try score(original: original, dimensions: dimensions, embedding: embedding, embeddingDimensions: embeddingDimensions,
                          k: k, threads: threads)
            }
        }
    }
}
