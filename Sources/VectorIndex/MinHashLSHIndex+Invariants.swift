extension MinHashLSHIndex {
    /// Checks the bucket structure and returns every violation found (empty when sound). Meant
    /// for tests and diagnostics; takes the read lock.
    ///
    /// - the id map and the slots agree, and kept sets match the slots;
    /// - in every band, each slot sits exactly once in the bucket of its own band key, and the
    ///   buckets hold nothing else;
    /// - every signature value is at most 2^61 − 1.
    /// - Complexity: O(n · (bands + k)).
    public func invariantViolations() -> [String] {
        lock.withReadLock {
            var problems: [String] = []
            let n = slotIDs.count, bands = banding.bands, k = hasher.numPermutations
            if slotOfID.count != n { problems.append("\(slotOfID.count) ids map to \(n) slots") }
            for (slot, id) in slotIDs.enumerated() where slotOfID[id] != slot {
                problems.append("slot \(slot) is not mapped from its id \(id)")
            }
            if keepsSets && sets.count != n { problems.append("\(sets.count) kept sets for \(n) slots") }
            var seen = [Bool](repeating: false, count: n * bands)
            var entries = 0
            withBandKeyBuffers { keys, _, _ in
                buckets.forEach { entry in
                    entries += 1
                    let band = Int(entry.band)
                    guard band < bands else {
                        problems.append("a bucket names band \(band) of \(bands)")
                        return
                    }
                    var slot = entry.head, steps = 0
                    while slot != Self.noSlot && steps <= n {
                        let s = Int(slot)
                        guard s < n else {
                            problems.append("band \(band) links to slot \(s) past the end")
                            break
                        }
                        if seen[s * bands + band] { problems.append("slot \(s) is twice in band \(band)") }
                        seen[s * bands + band] = true
                        bandKeys(of: signatures.row(s), into: keys, prefetchIn: nil)
                        if keys[band] != entry.key { problems.append("slot \(s) is in a foreign bucket of band \(band)") }
                        slot = links.row(s)[band]
                        steps += 1
                    }
                    if steps > n { problems.append("band \(band) has a cycle") }
                }
            }
            if entries != buckets.count { problems.append("the bucket table counts \(buckets.count) entries, holds \(entries)") }
            if let missing = seen.firstIndex(of: false) {
                problems.append("slot \(missing / bands) is in no bucket of band \(missing % bands)")
            }
            for slot in 0..<n where UnsafeBufferPointer(start: signatures.row(slot), count: k).contains(where: { $0 > MinHasher.prime }) {
                problems.append("slot \(slot) has a signature value above 2^61 − 1")
            }
            return problems
        }
    }
}
