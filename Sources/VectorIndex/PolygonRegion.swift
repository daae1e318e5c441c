/// Items that meet a lasso polygon, under `Polygon2D`'s rule.
///
/// For each open (`.partial`) node the region keeps the edges that matter inside its box, derived
/// from its parent's: the edges that **touch** the box, and the edges that pass **right** of it
/// within its band of y. Edges above, below or left of a box cannot change the answer for a point
/// in it, and an edge right of it crosses the ray of a point in it exactly when its half-open
/// y-range holds the point's y, with no orientation test. So
/// - a node that no edge touches lies wholly inside or wholly outside: the parity of its corner
///   over the right edges decides, and inside nodes hand over all their items;
/// - a point in a leaf is tested against the leaf's touching edges and the right edges' y-ranges.
/// Each node costs time in the edges near it, not in the whole outline, and every answer is the
/// one of the full test (`Polygon2D.contains`).
struct PolygonRegion: RegionTest {
    let bounds: Box2D
    let edges: UnsafeBufferPointer<PolygonEdge>
    /// Per level + 1 (slot 0: every edge touches the plane), edge indices: touching ones from the
    /// front, right ones from the back of a block of `edges.count`.
    private var lists: UnsafeMutablePointer<UInt32>?
    private var touchingCounts: UnsafeMutablePointer<Int>?
    private var rightCounts: UnsafeMutablePointer<Int>?

    /// A region over `edges`, which must stay valid until `deallocate()`.
    init(bounds: Box2D, edges: UnsafeBufferPointer<PolygonEdge>) {
        self.bounds = bounds
        self.edges = edges
    }

    mutating func prepare(height: Int) {
        let slots = height + 1, e = edges.count
        let lists = UnsafeMutablePointer<UInt32>.allocate(capacity: slots * e)
        for i in 0..<e { lists[i] = UInt32(i) }
        let touchingCounts = UnsafeMutablePointer<Int>.allocate(capacity: slots)
        let rightCounts = UnsafeMutablePointer<Int>.allocate(capacity: slots)
        touchingCounts[0] = e
        rightCounts[0] = 0
        self.lists = lists
        self.touchingCounts = touchingCounts
        self.rightCounts = rightCounts
    }

    func deallocate() {
        lists?.deallocate()
        touchingCounts?.deallocate()
        rightCounts?.deallocate()
    }

    @inline(__always) func matches(_ item: Box2D) -> Bool {
        Polygon2D.intersects(item, bounds: bounds, edges: edges)
    }

    /// Derives the node's edge lists (slot `level + 1`) from its parent's (slot `level`).
    mutating func relation(to node: Box2D, level: Int) -> RegionRelation {
        guard bounds.intersects(node), let lists, let touchingCounts, let rightCounts else { return .outside }
        let e = edges.count
        let parent = lists + level * e, own = lists + (level + 1) * e
        let minY = Double(node.minY), maxY = Double(node.maxY)
        var touching = 0, right = 0
        // The parent's right edges that reach this band stay right of this box.
        for j in 0..<rightCounts[level] {
            let index = parent[e - 1 - j], edge = edges[Int(index)]
            if max(edge.ay, edge.by) < minY || min(edge.ay, edge.by) > maxY { continue }
            right += 1
            own[e - right] = index
        }
        for j in 0..<touchingCounts[level] {
            let index = parent[j], edge = edges[Int(index)]
            if max(edge.ay, edge.by) < minY || min(edge.ay, edge.by) > maxY { continue }
            if edge.touches(node) {
                own[touching] = index
                touching += 1
            } else if edge.ay != edge.by && edge.liesRight(of: node) {
                right += 1
                own[e - right] = index
            }
        }
        touchingCounts[level + 1] = touching
        rightCounts[level + 1] = right
        guard touching == 0 else { return .partial }
        // No edge touches the box, so no edge passes through its corner.
        var inside = false
        let y = Double(node.minY)
        for j in 0..<right where edges[Int(own[e - 1 - j])].spans(y) { inside.toggle() }
        return inside ? .inside : .outside
    }

    @inline(__always) func matches(_ item: Box2D, inLeafAt level: Int) -> Bool {
        guard item.isPoint, let lists, let touchingCounts, let rightCounts else { return matches(item) }
        let e = edges.count, own = lists + (level + 1) * e
        let x = Double(item.minX), y = Double(item.minY)
        var inside = false
        for j in 0..<touchingCounts[level + 1] {
            switch edges[Int(own[j])].classify(x, y) {
            case .onEdge: return true
            case .crossing: inside.toggle()
            case .none: break
            }
        }
        for j in 0..<rightCounts[level + 1] where edges[Int(own[e - 1 - j])].spans(y) { inside.toggle() }
        return inside
    }
}
