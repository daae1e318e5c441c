/// The nodes of a packed R-tree as flat arrays, with no per-node objects.
///
/// Nodes are laid out level by level from the root (node 0) down to the leaves (nodes
/// `leafStart..<count`), and within a level in depth-first order, so that
/// - the children of an inner node are the consecutive nodes `firstChild ..< firstChild + childCount`;
/// - the items under any node, leaf or inner, are the consecutive item slots
///   `firstItem ..< itemEnd`: a query that finds a node wholly inside its region takes them in
///   one run, without visiting the subtree.
struct RTreeNodes {
    var boxes: BoxColumns
    var firstChild: RowBuffer<UInt32>
    var childCount: RowBuffer<UInt32>
    var firstItem: RowBuffer<UInt32>
    var itemEnd: RowBuffer<UInt32>
    /// How many nodes there are (0 for an empty tree).
    private(set) var count: Int
    /// The first leaf.
    var leafStart: Int
    /// Levels from the root to the leaves (0 for an empty tree).
    var height: Int

    init(count: Int) {
        self.count = count
        boxes = BoxColumns(capacity: count)
        firstChild = RowBuffer(width: 1, capacity: count)
        childCount = RowBuffer(width: 1, capacity: count)
        firstItem = RowBuffer(width: 1, capacity: count)
        itemEnd = RowBuffer(width: 1, capacity: count)
        leafStart = 0
        height = 0
    }

    @inline(__always) func isLeaf(_ node: Int) -> Bool { node >= leafStart }

    func deallocate() {
        boxes.deallocate()
        firstChild.deallocate()
        childCount.deallocate()
        firstItem.deallocate()
        itemEnd.deallocate()
    }
}
