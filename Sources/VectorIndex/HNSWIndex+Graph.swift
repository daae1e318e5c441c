import CVectorKernels
import VectorMath

/// The graph algorithms shared by insertion and search: best-first layer search, greedy descent
/// through the upper layers, and the neighbour-selection heuristic.
extension HNSWIndex {
    /// Which nodes may enter a layer search's results. Every node is still walked through.
    struct Admission {
        /// Only nodes whose id is in the filter.
        var filter: IDFilter?
        /// Leave out deleted nodes.
        var skipDeleted: Bool

        static let live = Admission(filter: nil, skipDeleted: true)

        @inline(__always) func admits(_ node: UInt32, _ storage: HNSWStorage) -> Bool {
            if skipDeleted && storage.isDeleted(node) { return false }
            if let filter, !filter.contains(storage.ids.base[Int(node)]) { return false }
            return true
        }
    }

    /// Best-first search of one layer from `entry` (Malkov & Yashunin, Algorithm 2).
    ///
    /// On return `scratch.results` holds up to `ef` admitted nodes with the lowest keys. With
    /// `lockNodes`, each neighbour list is copied under its node's spin lock (parallel build).
    /// - Returns: the number of vectors scored.
    func searchLayer(
        _ probe: Probe, entry: UInt32, entryKey: Float, level: Int, ef: Int,
        scratch: SearchScratch, admission: Admission, lockNodes: Bool
    ) -> Int {
        scratch.begin(nodeCount: self.storage.count, resultCapacity: ef)
        let storage = self.storage
        let visited = scratch.visited, epoch = scratch.epoch
        let neighborIDs = scratch.neighborIDs, scores = scratch.neighborScores
        let admitsAll = admission.filter == nil && !admission.skipDeleted
        var candidates = scratch.candidates
        var results = scratch.results
        defer {
            scratch.candidates = candidates
            scratch.results = results
        }

        visited[Int(entry)] = epoch
        candidates.pushGrowing(-entryKey, entry)
        if admitsAll || admission.admits(entry, storage) { results.push(entryKey, entry) }
        var bound: Float = results.isFull ? results.topKey : .infinity
        var scored = 0

        while !candidates.isEmpty {
            if -candidates.topKey > bound { break }
            let current = candidates.topID
            candidates.pop()

            let list = storage.links(current, level: level)
            if lockNodes { loupe_spin_lock(storage.locks.base + Int(current)) }
            let linkCount = Int(list[0])
            var fresh = 0
            var i = 1
            while i <= linkCount {
                let neighbor = list[i]
                if visited[Int(neighbor)] != epoch {
                    visited[Int(neighbor)] = epoch
                    neighborIDs[fresh] = neighbor
                    fresh += 1
                    // Start every fresh neighbour's first cache line now: their misses overlap.
                    loupe_prefetch(storedRow(neighbor))
                }
                i += 1
            }
            if lockNodes { loupe_spin_unlock(storage.locks.base + Int(current)) }
            if fresh == 0 { continue }

            scoreKeys(probe, ids: neighborIDs, count: fresh, into: scores)
            scored += fresh
            for j in 0..<fresh {
                let key = scores[j]
                if key < bound || !results.isFull {
                    let neighbor = neighborIDs[j]
                    candidates.pushGrowing(-key, neighbor)
                    if admitsAll || admission.admits(neighbor, storage) {
                        results.keepLowest(key, neighbor)
                        if results.isFull { bound = results.topKey }
                    }
                }
            }
        }
        return scored
    }

    /// Greedy descent (ef = 1) from `entry` on `fromLevel` down to, not including, `toLevel`.
    /// - Returns: the closest node found, its key, and the number of vectors scored.
    func greedyDescent(
        _ probe: Probe, entry: UInt32, entryKey: Float, fromLevel: Int, toLevel: Int,
        scratch: SearchScratch, lockNodes: Bool
    ) -> (node: UInt32, key: Float, scored: Int) {
        let storage = self.storage
        let neighborIDs = scratch.neighborIDs, scores = scratch.neighborScores
        var current = entry, currentKey = entryKey, scored = 0
        var level = fromLevel
        while level > toLevel {
            var changed = true
            while changed {
                changed = false
                let list = storage.links(current, level: level)
                if lockNodes { loupe_spin_lock(storage.locks.base + Int(current)) }
                let linkCount = Int(list[0])
                neighborIDs.update(from: list + 1, count: linkCount)
                if lockNodes { loupe_spin_unlock(storage.locks.base + Int(current)) }
                scoreKeys(probe, ids: neighborIDs, count: linkCount, into: scores)
                scored += linkCount
                for j in 0..<linkCount {
                    let key = scores[j]
                    if key < currentKey {
                        currentKey = key
                        current = neighborIDs[j]
                        changed = true
                    }
                }
            }
            level -= 1
        }
        return (current, currentKey, scored)
    }

    /// The closest node to `query` on `level`, found by greedy descent from `entry` on `top`.
    func descend(
        _ probe: Probe, from entry: UInt32, top: Int, to level: Int,
        scratch: SearchScratch, lockNodes: Bool
    ) -> (node: UInt32, key: Float) {
        let entryKey = key(probe, entry)
        guard top > level else { return (entry, entryKey) }
        let descent = greedyDescent(probe, entry: entry, entryKey: entryKey, fromLevel: top, toLevel: level,
                                    scratch: scratch, lockNodes: lockNodes)
        return (descent.node, descent.key)
    }

    /// The neighbour-selection heuristic (Malkov & Yashunin, Algorithm 4, as in hnswlib): walks
    /// the candidates closest first and keeps one only if it is closer to the base node than to
    /// every neighbour kept so far, which keeps links spread in all directions.
    ///
    /// - Parameters: `keys`/`ids` hold `count` candidates sorted by ascending key to the base.
    /// - Returns: the number of ids written to `selected` (at most `limit`).
    func selectNeighbors(
        keys: UnsafePointer<Float>, ids: UnsafePointer<UInt32>, count: Int, limit: Int,
        into selected: UnsafeMutablePointer<UInt32>, scratch: SearchScratch
    ) -> Int {
        if count <= limit {
            selected.update(from: ids, count: count)
            return count
        }
        var kept = 0
        for c in 0..<count where kept < limit {
            let candidate = probe(forNode: ids[c], buffer: scratch.candidateProbe)
            var isDiverse = true
            for s in 0..<kept where key(candidate, selected[s]) < keys[c] {
                isDiverse = false
                break
            }
            if isDiverse {
                selected[kept] = ids[c]
                kept += 1
            }
        }
        return kept
    }
}
