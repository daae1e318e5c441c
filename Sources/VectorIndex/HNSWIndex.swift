import CVectorKernels
import Dispatch
import VectorMath

#if canImport(Glibc)
import Glibc
#endif

/// The parameters of an HNSW graph.
public struct HNSWParameters: Sendable, Equatable, Codable {
    /// Neighbours kept per node on the upper layers; the bottom layer keeps `2·m`.
    public var m: Int
    /// Search breadth while building: larger builds slower and reaches higher recall.
    public var efConstruction: Int
    /// Default search breadth of queries (at least `k` is always used).
    public var efSearch: Int
    /// Seed of the level draws, so that a build is reproducible in its layer structure.
    public var seed: UInt64
    /// Threads used by `add` for large batches and by delete repairs.
    public var buildThreads: Int
    /// How vectors are held: nil for float rows, `.int8` for one byte per component (a quarter
    /// of the memory; the graph is built and walked on the codes).
    public var encoding: VectorEncoding?
    /// With int8 codes and exact vectors attached, candidates rescored per result.
    public var rescoreFactor: Int

    public init(m: Int = 16, efConstruction: Int = 200, efSearch: Int = 64, seed: UInt64 = 42, buildThreads: Int? = nil,
                encoding: VectorEncoding? = nil, rescoreFactor: Int = 4) {
        self.m = m
        self.efConstruction = efConstruction
        self.efSearch = efSearch
        self.seed = seed
        self.buildThreads = buildThreads ?? HNSWParameters.availableCores
        self.encoding = encoding
        self.rescoreFactor = rescoreFactor
    }

    /// Neighbours kept on the bottom layer.
    public var maxNeighborsLayer0: Int { 2 * m }

    /// Cores online.
    public static var availableCores: Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }

    func validate() throws {
        guard (2...512).contains(m) else { throw VectorIndexError(.invalidArgument, "M must be in 2...512 (got \(m))") }
        guard efConstruction >= 1 else { throw VectorIndexError(.invalidArgument, "efConstruction must be at least 1") }
        guard efSearch >= 1 else { throw VectorIndexError(.invalidArgument, "efSearch must be at least 1") }
        guard buildThreads >= 1 else { throw VectorIndexError(.invalidArgument, "buildThreads must be at least 1") }
        guard rescoreFactor >= 1 else { throw VectorIndexError(.invalidArgument, "rescoreFactor must be at least 1") }
        guard encoding != .float16 else {
            throw VectorIndexError(.invalidArgument, "HNSW stores float32 or int8 vectors; float16 is not supported")
        }
    }
}

/// Approximate nearest-neighbour search on a Hierarchical Navigable Small World graph
/// (Malkov & Yashunin, "Efficient and robust approximate nearest neighbor search using
/// Hierarchical Navigable Small World graphs", IEEE TPAMI 2018).
///
/// - Layout: node-indexed flat memory — vectors (64-byte aligned rows), the bottom layer's
///   neighbour lists `[count, id…]` in one block, upper layers in a small block per node that
///   has them. A search allocates nothing per visited node (pooled `SearchScratch`).
/// - Build: `add` inserts large batches on `buildThreads` threads with a one-byte spin lock per
///   node, as in the reference implementation.
/// - Deletes are real: removed nodes leave the graph at once, every node that linked to one is
///   re-linked by the neighbour-selection heuristic over its 2-hop neighbourhood, and `compact()`
///   (run automatically once a quarter of the nodes are deleted) reclaims their space in O(n)
///   without a rebuild.
/// - Filters: a selective filter is answered by an exact scan of the matching rows; otherwise the
///   graph search only collects matching nodes and falls back to the exact scan if it finds fewer
///   than `k`. Each result says which way it was answered.
/// - Concurrency: searches share a read lock; `add`, `remove` and `compact` take the write lock in
///   chunks, so searches interleave with long imports.
public final class HNSWIndex: VectorIndex, @unchecked Sendable {
    // @unchecked: mutable state is read under `lock`'s read side and written under its write side.
    // Inside a write, parallel insert workers touch a node's neighbour list only while holding
    // that node's spin lock, and the entry point only under `entryLock`.
    public let dimensions: Int
    public let metric: Metric
    public let parameters: HNSWParameters
    let kernels: VectorKernels
    let lock = ReadWriteLock()
    let scratchPool: ScratchPool

