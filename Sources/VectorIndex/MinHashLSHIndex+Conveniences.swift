/// Array, token and text conveniences over the pointer-level `MinHashLSHIndex` API.
extension MinHashLSHIndex {
    /// An empty index of `numPermutations` permutations (seed `seed`) tuned for a Jaccard
    /// `threshold` with equal weight on false positives and false negatives.
    /// - Throws: `invalidArgument` for a threshold outside (0, 1) or a bad number of permutations.
    public convenience init(threshold: Double, numPermutations: Int = 128, seed: UInt64 = 1, keepSets: Bool = false,
                            shingling: Shingling = .characterFiveGrams) throws {
        try self.init(threshold: threshold, hasher: MinHasher(numPermutations: numPermutations, seed: seed),
                      keepSets: keepSets, shingling: shingling)
    }

    /// Adds one signature under `id` (replacing an existing one).
    /// - Throws: `invalidArgument` for a signature of the wrong length, or when the index keeps sets.
    public func insert(_ signature: MinHashSignature, id: UInt32) throws {
        try signature.values.withUnsafeBufferPointer { values in
            try withUnsafePointer(to: id) { try insert(signatures: values, ids: UnsafeBufferPointer(start: $0, count: 1)) }
        }
    }

    /// Adds one set of tokens under `id` (replacing an existing one).
    /// - Complexity: O(|tokens| · numPermutations + bands).
    public func insert(tokens: [UInt64], id: UInt32) throws {
        try insert(sets: [tokens], ids: [id])
    }

    /// Adds sets of tokens, one per id.
    /// - Throws: `invalidArgument` if the counts differ.
    public func insert(sets: [[UInt64]], ids: [UInt32]) throws {
        guard sets.count == ids.count else {
            throw VectorIndexError(.invalidArgument, "\(sets.count) sets for \(ids.count) ids")
        }
        var offsets = [0]
        offsets.reserveCapacity(sets.count + 1)
        for set in sets { offsets.append(offsets.last! + set.count) }
        let tokens = sets.flatMap { $0 }
        try tokens.withUnsafeBufferPointer { tokens in
            try offsets.withUnsafeBufferPointer { offsets in
                try ids.withUnsafeBufferPointer { try insert(sets: tokens, setOffsets: offsets, ids: $0) }
            }
        }
    }

    /// Adds texts, one per id, as their sets of shingles (`shingling`).
    /// - Throws: `invalidArgument` if the counts differ.
    /// - Complexity: O(total length) to shingle, then as `insert(sets:ids:)`.
    public func insert(texts: [String], ids: [UInt32]) throws {
        try insert(sets: texts.map { shingling.tokens(of: $0) }, ids: ids)
    }

    /// Adds one text under `id`.
    public func insert(text: String, id: UInt32) throws {
        try insert(texts: [text], ids: [id])
    }

    /// The stored sets whose Jaccard similarity with the set `tokens` is at least `threshold`,
    /// best first. See `nearDuplicates(of:tokens:threshold:verification:filter:excluding:)`.
    public func nearDuplicates(
        ofTokens tokens: [UInt64], threshold: Double, verification: Verification = .signature(), filter: IDFilter? = nil
    ) throws -> SearchResult {
        try nearDuplicates(of: hasher.signature(of: tokens), tokens: tokens, threshold: threshold,
                           verification: verification, filter: filter)
    }

    /// The stored texts whose shingle sets have Jaccard similarity at least `threshold` with
    /// those of `text`, best first.
    public func nearDuplicates(
        ofText text: String, threshold: Double, verification: Verification = .signature(), filter: IDFilter? = nil
    ) throws -> SearchResult {
        try nearDuplicates(ofTokens: shingling.tokens(of: text), threshold: threshold, verification: verification, filter: filter)
    }

    /// The near-duplicates of the stored set `id`, itself excluded.
    /// - Throws: `invalidArgument` for an unknown id, and as the signature query.
    public func nearDuplicates(
        ofID id: UInt32, threshold: Double, verification: Verification = .signature(), filter: IDFilter? = nil
    ) throws -> SearchResult {
        let stored: (MinHashSignature, [UInt64]?)? = lock.withReadLock {
            guard let slot = slotOfID[id] else { return nil }
            let values = Array(UnsafeBufferPointer(start: signatures.row(slot), count: hasher.numPermutations))
            return (MinHashSignature(unchecked: values), keepsSets ? sets[slot] : nil)
        }
        guard let (signature, tokens) = stored else {
            throw VectorIndexError(.invalidArgument, "no set with id \(id)")
        }
        return try nearDuplicates(of: signature, tokens: tokens, threshold: threshold,
                                  verification: verification, filter: filter, excluding: id)
    }
}
