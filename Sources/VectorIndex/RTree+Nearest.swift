import VectorMath

/// k nearest neighbours by best-first search (Hjaltason & Samet, "Distance Browsing in Spatial
/// Databases", ACM TODS 24(2), 1999): nodes wait in a priority queue ordered by the distance from
/// the query to their box, the nearest is expanded first, and the search stops when the nearest
/// waiting node is farther than the k-th item found.
///
/// Items are ranked by the squared distance from the query to their box, in `Float`
/// (`Box2D.squaredDistance`), ties by lower id — exactly the order of a sorted brute-force scan.
extension RTree {
    /// The `k` items nearest to a 2-D query, nearest first, with score −distance.
    ///
    /// Nodes compare by their squared box distance, which is never more than that of any item
    /// below them, so a node is pruned only when strictly farther than the k-th item: items tied
    /// with it may have lower ids. A filter with fewer ids than 1/16 of the items is answered by
    /// scoring exactly its items; the answer is always exact.
    /// - Throws: `invalidVector` for a query that is not 2 finite numbers, `invalidArgument` for k < 1.
    /// - Complexity: O((log n + k) · log n) on well-spread data.
    public func search(_ query: UnsafeBufferPointer<Float>, k: Int, options: SearchOptions = .default) throws -> SearchResult {
        try IndexInputs.validate(k: k)
        let point = try IndexInputs.prepareQuery(query, dimensions: 2, metric: .l2)
        return lock.withReadLock { nearest(x: point[0], y: point[1], k: k, options: options) }
    }

    /// Answers each query in turn (a tree search gains nothing from batching).
    /// - Complexity: O(q · (log n + k) · log n) on well-spread data.
    public func search(batch queries: UnsafeBufferPointer<Float>, k: Int, options: SearchOptions = .default) throws -> [SearchResult] {
        let queryCount = try IndexInputs.queryCount(batch: queries, dimensions: 2, k: k)
        var points: [[Float]] = []
        for q in 0..<queryCount {
            points.append(try IndexInputs.prepareQuery(UnsafeBufferPointer(rebasing: queries[2 * q..<2 * q + 2]), dimensions: 2, metric: .l2))
        }
        return lock.withReadLock { points.map { nearest(x: $0[0], y: $0[1], k: k, options: options) } }
    }

    /// The `k` items nearest to `(x, y)`, nearest first, with score −distance.
    /// - Throws: `invalidVector` for a NaN or infinite coordinate, `invalidArgument` for k < 1.
    /// - Complexity: O((log n + k) · log n) on well-spread data.
    public func nearest(x: Float, y: Float, k: Int, options: SearchOptions = .default) throws -> [Neighbor] {
        try search([x, y], k: k, options: options).neighbors
    }

    /// A filter with fewer ids than 1/`filterScanDivisor` of the items is answered by scoring
    /// exactly the filter's items; a larger one is checked item by item during the tree search.
    static let filterScanDivisor = 16

    /// Best-first search under the read lock.
    func nearest(x: Float, y: Float, k: Int, options: SearchOptions) -> SearchResult {
        var best = NearestItems(k: k)
        defer { best.deallocate() }
        var scored = 0
        let filter = options.filter
        if let filter, filter.count * Self.filterScanDivisor < liveCount {
            // A selective filter: score its own items, wherever they are.
            for id in filter.ids {
                guard let slot = slotOfID[id] else { continue }
                best.offer(items[Int(slot)].squaredDistance(toX: x, y: y), slot: UInt32(slot))
                scored += 1
            }
        } else {
            for slot in packedCount..<(packedCount + bufferCount) where filter?.contains(itemIDs.base[slot]) ?? true {
                best.offer(items[slot].squaredDistance(toX: x, y: y), slot: UInt32(slot))
                scored += 1
            }
            if nodes.count > 0 { scored += searchTree(x: x, y: y, filter: filter, into: &best) }
        }
        let pairs = best.sortedPairs(ids: itemIDs.base)
        return SearchResult(
            neighbors: IndexInputs.neighbors(pairs, metric: .l2, minimumScore: options.minimumScore),
            isExact: true, candidatesScored: scored)
    }

    /// Expands nodes nearest first into `best`; returns how many items were scored.
    private func searchTree(x: Float, y: Float, filter: IDFilter?, into best: inout NearestItems) -> Int {
        let nodes = self.nodes, ids = itemIDs.base
        let hasDeleted = deletedCount > 0
        var scored = 0
        // A min-queue of nodes: a max-heap of negated squared distances, grown when full.
        var queue = MaxHeap(capacity: 4 * nodeCapacity)
        defer { queue.deallocate() }
        queue.push(-nodes.boxes[0].squaredDistance(toX: x, y: y), 0)
        while !queue.isEmpty {
            let distance = -queue.topKey, node = Int(queue.topID)
            if best.isFull && distance > best.worstKey { break }
            queue.pop()
            let first = Int(nodes.firstChild.base[node]), end = first + Int(nodes.childCount.base[node])
            if nodes.isLeaf(node) {
                for slot in first..<end {
                    if hasDeleted && isDeleted(slot) { continue }
                    if let filter, !filter.contains(ids[slot]) { continue }
                    best.offer(items[slot].squaredDistance(toX: x, y: y), slot: UInt32(slot))
                    scored += 1
                }
                continue
            }
            if queue.count + (end - first) > queue.capacity {
                var larger = MaxHeap(capacity: 2 * queue.capacity + (end - first))
                larger.adopt(queue)
                queue.deallocate()
                queue = larger
            }
            for child in first..<end {
                let childDistance = nodes.boxes[child].squaredDistance(toX: x, y: y)
                if best.isFull && childDistance > best.worstKey { continue }
                queue.push(-childDistance, UInt32(child))
            }
        }
        return scored
    }
}

/// The k best `(squared distance, slot)` pairs seen so far, plus every item tied with the k-th:
/// the answer is the k lowest by (distance, id), and ids are only known at the end.
struct NearestItems {
    private var heap: MaxHeap
    /// Slots whose key equals `heap.topKey` but did not fit in the heap.
    private var ties: [UInt32] = []

    init(k: Int) { heap = MaxHeap(capacity: k) }

    func deallocate() { heap.deallocate() }

    var isFull: Bool { heap.isFull }
    /// The k-th best key (valid when full).
    var worstKey: Float { heap.topKey }

    @inline(__always) mutating func offer(_ key: Float, slot: UInt32) {
        if !heap.isFull {
            heap.push(key, slot)
            return
        }
        let worst = heap.topKey
        if key < worst {
            let evicted = heap.topID
            heap.replaceTop(key, slot)
            if heap.topKey == worst {
                ties.append(evicted)
            } else {
                ties.removeAll(keepingCapacity: true)
            }
        } else if key == worst {
            ties.append(slot)
        }
    }

    /// The best k as `(key, id)`, sorted by key then id.
    mutating func sortedPairs(ids: UnsafePointer<UInt32>) -> [(key: Float, id: UInt32)] {
        let k = heap.capacity
        let worst = heap.isEmpty ? 0 : heap.topKey
        var pairs = heap.drainAscending().map { (key: $0.key, id: ids[Int($0.id)]) }
        pairs.append(contentsOf: ties.map { (key: worst, id: ids[Int($0)]) })
        pairs.sort { $0.key != $1.key ? $0.key < $1.key : $0.id < $1.id }
        return Array(pairs.prefix(k))
    }
}
