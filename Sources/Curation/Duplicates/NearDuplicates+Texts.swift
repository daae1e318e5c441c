import VectorIndex
import VectorMath

extension NearDuplicates {
    /// How texts and token sets are hashed and indexed for near-duplicate search.
    public struct SetOptions: Sendable {
        /// How a text becomes a set of shingles (ignored for token sets).
        public var shingling: Shingling
        /// MinHash permutations per signature.
        public var numPermutations: Int
        /// Seed of the permutations.
        public var seed: UInt64
        /// How LSH candidates are confirmed: exactly against the kept sets (8 bytes per token),
        /// or by the signature estimate with a margin.
        public var verification: MinHashLSHIndex.Verification
        /// Weight of false negatives against false positives when choosing bands × rows:
        /// near-duplicate search favours recall, so the default is 0.9 (see `LSHBanding.optimal`).
        public var falseNegativeWeight: Double

        /// Options; the defaults are character 5-grams, 128 permutations, exact verification.
        public init(shingling: Shingling = .characterFiveGrams, numPermutations: Int = 128, seed: UInt64 = 1,
                    verification: MinHashLSHIndex.Verification = .exact, falseNegativeWeight: Double = 0.9) {
            self.shingling = shingling
            self.numPermutations = numPermutations
            self.seed = seed
            self.verification = verification
            self.falseNegativeWeight = falseNegativeWeight
        }
    }

    /// The near-duplicate pairs and groups among `texts`: pairs whose shingle sets have a
    /// Jaccard similarity of at least `threshold`.
    ///
    /// Texts are shingled and hashed on `threads` cores, indexed in a `MinHashLSHIndex` whose
    /// bands suit the threshold, and every text's LSH candidates are verified.
    /// - Parameters:
    ///   - rows: the row slot of each text (default: its position).
    /// - Throws: `CurationError` — `invalidArgument` for a threshold outside (0, 1), mismatched
    ///   or repeated rows, or bad MinHash settings; `limitExceeded` past `maxPairs`.
    /// - Complexity: O(total length + total shingles · k) to hash; each text's query costs
    ///   O(bands + candidates · verification).
    public static func texts(
        _ texts: [String], rows: [UInt32]? = nil, threshold: Double, options: SetOptions = SetOptions(),
        representative: Representative = .mostCentral, threads: Int? = nil, maxPairs: Int = defaultMaxPairs
    ) throws(CurationError) -> Result {
        let threads = try Parallel.threads(threads)
        let shingling = options.shingling
        var sets = [[UInt64]](repeating: [], count: texts.count)
        let chunk = 1024
        sets.withUnsafeMutableBufferPointer { sets in
            // Each chunk writes its own range of `sets`.
            let shared = UncheckedSendable(sets.baseAddress!)
            Parallel.forEach(items: (texts.count + chunk - 1) / chunk, threads: threads) { _, item in
                for i in (item * chunk)..<min(texts.count, (item + 1) * chunk) { shared.value[i] = shingling.tokens(of: texts[i]) }
            }
        }
        return try self.sets(sets, rows: rows, threshold: threshold, options: options, representative: representative,
                             threads: threads, maxPairs: maxPairs)
    }

    /// The near-duplicate pairs and groups among sets of tokens: pairs with a Jaccard similarity
    /// of at least `threshold`. See `texts(_:rows:threshold:options:representative:threads:maxPairs:)`.
    public static func sets(
        _ sets: [[UInt64]], rows: [UInt32]? = nil, threshold: Double, options: SetOptions = SetOptions(),
        representative: Representative = .mostCentral, threads: Int? = nil, maxPairs: Int = defaultMaxPairs
    ) throws(CurationError) -> Result {
        let threads = try Parallel.threads(threads)
        guard threshold > 0, threshold < 1 else {
            throw CurationError(.invalidArgument, "the Jaccard threshold must be in (0, 1) (got \(threshold))")
        }
        let ids = rows ?? (0..<UInt32(sets.count)).map { $0 }
        guard ids.count == sets.count else {
            throw CurationError(.unknownRow, "\(sets.count) texts or sets but \(ids.count) row slots")
        }
        guard Set(ids).count == ids.count else { throw CurationError(.invalidArgument, "the row slots of the texts repeat") }
        let index: MinHashLSHIndex
        do {
            let hasher = try MinHasher(numPermutations: options.numPermutations, seed: options.seed)
            index = try MinHashLSHIndex(threshold: threshold, hasher: hasher, keepSets: options.verification == .exact,
                                        falsePositiveWeight: 1 - options.falseNegativeWeight,
                                        falseNegativeWeight: options.falseNegativeWeight, shingling: options.shingling)
            let signatures = signatures(of: sets, hasher: hasher, threads: threads)
            try signatures.withUnsafeBufferPointer { values in
                try ids.withUnsafeBufferPointer { try index.insert(signatures: values, ids: $0, sets: index.keepsSets ? sets : nil) }
            }
        } catch {
            throw CurationError(.invalidArgument, "cannot index the sets for near-duplicate search", underlying: error)
        }
        return try self.sets(in: index, ids: ids, threshold: threshold, verification: options.verification,
                             representative: representative, threads: threads, maxPairs: maxPairs)
    }

