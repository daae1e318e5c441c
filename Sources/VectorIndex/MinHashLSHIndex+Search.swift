extension MinHashLSHIndex {
    /// How a near-duplicate query confirms its LSH candidates.
    public enum Verification: Sendable, Hashable {
        /// Keep candidates whose signature estimate (over all k slots) is at least
        /// `threshold − margin`; the score is the estimate. A margin of about one standard error,
        /// √(t(1 − t)/k), keeps most pairs that truly sit just above the threshold.
        case signature(margin: Double = 0)
        /// Keep candidates whose exact Jaccard similarity is at least `threshold`; the score is
        /// exact. Needs an index that keeps sets and a query given as tokens or text.
        case exact
    }

    /// Below this many rows, a filtered query always scans the filter's rows exactly.
    static let exactScanFloor = 1024

    /// The ids that share at least one band bucket with `signature`, ascending. Unverified: some
    /// are far from the query (false positives), and some similar sets may be missing.
    /// - Throws: `invalidArgument` if the signature's length differs from the hasher's.
    /// - Complexity: O(bands + candidates · log candidates).
    public func candidates(of signature: MinHashSignature) throws -> [UInt32] {
        try checkLength(signature)
        return lock.withReadLock {
            signature.values.withUnsafeBufferPointer { query in candidateSlots(query.baseAddress!).map { slotIDs[Int($0)] } }
        }.sorted()
    }

    /// The stored sets whose Jaccard similarity with the query is at least `threshold`, best
    /// first (ties by lower id): LSH candidates, confirmed by `verification`.
    ///
    /// With a `filter`, only its ids are returned; when the filter holds no more rows than the
    /// LSH candidates (or fewer than 1,024), every row of the filter is verified instead and the
    /// result says it is exact.
    /// - Parameters:
    ///   - signature: the query's signature, from `hasher`.
    ///   - tokens: the query's tokens, needed by `.exact` verification.
    ///   - excluding: an id never returned (the query's own, when it is stored).
    /// - Throws: `invalidArgument` for a threshold or margin outside [0, 1], a signature of the
    ///   wrong length, or `.exact` verification without kept sets or query tokens.
    /// - Complexity: O(bands + c · k) for c candidates.
    public func nearDuplicates(
        of signature: MinHashSignature, tokens: [UInt64]? = nil, threshold: Double,
        verification: Verification = .signature(), filter: IDFilter? = nil, excluding: UInt32? = nil
    ) throws -> SearchResult {
        try checkLength(signature)
        guard threshold >= 0, threshold <= 1 else {
            throw VectorIndexError(.invalidArgument, "threshold must be in [0, 1] (got \(threshold))")
        }
        if case .signature(let margin) = verification, !(0...1).contains(margin) {
            throw VectorIndexError(.invalidArgument, "the verification margin must be in [0, 1] (got \(margin))")
        }
        var querySet: [UInt64] = []
        if verification == .exact {
            guard keepsSets else {
                throw VectorIndexError(.invalidArgument, "exact verification needs an index created with keepSets: true")
            }
            guard let tokens else {
                throw VectorIndexError(.invalidArgument, "exact verification needs the query's tokens")
            }
            querySet = Jaccard.sortedUnique(tokens)
        }
        return lock.withReadLock {
            signature.values.withUnsafeBufferPointer { query in
                var slots = candidateSlots(query.baseAddress!)
                var isExact = false
                if let filter {
                    if filter.count <= max(slots.count, Self.exactScanFloor) {
                        slots = filter.ids.compactMap { slotOfID[$0].map(UInt32.init) }
                        isExact = true
                    } else {
                        slots.removeAll { !filter.contains(slotIDs[Int($0)]) }
                    }
                }
                var neighbors: [Neighbor] = []
                for slot in slots {
                    let id = slotIDs[Int(slot)]
                    if id == excluding { continue }
                    let similarity: Double
                    switch verification {
                    case .signature(let margin):
                        similarity = Jaccard.estimate(query.baseAddress!, signatures.row(Int(slot)), count: hasher.numPermutations)
                        if similarity < threshold - margin { continue }
                    case .exact:
                        similarity = querySet.withUnsafeBufferPointer { a in
                            sets[Int(slot)].withUnsafeBufferPointer { b in Jaccard.exact(sorted: a, b) }
                        }
                        if similarity < threshold { continue }
                    }
                    neighbors.append(Neighbor(id: id, score: Float(similarity), distance: Float(1 - similarity)))
                }
                neighbors.sort { $0.score != $1.score ? $0.score > $1.score : $0.id < $1.id }
                return SearchResult(neighbors: neighbors, isExact: isExact, candidatesScored: slots.count)
            }
        }
    }

    /// The slots sharing a bucket with the query in at least one band, each once, ascending.
    /// Callers hold the read lock.
    func candidateSlots(_ query: UnsafePointer<UInt64>) -> [UInt32] {
        let bands = banding.bands, table = buckets, links = links.base
        var slots: [UInt32] = []
        withBandKeyBuffers { keys, _, _ in
            bandKeys(of: query, into: keys, prefetchIn: table)
            for band in 0..<bands {
                var slot = table.head(key: keys[band], band: band)
                while slot != Self.noSlot {
                    slots.append(slot)
                    slot = links[Int(slot) * bands + band]
                }
            }
        }
        slots.sortAndRemoveDuplicates()
        return slots
    }

    func checkLength(_ signature: MinHashSignature) throws {
        guard signature.count == hasher.numPermutations else {
            throw VectorIndexError(.invalidArgument, "a signature of \(signature.count) slots cannot query an index of \(hasher.numPermutations) permutations")
        }
    }
}