    var storage: HNSWStorage
    /// The int8 quantiser of an int8 index, learnt from its first batch of vectors.
    var quantizer: ScalarQuantizer?
    /// Where an int8 index reads the float vectors it rescores candidates with. The index does
    /// not keep them in memory; the owner (a catalog's store, or a memory-mapped file) does.
    public var exactVectors: (any ExactVectorSource)? {
        get { lock.withReadLock { attachedExactVectors } }
        set { lock.withWriteLock { attachedExactVectors = newValue } }
    }
    var attachedExactVectors: (any ExactVectorSource)?
    /// Id → node.
    var nodeOfID: [UInt32: UInt32] = [:]
    /// The top layer's entry node, or `HNSWIndex.noNode` when the graph is empty.
    var entryPoint: UInt32 = HNSWIndex.noNode
    var maxLevel = 0
    var deletedCount = 0
    var random: SplitMix64
    /// A spin lock guarding `entryPoint` and `maxLevel` during a parallel insert.
    let entryLock = UnsafeMutablePointer<UInt8>.allocate(capacity: 1)

    static let noNode = UInt32.max
    /// Vectors inserted per write-lock hold, so searches interleave with long imports.
    static let insertChunk = 8192
    /// Fraction of deleted nodes above which `remove` compacts.
    static let compactionThreshold = 0.25

    /// An empty index.
    public init(dimensions: Int, metric: Metric, parameters: HNSWParameters = HNSWParameters(), kernels: VectorKernels = .active) throws {
        try IndexInputs.validate(dimensions: dimensions)
        try parameters.validate()
        self.dimensions = dimensions
        self.metric = metric
        self.parameters = parameters
        self.kernels = kernels
        random = SplitMix64(seed: parameters.seed)
        storage = HNSWStorage(dimensions: dimensions, m: parameters.m, capacity: 1024, encoding: parameters.encoding)
        scratchPool = ScratchPool(neighborCapacity: max(parameters.maxNeighborsLayer0, parameters.m) + 1, dimensions: dimensions)
        entryLock.initialize(to: 0)
    }

    deinit {
        storage.deallocate()
        entryLock.deallocate()
    }

    /// Live vectors.
    public var count: Int { lock.withReadLock { storage.count - deletedCount } }

    /// Nodes held, deleted ones included until the next compaction.
    public var nodeCount: Int { lock.withReadLock { storage.count } }

    public func contains(_ id: UInt32) -> Bool { lock.withReadLock { nodeOfID[id] != nil } }

    /// The stored vector of `id`: the float row, or for an int8 index the exact vector from
    /// `exactVectors` (the decoded codes when none is attached).
    public func vector(for id: UInt32) -> [Float]? {
        lock.withReadLock {
            guard let node = nodeOfID[id] else { return nil }
            guard let quantizer else { return Array(UnsafeBufferPointer(start: storage.vectors.row(Int(node)), count: dimensions)) }
            if let exact = attachedExactVectors?.vector(for: id) { return Array(UnsafeBufferPointer(start: exact, count: dimensions)) }
            var decoded = [Float](repeating: 0, count: dimensions)
            decoded.withUnsafeMutableBufferPointer { quantizer.decode(storage.codes.row(Int(node)), into: $0.baseAddress!) }
            return decoded
        }
    }

    /// Bytes of memory the graph and vectors occupy.
    public var memoryBytes: Int { lock.withReadLock { storage.memoryBytes + nodeOfID.capacity * 12 } }

    // MARK: Adding

