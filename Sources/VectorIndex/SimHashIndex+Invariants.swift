import VectorMath

extension SimHashIndex {
    /// Checks the index's invariants and returns every violation found (empty when sound). Meant
    /// for tests and diagnostics; takes the read lock.
    ///
    /// - the id map and the slots agree;
    /// - every stored code equals the code recomputed from its vector, and unused lanes are zero;
    /// - in bucket mode, every slot sits exactly once in the bucket of its key in every table,
    ///   and no bucket holds anything else.
    /// - Complexity: O(n · (bits · d + tables)).
    public func invariantViolations() -> [String] {
        lock.withReadLock {
            var problems: [String] = []
            let n = slotIDs.count, words = parameters.words
            if slotOfID.count != n { problems.append("\(slotOfID.count) ids map to \(n) slots") }
            for (slot, id) in slotIDs.enumerated() where slotOfID[id] != slot {
                problems.append("slot \(slot) is not mapped from its id \(id)")
            }
            // Recompute every code into a scratch buffer and compare.
            let blocks = BinaryCodeLayout.blocks(for: n)
            let expected = UnsafeMutablePointer<UInt64>.allocate(capacity: max(blocks * codes.width, 1))
            defer { expected.deallocate() }
            expected.initialize(repeating: 0, count: max(blocks * codes.width, 1))
            var projection = [Float](repeating: 0, count: parameters.totalBits)
            for slot in 0..<n {
                hyperplanes.withUnsafeBufferPointer { planes in
                    for bit in 0..<parameters.totalBits {
                        projection[bit] = kernels.dot(planes.baseAddress! + bit * dimensions, rows.row(slot), count: dimensions)
                    }
                }
                offsets.withUnsafeBufferPointer { offsets in
                    Self.packSigns(projection, offsets: offsets.baseAddress!, bits: parameters.totalBits, words: words,
                                   into: expected, code: slot)
                }
            }
            var mismatched = 0
            for code in 0..<blocks * BinaryCodeLayout.blockSize {
                for w in 0..<words {
                    let offset = BinaryCodeLayout.offset(code: code, word: w, words: words)
                    // sgemm and the dot kernel may round a projection differently right at the
                    // threshold; count only codes that differ in more than one bit.
                    if (codes.base[offset] ^ expected[offset]).nonzeroBitCount > (code < n ? 1 : 0) { mismatched += 1 }
                }
            }
            if mismatched > 0 { problems.append("\(mismatched) code words differ from their vectors' codes") }
            if let buckets {
                var seen = [Int](repeating: 0, count: n)
                for table in 0..<parameters.tables {
                    for key in 0..<UInt32(1 << parameters.bitsPerTable) {
                        buckets.forEachSlot(table: table, key: key) { slot in
                            guard Int(slot) < n else {
                                problems.append("table \(table) bucket \(key) holds slot \(slot) past the end")
                                return
                            }
                            seen[Int(slot)] += 1
                            if tableKey(ofSlot: Int(slot), table: table) != key {
                                problems.append("slot \(slot) is in bucket \(key) of table \(table), not its own")
                            }
                        }
                    }
                }
                for slot in 0..<n where seen[slot] != parameters.tables {
                    problems.append("slot \(slot) is in \(seen[slot]) buckets, not \(parameters.tables)")
                }
            }
            return problems
        }
    }
}
