import VectorMath

/// Exact k-nearest-neighbour search on a k-d tree (Bentley, "Multidimensional binary search trees
/// used for associative searching", CACM 1975; branch-and-bound search as in Friedman, Bentley &
/// Finkel, ACM TOMS 1977): for low-dimensional vectors — 2-D or 3-D projections, features of up to
/// about 20 dimensions — where a query scores a small fraction of the vectors.
///
/// - Build: in bulk, median splits on the widest dimension of each node's bounding box, leaves of
///   at most `parameters.leafSize` vectors stored contiguously and scored by the SIMD kernels.
/// - Search: exact for every metric, identical to a brute-force scan (ids and scores, ties by
///   lower id). Cosine prunes with Euclidean box distances of unit vectors, L2 with squared box
///   distances, inner product with the largest dot product over a box.
/// - Filters: only members enter the result, so a filtered search is exact too; a filter that
///   matches few ids is answered by scoring those ids directly.
/// - Changes, persistence and concurrency: see `TreeIndex`.
public final class KDTreeIndex: TreeIndex, @unchecked Sendable {
    // @unchecked: adds no stored property to `TreeIndex`.

    /// An empty index.
    /// - Throws: `invalidArgument` for dimensions outside 1...65536 or out-of-range parameters.
    public init(dimensions: Int, metric: Metric, parameters: TreeParameters = TreeParameters(),
                kernels: VectorKernels = .active) throws {
        super.init(core: try TreeIndexCore<KDTree>(dimensions: dimensions, metric: metric, parameters: parameters,
                                                   searchBudget: nil, kernels: kernels))
    }

    private override init(core: any TreeIndexStorage) { super.init(core: core) }

    /// Reads an index written by `save(to:)`; the tree is read, not rebuilt.
    /// - Throws: `corruptFile` for a truncated, damaged or foreign file, `incompatibleFile` for
    ///   another index kind or format version, `io` when the file cannot be read.
    /// - Complexity: O(N·d).
    public static func load(from path: String, kernels: VectorKernels = .active) throws -> KDTreeIndex {
        KDTreeIndex(core: try TreeIndexCore<KDTree>.load(from: path, kernels: kernels))
    }
}
