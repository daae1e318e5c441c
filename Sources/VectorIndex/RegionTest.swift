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
///
/// The traversal asks about a node at `level` (the root is 0) only after its parent answered
/// `.partial`, and tests the items of a leaf right after the leaf answered `.partial`, so a region
/// may keep state per level (the polygon keeps the edges that matter inside each open node).
protocol RegionTest {
    /// Called once, under the tree's lock, before the first node: the tree has `height` levels.
    mutating func prepare(height: Int)
    mutating func relation(to node: Box2D, level: Int) -> RegionRelation
    /// Whether an item matches, with no tree around it (an item of the overflow buffer).
    func matches(_ item: Box2D) -> Bool
    /// Whether an item of the leaf at `level` matches: always the answer of `matches`.
    func matches(_ item: Box2D, inLeafAt level: Int) -> Bool
}

extension RegionTest {
    @inline(__always) mutating func prepare(height: Int) {}
    @inline(__always) func matches(_ item: Box2D, inLeafAt level: Int) -> Bool { matches(item) }
}

/// Items that meet a query box, or lie inside it.
struct BoxRegion: RegionTest {
    let query: Box2D
    let predicate: BoxPredicate
    @inline(__always) func relation(to node: Box2D, level: Int) -> RegionRelation {
        if !query.intersects(node) { return .outside }
        return query.contains(node) ? .inside : .partial
    }
    @inline(__always) func matches(_ item: Box2D) -> Bool {
        predicate == .intersects ? query.intersects(item) : query.contains(item)
    }
}

/// Items whose nearest point lies within a radius of a centre.
struct Disk: RegionTest {
    let x: Double, y: Double, radius: Double
    @inline(__always) func relation(to node: Box2D, level: Int) -> RegionRelation {
        if !node.isWithin(radius, ofX: x, y: y) { return .outside }
        // The farthest point of the node box within the radius: all of it is.
        let dx = max(x - Double(node.minX), Double(node.maxX) - x)
        let dy = max(y - Double(node.minY), Double(node.maxY) - y)
        return dx * dx + dy * dy <= radius * radius ? .inside : .partial
    }
    @inline(__always) func matches(_ item: Box2D) -> Bool { item.isWithin(radius, ofX: x, y: y) }
}
