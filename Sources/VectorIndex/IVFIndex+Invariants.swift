import VectorMath

extension IVFIndex {
    /// Checks the index's invariants and returns every violation found (empty when sound). Meant
    /// for tests and diagnostics; takes the read lock.
    ///
    /// - the id map, the slots and the lists agree: every slot sits at its recorded position of
    ///   its recorded list, and every list entry points back to its slot;
    /// - before training every vector is in the unassigned list, after it none is, and each one is
    ///   in the list of its nearest centroid;
    /// - codes, when kept, are as many as their list's entries.
    /// - Complexity: O(n · nlist · d).
    public func invariantViolations() -> [String] {
        lock.withReadLock {
            var problems: [String] = []
            let n = slotIDs.count
            if slotOfID.count != n { problems.append("\(slotOfID.count) ids map to \(n) slots") }
            if slotList.count != n || slotPosition.count != n { problems.append("slot tables disagree in length") }
            if lists.reduce(0, { $0 + $1.count }) != n { problems.append("the lists hold \(lists.reduce(0) { $0 + $1.count }) entries for \(n) vectors") }
            for (slot, id) in slotIDs.enumerated() where slotOfID[id] != slot { problems.append("slot \(slot) is not mapped from id \(id)") }
            for (index, list) in lists.enumerated() {
                if let coded = list.coded, coded.count != list.count { problems.append("list \(index) has \(coded.count) codes for \(list.count) entries") }
                for (position, slot) in list.slots.enumerated() {
                    guard Int(slot) < n, Int(slotList[Int(slot)]) == index, Int(slotPosition[Int(slot)]) == position else {
                        problems.append("list \(index) position \(position) holds slot \(slot), which does not point back")
                        continue
                    }
                }
            }
            guard let centroids else {
                if lists.count != 1 { problems.append("an untrained index has \(lists.count) lists") }
                return problems
            }
            if lists.count != parameters.nlist + 1 { problems.append("\(lists.count) lists for nlist \(parameters.nlist)") }
            if lists.last?.count != 0 { problems.append("a trained index still has unassigned vectors") }
            var nearest = [UInt32](repeating: 0, count: 1)
            var keys = [Float](repeating: 0, count: 1)
            var misplaced = 0
            centroids.centroids.withUnsafeBufferPointer { c in
                for slot in 0..<n {
                    centroids.assign(floatRow(slot), count: 1, into: &nearest, keys: &keys)
                    guard nearest[0] != slotList[slot] else { continue }
                    // A tie between two centroids may go either way; only a clearly nearer one counts.
                    let here = kernels.kernelValue(coarseMetric, floatRow(slot), c.baseAddress! + Int(slotList[slot]) * dimensions, count: dimensions)
                    let there = kernels.kernelValue(coarseMetric, floatRow(slot), c.baseAddress! + Int(nearest[0]) * dimensions, count: dimensions)
                    let gap = coarseMetric == .l2 ? here - there : there - here
                    if gap > 1e-4 { misplaced += 1 }
                }
            }
            if misplaced > 0 { problems.append("\(misplaced) vectors are not in the list of their nearest centroid") }
            return problems
        }
    }
}
