extension HNSWIndex {
    /// Checks the graph's structural invariants and returns every violation found (empty when
    /// the graph is sound). Meant for tests and for `loupe` diagnostics; takes the read lock.
    ///
    /// - every neighbour list is within its layer's capacity, has no duplicates, no self-link,
    ///   and links only to live nodes on that layer or above;
    /// - the id map and the nodes agree, and deleted nodes are not in it;
    /// - the entry point is live and on the top layer.
    /// - Complexity: O(n · M log M).
    public func invariantViolations() -> [String] {
        lock.withReadLock {
            var problems: [String] = []
            let count = storage.count
            var live = 0
            var topLevel = -1
            for node in 0..<UInt32(count) {
                if storage.isDeleted(node) {
                    if nodeOfID[storage.ids.base[Int(node)]] == node { problems.append("deleted node \(node) is still mapped") }
                    continue
                }
                live += 1
                topLevel = max(topLevel, storage.level(of: node))
                if nodeOfID[storage.ids.base[Int(node)]] != node { problems.append("node \(node) is not mapped from its id") }
                for level in 0...storage.level(of: node) {
                    let list = storage.links(node, level: level)
                    let linkCount = Int(list[0])
                    if linkCount > storage.maxNeighbors(level: level) {
                        problems.append("node \(node) has \(linkCount) links on level \(level)")
                        continue
                    }
                    var seen = Set<UInt32>()
                    for i in 0..<linkCount {
                        let neighbor = list[1 + i]
                        if neighbor == node { problems.append("node \(node) links to itself on level \(level)") }
                        if Int(neighbor) >= count {
                            problems.append("node \(node) links to missing node \(neighbor)")
                            continue
                        }
                        if storage.isDeleted(neighbor) { problems.append("node \(node) links to deleted node \(neighbor) on level \(level)") }
                        if storage.level(of: neighbor) < level { problems.append("node \(node) links to \(neighbor), which is not on level \(level)") }
                        if !seen.insert(neighbor).inserted { problems.append("node \(node) links to \(neighbor) twice on level \(level)") }
                    }
                }
            }
            if live != count - deletedCount { problems.append("deleted count \(deletedCount) disagrees with the flags") }
            if nodeOfID.count != live { problems.append("id map has \(nodeOfID.count) entries for \(live) live nodes") }
            if live > 0 {
                if entryPoint == Self.noNode || storage.isDeleted(entryPoint) {
                    problems.append("entry point \(entryPoint) is not a live node")
                } else if storage.level(of: entryPoint) != topLevel || maxLevel != topLevel {
                    problems.append("entry point is on level \(storage.level(of: entryPoint)), top level is \(topLevel)")
                }
            }
            return problems
        }
    }
}
