/// The node-indexed memory of an HNSW graph. It grows only under the index's write lock; between
/// growths every pointer stays put, so parallel insert workers and searches read it without copies.
///
/// Vectors are kept either as float rows (`vectors`) or, for an int8 index, as one byte per
/// component (`codes`) with each decoded row's squared norm (`decodedNorms`, for L2); the other
/// representation has width 0 and takes no memory.
///
/// A neighbour list is `[count, id₀, id₁, …]` of `UInt32`. The bottom layer's lists (capacity
/// `2m`) live in one block; a node on level L > 0 also owns one block of L lists of capacity `m`.
struct HNSWStorage {
    let dimensions: Int
    let m: Int
    private(set) var count = 0
    private(set) var capacity: Int
    var vectors: RowBuffer<Float>
    /// int8 codes (width `dimensions`) of an int8 index.
    var codes: RowBuffer<UInt8>
    /// ‖x̂‖² of each decoded code row (width 1 for an int8 index).
    var decodedNorms: RowBuffer<Float>
    /// Bottom-layer lists, `2m + 1` words per node.
    var links0: RowBuffer<UInt32>
    /// Upper-layer list blocks (nil for nodes on the bottom layer only).
    var upperLinks: RowBuffer<UnsafeMutablePointer<UInt32>?>
    var levels: RowBuffer<UInt8>
    var ids: RowBuffer<UInt32>
    /// 1 for deleted nodes.
    var deleted: RowBuffer<UInt8>
    /// One spin lock per node, held while its lists are read or written during a parallel insert.
    var locks: RowBuffer<UInt8>

    init(dimensions: Int, m: Int, capacity: Int, encoding: VectorEncoding? = nil) {
        self.dimensions = dimensions
        self.m = m
        self.capacity = capacity
        let isCoded = encoding == .int8
        vectors = RowBuffer(width: isCoded ? 0 : dimensions, capacity: capacity)
        codes = RowBuffer(width: isCoded ? dimensions : 0, capacity: capacity)
        decodedNorms = RowBuffer(width: isCoded ? 1 : 0, capacity: capacity)
        links0 = RowBuffer(width: 2 * m + 1, capacity: capacity)
        upperLinks = RowBuffer(width: 1, capacity: capacity)
        levels = RowBuffer(width: 1, capacity: capacity)
        ids = RowBuffer(width: 1, capacity: capacity)
        deleted = RowBuffer(width: 1, capacity: capacity)
        locks = RowBuffer(width: 1, capacity: capacity)
        self.capacity = links0.capacity
    }

    func deallocate() {
        for node in 0..<count { upperLinks.base[node]?.deallocate() }
        vectors.deallocate()
        codes.deallocate()
        decodedNorms.deallocate()
        links0.deallocate()
        upperLinks.deallocate()
        levels.deallocate()
        ids.deallocate()
        deleted.deallocate()
        locks.deallocate()
    }

    /// Makes room for `nodes` nodes.
    mutating func reserve(_ nodes: Int) {
        guard nodes > capacity else { return }
        resizeAll(to: max(nodes, capacity + capacity / 2))
    }

    /// Gives memory beyond `count` nodes (plus a little headroom) back to the allocator.
    mutating func shrinkToFit() {
        let target = max(count + count / 8, 16)
        guard capacity > target + target / 4 else { return }
        resizeAll(to: target)
    }

    private mutating func resizeAll(to target: Int) {
        vectors.resize(rows: target, keeping: count)
        codes.resize(rows: target, keeping: count)
        decodedNorms.resize(rows: target, keeping: count)
        links0.resize(rows: target, keeping: count)
        upperLinks.resize(rows: target, keeping: count)
        levels.resize(rows: target, keeping: count)
        ids.resize(rows: target, keeping: count)
        deleted.resize(rows: target, keeping: count)
        locks.resize(rows: target, keeping: count)
        capacity = target
    }

    /// Appends a node whose vector row was already written, with empty neighbour lists.
    mutating func appendNode(id: UInt32, level: Int) {
        let node = count
        links0.row(node)[0] = 0
        levels.base[node] = UInt8(level)
        ids.base[node] = id
        deleted.base[node] = 0
        locks.base[node] = 0
        if level > 0 {
            let block = UnsafeMutablePointer<UInt32>.allocate(capacity: level * (m + 1))
            block.initialize(repeating: 0, count: level * (m + 1))
            upperLinks.base[node] = block
        } else {
            upperLinks.base[node] = nil
        }
        count += 1
    }

    /// Counts node `node` (which must be the next one) whose rows a load already wrote; clears
    /// its lock and upper-layer pointer.
    mutating func appendNodeKeepingData(node: Int) {
        precondition(node == count, "nodes are appended in order")
        locks.base[node] = 0
        upperLinks.base[node] = nil
        count += 1
    }

    /// Sets the node count after a compaction or load moved nodes directly.
    mutating func setCount(_ newCount: Int) { count = newCount }

    @inline(__always) func level(of node: UInt32) -> Int { Int(levels.base[Int(node)]) }
    @inline(__always) func isDeleted(_ node: UInt32) -> Bool { deleted.base[Int(node)] != 0 }

    /// Capacity of a neighbour list on `level`.
    @inline(__always) func maxNeighbors(level: Int) -> Int { level == 0 ? 2 * m : m }

    /// The neighbour list `[count, id…]` of `node` on `level` (which must be ≤ the node's level).
    @inline(__always) func links(_ node: UInt32, level: Int) -> UnsafeMutablePointer<UInt32> {
        level == 0 ? links0.row(Int(node)) : upperLinks.base[Int(node)].unsafelyUnwrapped + (level - 1) * (m + 1)
    }

    /// Bytes held.
    var memoryBytes: Int {
        var upper = 0
        for node in 0..<count { upper += Int(levels.base[node]) * (m + 1) * 4 }
        let perNode = vectors.width * 4 + codes.width + decodedNorms.width * 4 + links0.width * 4 + 8 + 1 + 4 + 1 + 1
        return capacity * perNode + upper
    }

    /// Copies every per-node row of `source` over `destination` (compaction); the upper-layer
    /// block moves with it.
    mutating func moveNode(_ source: Int, to destination: Int) {
        vectors.copyRow(source, to: destination)
        codes.copyRow(source, to: destination)
        decodedNorms.copyRow(source, to: destination)
        links0.copyRow(source, to: destination)
        upperLinks.base[destination] = upperLinks.base[source]
        upperLinks.base[source] = nil
        levels.base[destination] = levels.base[source]
        ids.base[destination] = ids.base[source]
        deleted.base[destination] = 0
        locks.base[destination] = 0
    }
}
