import VectorMath

/// An R-tree (Guttman, "R-Trees: A Dynamic Index Structure for Spatial Searching", SIGMOD 1984)
/// over 2-D points and axis-aligned boxes, each with a `UInt32` id, bulk-loaded by
/// Sort-Tile-Recursive packing (Leutenegger, Lopez & Edgington 1997): the index behind the cluster
/// map's viewport, radius and lasso selections, and its nearest-neighbour look-ups.
///
/// **Layout.** Items live in four `Float` columns (minX, minY, maxX, maxY; a point has min = max)
/// and an id column; nodes are flat arrays of boxes and child ranges (`RTreeNodes`), with no
/// per-node objects. Items are stored in the tree's depth-first order, so every subtree's items
/// are one contiguous run, and a node that lies wholly inside a query's region hands over its run
/// without being visited.
///
/// **Updates.** Inserts after a bulk load go to an overflow buffer of unpacked items that every
/// query scans linearly; when the buffer outgrows max(256, live items / 32), everything is packed
/// again by STR. (This keeps the packed tree optimal and its arrays flat; a Guttman insert with
/// splits would need per-node slack.) A removed item is marked deleted at once and never returned;
/// when deleted items reach a quarter of the packed ones, the tree is packed again without them
/// (compaction), and `compact()` does so on request. Adding an id that is present replaces it.
///
/// **Queries.** Rectangle (intersects or contains), radius, polygon lasso (even-odd rule, boundary
/// included: see `Polygon2D`) and k nearest neighbours by best-first search on box distance
/// (Hjaltason & Samet, "Distance Browsing in Spatial Databases", TODS 1999). Every answer is
/// exactly what a scan of all items with the same predicate returns.
///
/// As a `VectorIndex` it has 2 dimensions and the L2 metric: `add` takes points, `search` returns
/// the nearest items with score −distance (the distance from the query to an item's box).
/// Thread-safe: queries share a read lock, writes take it alone.
public final class RTree: VectorIndex, @unchecked Sendable {
    // @unchecked: every mutable property below is read under `lock`'s read side and written under
    // its write side; `nodeCapacity` never changes.
    /// Always 2: x and y.
    public let dimensions = 2
    /// Always L2: nearest neighbours by Euclidean distance.
    public let metric = Metric.l2
    /// The most children (or items) a node holds.
    public let nodeCapacity: Int
    let lock = ReadWriteLock()

    /// The default node capacity, chosen by `loupe bench rtree` on 1M points.
    public static let defaultNodeCapacity = 32
    /// The overflow buffer is packed once it holds more than this many items, or more than
    /// 1/`bufferDivisor` of the live items.
    static let minimumBufferLimit = 256
    static let bufferDivisor = 32

    /// Item slots: `0..<packedCount` in tree order, then `bufferCount` unpacked items.
    var items: BoxColumns
    var itemIDs: RowBuffer<UInt32>
    var packedCount = 0
    var bufferCount = 0
    /// One bit per packed slot: set when its item was removed.
    var deletedBits: RowBuffer<UInt64>
    var deletedCount = 0
    /// Id → slot of every live item.
    var slotOfID = IDSlotTable()
    var nodes: RTreeNodes

    /// An empty tree.
    /// - Parameter nodeCapacity: the most entries per node, 4…1024.
    /// - Throws: `invalidArgument` for a capacity outside 4…1024.
    /// - Complexity: O(1)
    public init(nodeCapacity: Int = RTree.defaultNodeCapacity) throws {
        guard (4...1024).contains(nodeCapacity) else {
            throw VectorIndexError(.invalidArgument, "nodeCapacity must be in 4…1024 (got \(nodeCapacity))")
        }
        self.nodeCapacity = nodeCapacity
        items = BoxColumns(capacity: 256)
        itemIDs = RowBuffer(width: 1, capacity: 256)
        deletedBits = RowBuffer(width: 1, capacity: 16)
        nodes = RTreeNodes(count: 0)
    }

    deinit {
        items.deallocate()
        itemIDs.deallocate()
        deletedBits.deallocate()
        nodes.deallocate()
        slotOfID.deallocate()
    }