    /// The near-duplicate pairs and groups among `ids` of an existing MinHash index.
    /// - Throws: `CurationError` — `unknownRow` for an id the index does not hold,
    ///   `invalidArgument` for a bad threshold or `.exact` verification on an index without kept
    ///   sets, `limitExceeded` past `maxPairs`.
    public static func sets(
        in index: MinHashLSHIndex, ids: [UInt32], threshold: Double, verification: MinHashLSHIndex.Verification = .exact,
        representative: Representative = .mostCentral, threads: Int? = nil, maxPairs: Int = defaultMaxPairs
    ) throws(CurationError) -> Result {
        let threads = try Parallel.threads(threads)
        if let missing = ids.first(where: { !index.contains($0) }) {
            throw CurationError(.unknownRow, "the MinHash index holds no set for row \(missing)")
        }
        try validate(representative, rows: ids)
        let filter = ids.count < index.count ? IDFilter(ids) : nil
        let chunk = 256
        let chunks = (ids.count + chunk - 1) / chunk
        let workers = Parallel.workers(items: chunks, threads: threads)
        let findings = (0..<workers).map { _ in Findings() }
        // Each worker writes only its own `Findings`; the index is thread-safe for queries.
        let shared = UncheckedSendable(findings)
        Parallel.forEach(items: chunks, threads: workers) { worker, item in
            let mine = shared.value[worker]
            guard mine.error == nil else { return }
            for id in ids[(item * chunk)..<min(ids.count, (item + 1) * chunk)] {
                do {
                    let result = try index.nearDuplicates(ofID: id, threshold: threshold, verification: verification, filter: filter)
                    mine.scored += result.candidatesScored
                    // Banding and verification are symmetric: each pair is found from both sides.
                    for neighbor in result.neighbors where id < neighbor.id {
                        mine.pairs.append(Pair(first: id, second: neighbor.id, score: neighbor.score))
                    }
                } catch {
                    mine.error = error
                    return
                }
            }
        }
        let pairs = try merged(findings, maxPairs: maxPairs, threshold: "Jaccard \(threshold)")
        return Result(pairs: pairs, groups: groups(of: pairs, representative: representative, centrality: pairCentrality(pairs)),
                      isExact: false, candidatesScored: findings.reduce(0) { $0 + $1.scored }, saturatedRows: 0)
    }

    /// The signatures of `sets`, row-major, computed in chunks on `threads` cores.
    private static func signatures(of sets: [[UInt64]], hasher: MinHasher, threads: Int) -> [UInt64] {
        let k = hasher.numPermutations
        var offsets = [0]
        offsets.reserveCapacity(sets.count + 1)
        for set in sets { offsets.append(offsets.last! + set.count) }
        let tokens = sets.flatMap { $0 }
        var values = [UInt64](repeating: MinHasher.prime, count: sets.count * k)
        let chunk = 2048
        tokens.withUnsafeBufferPointer { tokens in
            offsets.withUnsafeBufferPointer { offsets in
                values.withUnsafeMutableBufferPointer { values in
                    // Each chunk writes its own range of signatures; the offsets are valid by construction.
                    let shared = UncheckedSendable((tokens: tokens, offsets: offsets, values: values))
                    Parallel.forEach(items: (sets.count + chunk - 1) / chunk, threads: threads) { _, item in
                        let s = shared.value
                        let range = (item * chunk)..<min(sets.count, (item + 1) * chunk)
                        try? hasher.signatures(ofSets: s.tokens, setOffsets: UnsafeBufferPointer(rebasing: s.offsets[range.lowerBound...range.upperBound]),
                                               into: UnsafeMutableBufferPointer(rebasing: s.values[(range.lowerBound * k)..<(range.upperBound * k)]))
                    }
                }
            }
        }
        return values
    }
}
