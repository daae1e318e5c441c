import VectorIndex
import VectorMath

/// Brute force with the same float kernels an index uses: what an exact index must return to
/// the last bit, ids and scores, with ties broken by lower id.
public enum KernelReference {
    /// The exact top-k of `query` among `ids` (row `i` of `base` has id `ids[i]`), best first,
    /// scored as an index of `metric` scores (vectors and query normalised under cosine).
    public static func topK(
        _ query: [Float], base: [Float], ids: [UInt32], dimensions: Int, metric: Metric, k: Int,
        kernels: VectorKernels = .active, where isAllowed: (UInt32) -> Bool = { _ in true }
    ) -> [Neighbor] {
        let q = metric.normalizesVectors ? Vectors.normalized(query) : query
        var pairs: [(key: Float, id: UInt32)] = []
        for (row, id) in ids.enumerated() where isAllowed(id) {
            var vector = Array(base[row * dimensions..<(row + 1) * dimensions])
            if metric.normalizesVectors { vector = Vectors.normalized(vector) }
            let value = q.withUnsafeBufferPointer { q in
                vector.withUnsafeBufferPointer { v in
                    kernels.kernelValue(metric, q.baseAddress!, v.baseAddress!, count: dimensions)
                }
            }
            pairs.append((metric.orderingKey(fromKernelValue: value), id))
        }
        pairs.sort { $0.key != $1.key ? $0.key < $1.key : $0.id < $1.id }
        return pairs.prefix(k).map {
            Neighbor(id: $0.id, score: metric.score(fromOrderingKey: $0.key), distance: metric.distance(fromOrderingKey: $0.key))
        }
    }
}