    /// The number of live items.
    /// - Complexity: O(1)
    public var count: Int { lock.withReadLock { liveCount } }

    var liveCount: Int { packedCount - deletedCount + bufferCount }

    /// Items waiting in the overflow buffer, not yet packed into the tree.
    /// - Complexity: O(1)
    public var unpackedCount: Int { lock.withReadLock { bufferCount } }

    /// Levels from the root to the leaves (0 when nothing is packed).
    /// - Complexity: O(1)
    public var height: Int { lock.withReadLock { nodes.height } }

    /// Whether a live item has this id.
    /// - Complexity: O(1) expected.
    public func contains(_ id: UInt32) -> Bool { lock.withReadLock { slotOfID[id] != nil } }

    /// The point stored for `id`, or the centre of its box; nil if there is none.
    /// - Complexity: O(1) expected.
    public func vector(for id: UInt32) -> [Float]? {
        guard let box = box(for: id) else { return nil }
        return box.isPoint ? [box.minX, box.minY] : [box.minX * 0.5 + box.maxX * 0.5, box.minY * 0.5 + box.maxY * 0.5]
    }

    /// The box stored for `id` (min = max for a point), or nil if there is none.
    /// - Complexity: O(1)
    public func box(for id: UInt32) -> Box2D? {
        lock.withReadLock { slotOfID[id].map { items[Int($0)] } }
    }

    @inline(__always) func isDeleted(_ slot: Int) -> Bool {
        deletedBits.base[slot >> 6] & (1 << UInt64(slot & 63)) != 0
    }

    // MARK: Adding and removing

    /// Adds points, `[x0, y0, x1, y1, …]`, one per id; an id already present is replaced.
    /// - Throws: `invalidArgument` when the counts disagree, `invalidVector` for a NaN or infinite
    ///   coordinate; nothing is added then.
    /// - Complexity: amortised O(1) per point, plus a bulk load (O(n)) when the buffer is packed.
    public func add(_ vectors: UnsafeBufferPointer<Float>, ids: UnsafeBufferPointer<UInt32>) throws {
        try IndexInputs.validate(vectors: vectors, ids: ids, dimensions: 2, metric: .l2)
        let xy = vectors.baseAddress
        lock.withWriteLock {
            insert(count: ids.count, ids: ids) { Box2D(x: xy![2 * $0], y: xy![2 * $0 + 1]) }
        }
    }

    /// Adds boxes, one per id; an id already present is replaced.
    /// - Throws: `invalidArgument` when the counts disagree, `invalidVector` for a NaN or infinite
    ///   bound or a minimum above its maximum; nothing is added then.
    /// - Complexity: amortised O(1) per box, plus a bulk load (O(n)) when the buffer is packed.
    public func add(boxes: UnsafeBufferPointer<Box2D>, ids: UnsafeBufferPointer<UInt32>) throws {
        guard boxes.count == ids.count else {
            throw VectorIndexError(.invalidArgument, "got \(boxes.count) boxes for \(ids.count) ids")
        }
        for (row, box) in boxes.enumerated() {
            if let problem = box.problem(allowInfinite: false) {
                throw VectorIndexError(.invalidVector, "box \(row) (id \(ids[row])): \(problem)")
            }
        }
        lock.withWriteLock { insert(count: ids.count, ids: ids) { boxes[$0] } }
    }

    /// Appends validated items to the buffer, replacing ids that are present, then packs if the
    /// buffer has outgrown its limit. Runs under the write lock.
    private func insert(count: Int, ids: UnsafeBufferPointer<UInt32>, box: (Int) -> Box2D) {
        let needed = packedCount + bufferCount + count
        items.reserve(needed, keeping: packedCount + bufferCount)
        itemIDs.reserve(rows: needed, keeping: packedCount + bufferCount)
        slotOfID.reserve(liveCount + count)
        for row in 0..<count {
            let id = ids[row]
            if let slot = slotOfID[id] { release(slot: Int(slot)) }
            let slot = packedCount + bufferCount
            items[slot] = box(row)
            itemIDs.base[slot] = id
            bufferCount += 1
            slotOfID.set(id, UInt32(slot))
        }
        packIfNeeded()
    }

