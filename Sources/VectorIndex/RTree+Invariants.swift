extension RTree {
    /// Everything that is wrong with the tree's structure, for tests; empty when it is sound.
    ///
    /// Checks that nodes' child and item ranges tile their level and the packed items, that every
    /// node's box is the union of its children's (or items') boxes, that no node holds more than
    /// `nodeCapacity` entries, and that `slotOfID` maps exactly the live items.
    /// - Complexity: O(n + nodes)
    public func invariantViolations() -> [String] {
        lock.withReadLock {
            var problems: [String] = []
            if nodes.count == 0 && packedCount > 0 { problems.append("\(packedCount) packed items but no nodes") }
            var expectedChild = 1, expectedItem = 0
            for node in 0..<nodes.count {
                let first = Int(nodes.firstChild.base[node]), children = Int(nodes.childCount.base[node])
                if children < 1 || children > nodeCapacity { problems.append("node \(node) has \(children) entries") }
                let union: Box2D
                if nodes.isLeaf(node) {
                    if first != expectedItem { problems.append("leaf \(node) starts at item \(first), expected \(expectedItem)") }
                    expectedItem = first + children
                    union = items.union(first..<first + children)
                } else {
                    if first != expectedChild { problems.append("node \(node) starts at child \(first), expected \(expectedChild)") }
                    expectedChild = first + children
                    union = nodes.boxes.union(first..<first + children)
                    if nodes.firstItem.base[node] != nodes.firstItem.base[first]
                        || nodes.itemEnd.base[node] != nodes.itemEnd.base[first + children - 1] {
                        problems.append("node \(node) has the wrong item run")
                    }
                }
                if union != nodes.boxes[node] { problems.append("node \(node)'s box \(nodes.boxes[node]) is not its entries' \(union)") }
            }
            if nodes.count > 0 && (expectedChild != nodes.count || expectedItem != packedCount) {
                problems.append("ranges cover \(expectedChild) nodes and \(expectedItem) items of \(nodes.count) and \(packedCount)")
            }
            if slotOfID.count != liveCount { problems.append("\(slotOfID.count) ids mapped for \(liveCount) live items") }
            slotOfID.forEach { id, slot in
                let slot = Int(slot)
                if slot >= packedCount + bufferCount || itemIDs.base[slot] != id || (slot < packedCount && isDeleted(slot)) {
                    problems.append("id \(id) maps to slot \(slot), which does not hold it")
                }
            }
            return problems
        }
    }
}
