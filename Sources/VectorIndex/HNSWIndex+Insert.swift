import CVectorKernels
import VectorMath

extension HNSWIndex {
    /// Links an appended node into the graph (Malkov & Yashunin, Algorithm 1). Safe to run on
    /// several threads at once: a node's lists are only read or written under its spin lock, and
    /// no thread ever holds two node locks.
    func insert(_ node: UInt32, scratch: SearchScratch) {
        let query = probe(forNode: node, buffer: scratch.queryProbe)
        let level = storage.level(of: node)

        loupe_spin_lock(entryLock)
        let entry = entryPoint, top = maxLevel
        // A node that raises the top layer keeps the entry lock for its whole insertion, so no
        // other thread starts from a top layer that is still being linked (as in hnswlib).
        let raisesTop = level > top
        if !raisesTop { loupe_spin_unlock(entryLock) }
        defer {
            if raisesTop {
                entryPoint = node
                maxLevel = level
                loupe_spin_unlock(entryLock)
            }
        }

        var (current, currentKey) = descend(query, from: entry, top: top, to: level, scratch: scratch, lockNodes: true)
        var layer = min(level, top)
        while layer >= 0 {
            _ = searchLayer(query, entry: current, entryKey: currentKey, level: layer,
                            ef: parameters.efConstruction, scratch: scratch, admission: .live, lockNodes: true)
            let found = scratch.drainResultsAscending()
            guard found > 0 else {
                layer -= 1
                continue
            }
            let chosen = selectNeighbors(keys: scratch.pairKeys, ids: scratch.pairIDs, count: found,
                                         limit: parameters.m, into: scratch.selected, scratch: scratch)
            let ownList = storage.links(node, level: layer)
            loupe_spin_lock(storage.locks.base + Int(node))
            ownList.advanced(by: 1).update(from: scratch.selected, count: chosen)
            ownList[0] = UInt32(chosen)
            loupe_spin_unlock(storage.locks.base + Int(node))

            // The next layer starts from the closest node found here.
            current = scratch.pairIDs[0]
            currentKey = scratch.pairKeys[0]
            // Linking back reuses the scratch buffers, so keep this layer's choice aside.
            withUnsafeTemporaryAllocation(of: UInt32.self, capacity: chosen) { chosenIDs in
                chosenIDs.baseAddress!.update(from: scratch.selected, count: chosen)
                for neighbor in chosenIDs { linkBack(neighbor, to: node, level: layer, scratch: scratch) }
            }
            layer -= 1
        }
    }

    /// Adds `node` to `neighbor`'s list on `level`; a full list is re-chosen by the heuristic
    /// from its old members plus `node`.
    private func linkBack(_ neighbor: UInt32, to node: UInt32, level: Int, scratch: SearchScratch) {
        let list = storage.links(neighbor, level: level)
        let capacity = storage.maxNeighbors(level: level)
        loupe_spin_lock(storage.locks.base + Int(neighbor))
        defer { loupe_spin_unlock(storage.locks.base + Int(neighbor)) }
        let linkCount = Int(list[0])
        for i in 0..<linkCount where list[1 + i] == node { return }
        if linkCount < capacity {
            list[1 + linkCount] = node
            list[0] = UInt32(linkCount + 1)
            return
        }
        let chosen = reselectNeighbors(of: neighbor, candidates: list + 1, count: linkCount,
                                       plus: node, limit: capacity, scratch: scratch)
        (list + 1).update(from: scratch.selected, count: chosen)
        list[0] = UInt32(chosen)
    }

    /// Runs the heuristic for `base` over `count` candidate ids (plus `extra` if given), writing
    /// the choice to `scratch.selected`.
    /// - Returns: the number of neighbours chosen.
    func reselectNeighbors(
        of base: UInt32, candidates: UnsafePointer<UInt32>, count: Int, plus extra: UInt32?,
        limit: Int, scratch: SearchScratch
    ) -> Int {
        let total = count + (extra == nil ? 0 : 1)
        scratch.ensurePairCapacity(total)
        let ids = scratch.pairIDs, keys = scratch.pairKeys
        ids.update(from: candidates, count: count)
        if let extra { ids[count] = extra }
        scoreKeys(probe(forNode: base, buffer: scratch.baseProbe), ids: ids, count: total, into: keys)
        sortPairs(keys: keys, ids: ids, count: total)
        return selectNeighbors(keys: keys, ids: ids, count: total, limit: limit, into: scratch.selected, scratch: scratch)
    }

    /// Insertion sort of a few dozen (key, id) pairs by ascending key.
    private func sortPairs(keys: UnsafeMutablePointer<Float>, ids: UnsafeMutablePointer<UInt32>, count: Int) {
        guard count > 1 else { return }
        for i in 1..<count {
            let key = keys[i], id = ids[i]
            var j = i - 1
            while j >= 0 && keys[j] > key {
                keys[j + 1] = keys[j]
                ids[j + 1] = ids[j]
                j -= 1
            }
            keys[j + 1] = key
            ids[j + 1] = id
        }
    }
}
