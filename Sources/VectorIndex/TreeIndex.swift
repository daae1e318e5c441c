import VectorMath

/// What `TreeIndex` needs of its core, whatever the tree: `TreeIndexCore` over a KD-tree or a
/// VP-tree. Every method takes the core's lock itself.
protocol TreeIndexStorage: AnyObject, Sendable {
    var dimensions: Int { get }
    var metric: Metric { get }
    var parameters: TreeParameters { get }
    var count: Int { get }
    func add(_ vectors: UnsafeBufferPointer<Float>, ids: UnsafeBufferPointer<UInt32>) throws
    func remove(_ ids: [UInt32]) -> Int
    func contains(_ id: UInt32) -> Bool
    func vector(for id: UInt32) -> [Float]?
    func search(_ query: UnsafeBufferPointer<Float>, k: Int, options: SearchOptions, budget: Int?) throws -> SearchResult
    func search(batch queries: UnsafeBufferPointer<Float>, k: Int, options: SearchOptions, budget: Int?) throws -> [SearchResult]
    func save(to path: String) throws
    func rebuildNow()
    var shape: TreeIndex.Shape { get }
    func invariantViolations() -> [String]
}

/// The behaviour shared by the bulk-built tree indexes, `KDTreeIndex` and `VPTreeIndex`.
///
/// A tree is built in bulk over every vector present. Vectors added later wait in a small buffer
/// that every search scans exactly, and are merged by a rebuild once the buffer holds more than
/// `parameters.rebuildFraction` of the tree; removed vectors stay in the tree as tombstones,
/// never returned, until they pass `parameters.compactionFraction` of it and a rebuild drops
/// them. Results follow the score contract, with ties broken by lower id, so an exact search
/// returns what a brute-force scan returns, ids and scores alike. Thread-safe: searches share a
/// read lock; adds, removes and rebuilds take it alone.
public class TreeIndex: VectorIndex, @unchecked Sendable {
    // @unchecked: the only stored property is a constant reference to a core that guards all its
    // mutable state with its own read-write lock.
    let core: any TreeIndexStorage

    init(core: any TreeIndexStorage) { self.core = core }

    /// How the index is laid out at the moment.
    public struct Shape: Sendable, Equatable {
        /// Nodes of the tree (0 before the first build).
        public var nodes: Int
        /// Vectors in the tree, tombstones included.
        public var treeVectors: Int
        /// Removed vectors the tree still holds as tombstones.
        public var tombstones: Int
        /// Vectors waiting in the buffer of recent additions.
        public var buffered: Int
        /// Nodes on the longest root-to-leaf path.
        public var depth: Int

        /// A shape with these counts.
        public init(nodes: Int, treeVectors: Int, tombstones: Int, buffered: Int, depth: Int) {
            self.nodes = nodes
            self.treeVectors = treeVectors
            self.tombstones = tombstones
            self.buffered = buffered
            self.depth = depth
        }
    }

    /// Components per vector.
    public var dimensions: Int { core.dimensions }
    /// How vectors are compared.
    public var metric: Metric { core.metric }
    /// The build and rebuild parameters.
    public var parameters: TreeParameters { core.parameters }
    /// Live vectors, in the tree and in the buffer.
    /// - Complexity: O(1).
    public var count: Int { core.count }

    /// Nodes, tree and buffer sizes, tombstones and depth, read together.
    /// - Complexity: O(1).
    public var shape: Shape { core.shape }

    /// Whether a live vector has this id.
    /// - Complexity: O(1).
    public func contains(_ id: UInt32) -> Bool { core.contains(id) }

    /// A copy of the stored vector for `id` (normalised under cosine), or nil if there is none.
    /// - Complexity: O(d).
    public func vector(for id: UInt32) -> [Float]? { core.vector(for: id) }

    /// Buffers the vectors (an id already present is replaced); a rebuild merges the buffer into
    /// the tree once it is large enough.
    /// - Throws: `invalidVector` naming the first bad row (wrong length, NaN or infinity, or all
    ///   zeros under cosine), `invalidArgument` when vectors and ids do not match; nothing is
    ///   added then.
    /// - Complexity: O(n·d) for n vectors, plus an O(N·log N·d) rebuild over all N live vectors
    ///   when one is due (amortised O(log N·d / rebuildFraction) per vector).
    public func add(_ vectors: UnsafeBufferPointer<Float>, ids: UnsafeBufferPointer<UInt32>) throws {
        try core.add(vectors, ids: ids)
    }

    /// Marks the vectors removed; they are never returned again.
    /// - Complexity: O(1) per id, plus an O(N·log N·d) compaction when tombstones pass
    ///   `compactionFraction` of the tree.
    @discardableResult public func remove(_ ids: [UInt32]) -> Int { core.remove(ids) }

    /// The `k` nearest neighbours (exact unless the index has a search budget).
    /// - Throws: `invalidArgument` for `k` below 1, `invalidVector` for a query of the wrong
    ///   length or with NaN or infinity.
    /// - Complexity: O(log N) nodes plus the leaves a query's ball meets, for data of low
    ///   (intrinsic) dimension; it tends to O(N·d) as the dimension grows.
    public func search(_ query: UnsafeBufferPointer<Float>, k: Int, options: SearchOptions = .default) throws -> SearchResult {
        try core.search(query, k: k, options: options, budget: nil)
    }

    /// Runs the queries one after another on the calling thread.
    /// - Throws: what `search` throws, for the first bad query, before any is run.
    /// - Complexity: that of `search` per query.
    public func search(batch queries: UnsafeBufferPointer<Float>, k: Int, options: SearchOptions = .default) throws -> [SearchResult] {
        try core.search(batch: queries, k: k, options: options, budget: nil)
    }

    /// Rebuilds the tree now over every live vector, folding in the buffer and dropping tombstones.
    /// - Complexity: O(N·log N·d).
    public func rebuild() { core.rebuildNow() }

    /// Broken invariants of the tree and its bookkeeping, in words; empty when sound.
    /// - Complexity: O(N·d·log N).
    public func invariantViolations() -> [String] { core.invariantViolations() }

    /// Writes the index, tree included, to `path` atomically.
    /// - Throws: `io` when the file cannot be written or renamed.
    /// - Complexity: O(N·d) bytes written.
    public func save(to path: String) throws { try core.save(to: path) }
}
