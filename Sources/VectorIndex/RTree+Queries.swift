/// How a node's box relates to a query's region.
enum RegionRelation {
    /// Nothing in the box can match.
    case outside
    /// Everything in the box matches.
    case inside
    /// Some of it may match: look closer.
    case partial
}

/// A query region: how it relates to a node's box (conservatively) and whether an item matches.
/// `relation` may answer `.partial` when unsure, but `.outside` and `.inside` must be true for
/// every item box inside the node box, so pruning never changes an answer.
protocol RegionTest {
    func relation(to node: Box2D) -> RegionRelation
    func matches(_ item: Box2D) -> Bool
}

/// Which items a rectangle query returns.
public enum BoxPredicate: Sendable {
    /// Items whose box meets the query box (edges and corners count).
    case intersects
    /// Items whose box lies inside the query box (edges may touch).
    case contains
}

extension RTree {
    // MARK: Rectangle

    /// The ids of the items that meet (or lie inside) `box`, in no particular order.
    /// - Parameters:
    ///   - box: the query box; bounds are included and may be infinite.
    ///   - predicate: `.intersects` (default) or `.contains`. For points both are the same.
    /// - Throws: `invalidArgument` for a NaN bound or a minimum above its maximum.
    /// - Complexity: O(log n + m) for m results on well-spread data.
    public func search(in box: Box2D, predicate: BoxPredicate = .intersects) throws -> [UInt32] {
        var result: [UInt32] = []
        try search(in: box, predicate: predicate, into: &result)
        return result
    }

    /// Appends to `result` the ids of the items that meet (or lie inside) `box`.
    /// - Complexity: O(log n + m) for m results on well-spread data.
    public func search(in box: Box2D, predicate: BoxPredicate = .intersects, into result: inout [UInt32]) throws {
        if let problem = box.problem(allowInfinite: true) {
            throw VectorIndexError(.invalidArgument, "query box: \(problem)")
        }
        switch predicate {
        case .intersects: collect(BoxIntersection(query: box), into: &result)
        case .contains: collect(BoxContainment(query: box), into: &result)
        }
    }

    // MARK: Radius

    /// The ids of the items within `radius` of `(x, y)`, in no particular order: points at a
    /// distance ≤ radius, boxes whose nearest point is. Decided in `Double`.
    /// - Throws: `invalidArgument` for a negative, NaN or infinite radius or centre.
    /// - Complexity: O(log n + m) for m results on well-spread data.
    public func search(within radius: Float, ofX x: Float, y: Float) throws -> [UInt32] {
        var result: [UInt32] = []
        try search(within: radius, ofX: x, y: y, into: &result)
        return result
    }

    /// Appends to `result` the ids of the items within `radius` of `(x, y)`.
    public func search(within radius: Float, ofX x: Float, y: Float, into result: inout [UInt32]) throws {
        guard radius.isFinite, radius >= 0 else {
            throw VectorIndexError(.invalidArgument, "the radius must be finite and at least 0 (got \(radius))")
        }
        guard x.isFinite, y.isFinite else {
            throw VectorIndexError(.invalidArgument, "the centre (\(x), \(y)) has a NaN or infinite coordinate")
        }
        collect(Disk(x: Double(x), y: Double(y), radius: Double(radius)), into: &result)
    }

    // MARK: Polygon lasso

    /// The ids of the items inside `polygon` (even-odd rule, outline included; a box is returned
    /// when it meets the polygon), in no particular order.
    /// - Complexity: O((log n + m + b) · e) for m results, b items near the outline and e edges.
    public func search(in polygon: Polygon2D) -> [UInt32] {
        var result: [UInt32] = []
        search(in: polygon, into: &result)
        return result
    }

    /// Appends to `result` the ids of the items inside `polygon`.
    public func search(in polygon: Polygon2D, into result: inout [UInt32]) {
        collect(PolygonRegion(polygon: polygon), into: &result)
    }

    // MARK: The traversal

    /// Appends the ids of every live item that `region` matches: the buffer by a scan, the tree
    /// depth-first, taking whole runs of items from nodes wholly inside the region.
    func collect<Region: RegionTest>(_ region: Region, into result: inout [UInt32]) {
        lock.withReadLock {
            let ids = itemIDs.base
            for slot in packedCount..<(packedCount + bufferCount) where region.matches(items[slot]) {
                result.append(ids[slot])
            }
            guard nodes.count > 0 else { return }
            let hasDeleted = deletedCount > 0
            let nodes = self.nodes
            withUnsafeTemporaryAllocation(of: UInt32.self, capacity: nodes.height * nodeCapacity + 1) { stack in
                let stack = stack.baseAddress!
                stack[0] = 0
                var depth = 1
                while depth > 0 {
                    depth -= 1
                    let node = Int(stack[depth])
                    switch region.relation(to: nodes.boxes[node]) {
                    case .outside:
                        continue
                    case .inside:
                        let first = Int(nodes.firstItem.base[node]), end = Int(nodes.itemEnd.base[node])
                        if hasDeleted {
                            for slot in first..<end where !isDeleted(slot) { result.append(ids[slot]) }
                        } else {
                            result.append(contentsOf: UnsafeBufferPointer(start: ids + first, count: end - first))
                        }
                    case .partial:
                        let first = Int(nodes.firstChild.base[node]), end = first + Int(nodes.childCount.base[node])
                        if nodes.isLeaf(node) {
                            for slot in first..<end where region.matches(items[slot]) && !(hasDeleted && isDeleted(slot)) {
                                result.append(ids[slot])
                            }
                        } else {
                            for child in first..<end {
                                stack[depth] = UInt32(child)
                                depth += 1
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Items that meet a query box.
struct BoxIntersection: RegionTest {
    let query: Box2D
    @inline(__always) func relation(to node: Box2D) -> RegionRelation {
        if !query.intersects(node) { return .outside }
        return query.contains(node) ? .inside : .partial
    }
    @inline(__always) func matches(_ item: Box2D) -> Bool { query.intersects(item) }
}

/// Items inside a query box.
struct BoxContainment: RegionTest {
    let query: Box2D
    @inline(__always) func relation(to node: Box2D) -> RegionRelation {
        if !query.intersects(node) { return .outside }
        return query.contains(node) ? .inside : .partial
    }
    @inline(__always) func matches(_ item: Box2D) -> Bool { query.contains(item) }
}

/// Items whose nearest point lies within a radius of a centre.
struct Disk: RegionTest {
    let x: Double, y: Double, radius: Double
    @inline(__always) func relation(to node: Box2D) -> RegionRelation {
        if !node.isWithin(radius, ofX: x, y: y) { return .outside }
        // The farthest point of the node box within the radius: all of it is.
        let dx = max(x - Double(node.minX), Double(node.maxX) - x)
        let dy = max(y - Double(node.minY), Double(node.maxY) - y)
        return dx * dx + dy * dy <= radius * radius ? .inside : .partial
    }
    @inline(__always) func matches(_ item: Box2D) -> Bool { item.isWithin(radius, ofX: x, y: y) }
}

/// Items that meet a polygon. A node box that no edge touches lies wholly inside or wholly
/// outside, which one corner decides.
struct PolygonRegion: RegionTest {
    let polygon: Polygon2D
    @inline(__always) func relation(to node: Box2D) -> RegionRelation {
        guard polygon.bounds.intersects(node) else { return .outside }
        for i in 0..<polygon.edgeCount where polygon.edge(i, touches: node) { return .partial }
        return polygon.contains(x: node.minX, y: node.minY) ? .inside : .outside
    }
    @inline(__always) func matches(_ item: Box2D) -> Bool { polygon.intersects(item) }
}