    /// Inserts vectors; an id already present is replaced (its old node is deleted and repaired).
    /// Large batches are inserted on `parameters.buildThreads` threads.
    /// - Complexity: O(n · efConstruction · log N) distance computations for n vectors.
    public func add(_ vectors: UnsafeBufferPointer<Float>, ids: UnsafeBufferPointer<UInt32>) throws {
        try IndexInputs.validate(vectors: vectors, ids: ids, dimensions: dimensions, metric: metric)
        guard !ids.isEmpty else { return }
        let rows = IndexInputs.lastRows(of: ids)
        let replaced = lock.withReadLock { rows.map { ids[$0] }.filter { nodeOfID[$0] != nil } }
        if !replaced.isEmpty { remove(replaced) }
        lock.withWriteLock {
            storage.reserve(storage.count + rows.count)
            if parameters.encoding == .int8 && quantizer == nil { trainQuantizer(rows: rows, vectors: vectors) }
        }

        var start = 0
        while start < rows.count {
            let chunk = rows[start..<min(start + Self.insertChunk, rows.count)]
            lock.withWriteLock { insertChunk(chunk, vectors: vectors, ids: ids) }
            start += chunk.count
        }
    }

    /// Appends one chunk of rows as nodes and links them into the graph, in parallel when large.
    private func insertChunk(_ rows: ArraySlice<Int>, vectors: UnsafeBufferPointer<Float>, ids: UnsafeBufferPointer<UInt32>) {
        let first = storage.count
        storage.reserve(storage.count + rows.count)
        let levelScale = 1 / log(Double(parameters.m))
        let normalized = UnsafeMutablePointer<Float>.allocate(capacity: dimensions)
        defer { normalized.deallocate() }
        for row in rows {
            let node = storage.count
            normalized.update(from: vectors.baseAddress! + row * dimensions, count: dimensions)
            if metric.normalizesVectors {
                Vectors.normalize(UnsafeMutableBufferPointer(start: normalized, count: dimensions))
            }
            store(normalized, asNode: node)
            // Level ~ floor(-ln(U) / ln M), U uniform in (0, 1].
            let uniform = 1 - random.nextUnitInterval()
            let level = min(Int(-log(uniform) * levelScale), 32)
            storage.appendNode(id: ids[row], level: level)
            nodeOfID[ids[row]] = UInt32(node)
        }
        let last = storage.count
        var next = first
        if entryPoint == Self.noNode {
            entryPoint = UInt32(first)
            maxLevel = storage.level(of: UInt32(first))
            next += 1
        }
        let threads = min(parameters.buildThreads, max(1, (last - next) / 256))
        if threads <= 1 {
            scratchPool.withScratch(nodeCount: storage.capacity, resultCapacity: parameters.efConstruction) { scratch in
                for node in next..<last { insert(UInt32(node), scratch: scratch) }
            }
            return
        }
        let counter = UnsafeMutablePointer<Int>.allocate(capacity: 1)
        counter.initialize(to: next)
        defer { counter.deallocate() }
        // Workers share only the atomic counter; graph writes go through per-node spin locks.
        let sharedCounter = UncheckedSendable(counter)
        DispatchQueue.concurrentPerform(iterations: threads) { _ in
            scratchPool.withScratch(nodeCount: storage.capacity, resultCapacity: parameters.efConstruction) { scratch in
                while true {
                    let claimed = loupe_atomic_fetch_add(sharedCounter.value, 16)
                    if claimed >= last { break }
                    for node in claimed..<min(claimed + 16, last) { insert(UInt32(node), scratch: scratch) }
                }
            }
        }
    }
}

extension HNSWIndex {
    /// Learns the int8 ranges from a batch (normalised first under cosine). Later vectors outside
    /// them are clamped, so the first batch should be representative.
    func trainQuantizer(rows: [Int], vectors: UnsafeBufferPointer<Float>) {
        var sample = [Float](repeating: 0, count: rows.count * dimensions)
        for (i, row) in rows.enumerated() {
            sample.replaceSubrange(i * dimensions..<(i + 1) * dimensions,
                                   with: UnsafeBufferPointer(rebasing: vectors[row * dimensions..<(row + 1) * dimensions]))
        }
        if metric.normalizesVectors {
            sample.withUnsafeMutableBufferPointer { Vectors.normalizeRows($0.baseAddress!, rows: rows.count, dimensions: dimensions) }
        }
        quantizer = ScalarQuantizer(training: sample, count: rows.count, dimensions: dimensions)
    }
}
