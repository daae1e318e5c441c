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
        var region = BoxRegion(query: box, predicate: predicate)
        collect(&region, into: &result)
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
    /// - Complexity: O(log n + m) for m results on well-spread data.
    public func search(within radius: Float, ofX x: Float, y: Float, into result: inout [UInt32]) throws {
        guard radius.isFinite, radius >= 0 else {
            throw VectorIndexError(.invalidArgument, "the radius must be finite and at least 0 (got \(radius))")
        }
        guard x.isFinite, y.isFinite else {
            throw VectorIndexError(.invalidArgument, "the centre (\(x), \(y)) has a NaN or infinite coordinate")
        }
        var region = Disk(x: Double(x), y: Double(y), radius: Double(radius))
        collect(&region, into: &result)
    }

    // MARK: Polygon lasso

    /// The ids of the items inside `polygon` (even-odd rule, outline included; a box is returned
    /// when it meets the polygon), in no particular order.
    /// - Complexity: O(log n + m) node and item tests for m results on well-spread data, each
    ///   over the edges that cross the node (all e edges at the root).
    public func search(in polygon: Polygon2D) -> [UInt32] {
        var result: [UInt32] = []
        search(in: polygon, into: &result)
        return result
    }

    /// Appends to `result` the ids of the items inside `polygon`.
    /// - Complexity: as `search(in:)` with a polygon.
    public func search(in polygon: Polygon2D, into result: inout [UInt32]) {
        polygon.edges.withUnsafeBufferPointer { edges in
            var region = PolygonRegion(bounds: polygon.bounds, edges: edges)
            defer { region.deallocate() }
            collect(&region, into: &result)
        }
    }

    // MARK: The traversal

    /// Appends the ids of every live item that `region` matches: the buffer by a scan, the tree
    /// depth-first, taking whole runs of items from nodes wholly inside the region.
    func collect<Region: RegionTest>(_ region: inout Region, into result: inout [UInt32]) {
        lock.withReadLock {
            let ids = itemIDs.base
            for slot in packedCount..<(packedCount + bufferCount) where region.matches(items[slot]) {
                result.append(ids[slot])
            }
            guard nodes.count > 0 else { return }
            region.prepare(height: nodes.height)
            let hasDeleted = deletedCount > 0
            let nodes = self.nodes
            // Entries are (level << 32 | node).
            withUnsafeTemporaryAllocation(of: UInt64.self, capacity: nodes.height * nodeCapacity + 1) { stack in
                let stack = stack.baseAddress!
                stack[0] = 0
                var depth = 1
                while depth > 0 {
                    depth -= 1
                    let node = Int(truncatingIfNeeded: stack[depth] & 0xFFFF_FFFF), level = Int(stack[depth] >> 32)
                    switch region.relation(to: nodes.boxes[node], level: level) {
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
                            for slot in first..<end where region.matches(items[slot], inLeafAt: level) && !(hasDeleted && isDeleted(slot)) {
                                result.append(ids[slot])
                            }
                        } else {
                            for child in first..<end {
                                stack[depth] = UInt64(level + 1) << 32 | UInt64(child)
                                depth += 1
                            }
                        }
                    }
                }
            }
        }
    }
}

