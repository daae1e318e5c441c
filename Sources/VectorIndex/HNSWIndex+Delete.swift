import CVectorKernels
import Dispatch
import VectorMath

extension HNSWIndex {
    /// Deletes vectors for real: their nodes leave the graph at once and every node that linked
    /// to one is re-linked (see `repairLinks`). Once more than a quarter of the nodes are deleted
    /// the index compacts itself.
    /// - Complexity: O(n · M) to find the affected lists, plus the heuristic over each one's
    ///   2-hop neighbourhood; parallel over `buildThreads`.
    @discardableResult
    public func remove(_ ids: [UInt32]) -> Int {
        lock.withWriteLock {
            var removed = 0
            for id in ids {
                guard let node = nodeOfID.removeValue(forKey: id) else { continue }
                storage.deleted.base[Int(node)] = 1
                removed += 1
            }
            guard removed > 0 else { return 0 }
            deletedCount += removed
            if storage.isDeleted(entryPoint) { chooseEntryPoint() }
            if entryPoint != Self.noNode { repairLinks() }
            if Double(deletedCount) > Self.compactionThreshold * Double(storage.count) { compactUnderLock() }
            return removed
        }
    }

    /// Reclaims the space of deleted nodes: live nodes move down to dense positions, their links
    /// are renumbered, and memory beyond the live nodes goes back to the allocator. No distance
    /// is computed and the graph is not rebuilt.
    /// - Complexity: O(n · M).
    public func compact() {
        lock.withWriteLock { compactUnderLock() }
    }

    /// The live node on the highest layer becomes the entry point (none if all are deleted).
    private func chooseEntryPoint() {
        entryPoint = Self.noNode
        maxLevel = 0
        for node in 0..<UInt32(storage.count) where !storage.isDeleted(node) {
            if entryPoint == Self.noNode || storage.level(of: node) > maxLevel {
                entryPoint = node
                maxLevel = storage.level(of: node)
            }
        }
    }

    /// Re-links every live node that has a deleted neighbour: its new list is chosen by the
    /// heuristic from its live neighbours and the live neighbours of its deleted ones; if that
    /// leaves fewer than half a list, a layer search from the entry point adds candidates.
    private func repairLinks() {
        let count = storage.count
        let threads = min(parameters.buildThreads, max(1, count / 4096))
        let chunk = (count + threads - 1) / threads
        DispatchQueue.concurrentPerform(iterations: threads) { worker in
            scratchPool.withScratch(nodeCount: count, resultCapacity: parameters.efConstruction) { scratch in
                let end = min(count, (worker + 1) * chunk)
                var node = worker * chunk
                while node < end {
                    if !storage.isDeleted(UInt32(node)) { repair(UInt32(node), scratch: scratch) }
                    node += 1
                }
            }
        }
    }

    private func repair(_ node: UInt32, scratch: SearchScratch) {
        for level in 0...storage.level(of: node) {
            let list = storage.links(node, level: level)
            let linkCount = Int(list[0])
            var touched = false
            for i in 0..<linkCount where storage.isDeleted(list[1 + i]) {
                touched = true
                break
            }
            guard touched else { continue }

            // Gather live 1- and 2-hop candidates, each once. Deleted nodes' lists are not
            // written during a repair, and only this worker writes this node's list.
            scratch.begin(nodeCount: storage.count, resultCapacity: parameters.efConstruction)
            let visited = scratch.visited, epoch = scratch.epoch
            visited[Int(node)] = epoch
            var candidates: [UInt32] = []
            for i in 0..<linkCount {
                let neighbor = list[1 + i]
                if storage.isDeleted(neighbor) {
                    let hop = storage.links(neighbor, level: level)
                    for j in 0..<Int(hop[0]) {
                        let second = hop[1 + j]
                        if visited[Int(second)] != epoch && !storage.isDeleted(second) {
                            visited[Int(second)] = epoch
                            candidates.append(second)
                        }
                    }
                } else if visited[Int(neighbor)] != epoch {
                    visited[Int(neighbor)] = epoch
                    candidates.append(neighbor)
                }
            }
            let limit = storage.maxNeighbors(level: level)
            if candidates.count < limit / 2 {
                candidates += searchCandidates(for: node, level: level, scratch: scratch)
                candidates = Array(Set(candidates)).filter { $0 != node }
            }
            let chosen = candidates.withUnsafeBufferPointer { buffer in
                reselectNeighbors(of: node, candidates: buffer.baseAddress!, count: buffer.count,
                                  plus: nil, limit: limit, scratch: scratch)
            }
            loupe_spin_lock(storage.locks.base + Int(node))
            (list + 1).update(from: scratch.selected, count: chosen)
            list[0] = UInt32(chosen)
            loupe_spin_unlock(storage.locks.base + Int(node))
        }
    }

    /// Live nodes near `node` on `level`, found by a locked layer search from the entry point.
    private func searchCandidates(for node: UInt32, level: Int, scratch: SearchScratch) -> [UInt32] {
        let query = probe(forNode: node, buffer: scratch.queryProbe)
        let (entry, entryKey) = descend(query, from: entryPoint, top: maxLevel, to: level, scratch: scratch, lockNodes: true)
        _ = searchLayer(query, entry: entry, entryKey: entryKey, level: level, ef: parameters.efConstruction,
                        scratch: scratch, admission: .live, lockNodes: true)
        let found = scratch.drainResultsAscending()
        return (0..<found).map { scratch.pairIDs[$0] }.filter { $0 != node }
    }

    func compactUnderLock() {
        guard deletedCount > 0 else { return }
        let oldCount = storage.count
        var newPosition = [UInt32](repeating: Self.noNode, count: oldCount)
        var next: UInt32 = 0
        for node in 0..<oldCount where !storage.isDeleted(UInt32(node)) {
            newPosition[node] = next
            next += 1
        }
        for node in 0..<oldCount {
            if storage.isDeleted(UInt32(node)) {
                storage.upperLinks.base[node]?.deallocate()
                storage.upperLinks.base[node] = nil
                continue
            }
            let target = Int(newPosition[node])
            if target != node { storage.moveNode(node, to: target) }
            for level in 0...storage.level(of: UInt32(target)) {
                let list = storage.links(UInt32(target), level: level)
                var kept = 0
                for i in 0..<Int(list[0]) {
                    let renumbered = newPosition[Int(list[1 + i])]
                    if renumbered != Self.noNode {
                        list[1 + kept] = renumbered
                        kept += 1
                    }
                }
                list[0] = UInt32(kept)
            }
        }
        storage.setCount(Int(next))
        storage.shrinkToFit()
        deletedCount = 0
        entryPoint = entryPoint == Self.noNode ? Self.noNode : newPosition[Int(entryPoint)]
        nodeOfID.removeAll(keepingCapacity: true)
        for node in 0..<storage.count { nodeOfID[storage.ids.base[node]] = UInt32(node) }
        scratchPool.removeAll()
    }
}