    /// Removes the items with these ids; unknown ids are ignored. A removed item is never
    /// returned again; its space is reclaimed by the next packing.
    /// - Returns: how many items were removed.
    /// - Complexity: O(1) per id, plus a packing (O(n)) when deleted items reach a quarter.
    @discardableResult
    public func remove(_ ids: [UInt32]) -> Int {
        lock.withWriteLock {
            var removed = 0
            for id in ids {
                guard let slot = slotOfID.remove(id) else { continue }
                release(slot: Int(slot))
                removed += 1
            }
            packIfNeeded()
            return removed
        }
    }

    /// Packs every live item into a fresh tree now: merges the overflow buffer and drops deleted
    /// items.
    /// - Complexity: O(n) for n live items (radix-sorted STR).
    public func compact() {
        lock.withWriteLock { repack() }
    }

    /// Frees `slot`: marks a packed slot deleted, or moves the buffer's last item into it. The
    /// caller updates `slotOfID` for the item that was there.
    private func release(slot: Int) {
        if slot < packedCount {
            deletedBits.base[slot >> 6] |= 1 << UInt64(slot & 63)
            deletedCount += 1
            return
        }
        let last = packedCount + bufferCount - 1
        if slot != last {
            items[slot] = items[last]
            itemIDs.base[slot] = itemIDs.base[last]
            slotOfID.set(itemIDs.base[slot], UInt32(slot))
        }
        bufferCount -= 1
    }

    private func packIfNeeded() {
        let bufferLimit = max(Self.minimumBufferLimit, liveCount / Self.bufferDivisor)
        if bufferCount > bufferLimit || (deletedCount > 0 && deletedCount * 4 >= packedCount) {
            repack()
        }
    }

    /// Packs every live item into a new tree by STR. Runs under the write lock.
    func repack() {
        let count = liveCount, stored = packedCount + bufferCount, compacting = deletedCount > 0
        // The live items' old slots, in order: all of them when nothing is deleted.
        var liveSlots: [UInt32] = []
        if compacting {
            liveSlots.reserveCapacity(count)
            for slot in 0..<stored where slot >= packedCount || !isDeleted(slot) { liveSlots.append(UInt32(slot)) }
        }
        let gathered: BoxColumns
        if compacting {
            gathered = BoxColumns(capacity: count)
            for (index, slot) in liveSlots.enumerated() { gathered[index] = items[Int(slot)] }
        } else {
            gathered = items
        }
        defer { if compacting { gathered.deallocate() } }
        let headroom = count + max(Self.minimumBufferLimit, count / Self.bufferDivisor) + 1
        let newItems = BoxColumns(capacity: headroom)
        let newIDs = RowBuffer<UInt32>(width: 1, capacity: headroom)
        let (order, packed) = Self.packSortTileRecursive(gathered, count: count, capacity: nodeCapacity, into: newItems)
        // Old slot → new slot, then one pass over the id table in memory order.
        let newSlotOfOld = UnsafeMutablePointer<UInt32>.allocate(capacity: max(stored, 1))
        defer { newSlotOfOld.deallocate() }
        for (slot, index) in order.enumerated() {
            let old = compacting ? Int(liveSlots[Int(index)]) : Int(index)
            newIDs.base[slot] = itemIDs.base[old]
            newSlotOfOld[old] = UInt32(slot)
        }
        slotOfID.remapSlots { newSlotOfOld[Int($0)] }
        items.deallocate()
        itemIDs.deallocate()
        nodes.deallocate()
        deletedBits.deallocate()
        items = newItems
        itemIDs = newIDs
        nodes = packed
        let words = (count + 63) / 64
        deletedBits = RowBuffer(width: 1, capacity: words)
        deletedBits.base.initialize(repeating: 0, count: deletedBits.capacity)
        packedCount = count
        bufferCount = 0
        deletedCount = 0
    }
}
