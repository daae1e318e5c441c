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
            if nextInBucket.count != n * bands { problems.append("\(nextInBucket.count) bucket links for \(n) slots × \(bands) bands") }
            guard nextInBucket.count == n * bands else { return problems }
            for band in 0..<bands {
                var seen = [Bool](repeating: false, count: n)
                for (key, head) in buckets[band] {
                    var slot = head, steps = 0
                    while slot != Self.noSlot && steps <= n {
                        let s = Int(slot)
                        guard s < n else {
                            problems.append("band \(band) links to slot \(s) past the end")
                            break
                        }
                        if seen[s] { problems.append("slot \(s) is twice in band \(band)") }
                        seen[s] = true
                        if bandKey(signatures.row(s), band: band) != key { problems.append("slot \(s) is in a foreign bucket of band \(band)") }
                        slot = nextInBucket[s * bands + band]
                        steps += 1
                    }
                    if steps > n { problems.append("band \(band) has a cycle") }
                }
                if let missing = seen.firstIndex(of: false) { problems.append("slot \(missing) is in no bucket of band \(band)") }
            }
            for slot in 0..<n where UnsafeBufferPointer(start: signatures.row(slot), count: k).contains(where: { $0 > MinHasher.prime }) {
                problems.append("slot \(slot) has a signature value above 2^61 − 1")
            }
            return problems
        }
    }
}
