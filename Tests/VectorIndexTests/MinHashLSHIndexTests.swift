import Dispatch
import Foundation
import Testing
import TestSupport
import VectorIndex

@Suite struct MinHashLSHIndexTests {
    /// Groups of near-duplicate sets: each group has a base set of 40–80 tokens and variants with
    /// some tokens replaced, so similarities spread over [0.3, 1]. Ids are spread out.
    struct Fixture {
        var sets: [[UInt64]] = []
        var ids: [UInt32] = []

        init(groups: Int, perGroup: Int, seed: UInt64) {
            var generator = SeededGenerator(seed: seed)
            for group in 0..<groups {
                let base = (0..<(40 + group % 41)).map { _ in generator.next() }
                for member in 0..<perGroup {
                    var set = base
                    let replaced = member == 0 ? 0 : Int.random(in: 0...(base.count / 2), using: &generator)
                    for i in 0..<replaced { set[i] = generator.next() }
                    sets.append(set)
                    ids.append(UInt32(group * 1000 + member * 7 + 1))
                }
            }
        }
    }

    static let hasher = try! MinHasher(numPermutations: 64, seed: 3)

    /// The ids the index must return: every stored set that shares all rows of some band with the
    /// query (compared by value, not by bucket hash) and passes the threshold.
    static func bruteForce(
        _ query: MinHashSignature, stored: [(id: UInt32, signature: MinHashSignature)], banding: LSHBanding,
        threshold: Double, similarity: (UInt32, MinHashSignature) -> Double
    ) -> [UInt32] {
        let r = banding.rows
        return stored.filter { entry in
            (0..<banding.bands).contains { band in
                query.values[band * r..<(band + 1) * r] == entry.signature.values[band * r..<(band + 1) * r]
            } && similarity(entry.id, entry.signature) >= threshold
        }.map(\.id).sorted()
    }

    @Test func nearDuplicatesEqualBruteForceOverBands() throws {
        let fixture = Fixture(groups: 40, perGroup: 6, seed: 1)
        let index = try MinHashLSHIndex(threshold: 0.5, hasher: Self.hasher)
        try index.insert(sets: fixture.sets, ids: fixture.ids)
        #expect(index.count == fixture.ids.count)
        #expect(index.invariantViolations().isEmpty)
        let stored = zip(fixture.ids, fixture.sets).map { ($0, Self.hasher.signature(of: $1)) }
        var found = 0
        for (q, set) in fixture.sets.enumerated() where q % 3 == 0 {
            let query = Self.hasher.signature(of: set)
            for threshold in [0.3, 0.5, 0.8] {
                let result = try index.nearDuplicates(of: query, threshold: threshold)
                let expected = Self.bruteForce(query, stored: stored, banding: index.banding, threshold: threshold) { _, s in
                    try! query.jaccard(s)
                }
                #expect(result.ids.sorted() == expected, "query \(q) threshold \(threshold)")
                #expect(!result.isExact)
                #expect(result.ids.contains(fixture.ids[q]))  // itself
                #expect(zip(result.neighbors, result.neighbors.dropFirst()).allSatisfy { $0.score >= $1.score })
                #expect(result.neighbors.allSatisfy { abs(Double($0.score) + Double($0.distance) - 1) < 1e-6 })
                found += result.neighbors.count
            }
            let candidates = try index.candidates(of: query)
            #expect(candidates == Self.bruteForce(query, stored: stored, banding: index.banding, threshold: 0) { _, _ in 1 })
        }
        #expect(found > 200)  // the fixture really has near-duplicates
    }

    @Test func exactVerificationUsesTheKeptSets() throws {
        let fixture = Fixture(groups: 25, perGroup: 5, seed: 2)
        let index = try MinHashLSHIndex(threshold: 0.6, hasher: Self.hasher, keepSets: true)
        try index.insert(sets: fixture.sets, ids: fixture.ids)
        let stored = zip(fixture.ids, fixture.sets).map { ($0, Self.hasher.signature(of: $1)) }
        let setOfID = Dictionary(uniqueKeysWithValues: zip(fixture.ids, fixture.sets))
        for (q, set) in fixture.sets.enumerated() where q % 2 == 0 {
            let result = try index.nearDuplicates(ofTokens: set, threshold: 0.6, verification: .exact)
            let expected = Self.bruteForce(Self.hasher.signature(of: set), stored: stored, banding: index.banding, threshold: 0.6) { id, _ in
                Jaccard.exact(set, setOfID[id]!)
            }
            #expect(result.ids.sorted() == expected)
            for hit in result.neighbors {
                #expect(abs(Double(hit.score) - Jaccard.exact(set, setOfID[hit.id]!)) < 1e-6)
            }
        }
        #expect(index.tokens(for: fixture.ids[0]) == Jaccard.sortedUnique(fixture.sets[0]))
        // A stored set as the query: itself excluded, verified exactly against its kept tokens.
        let byID = try index.nearDuplicates(ofID: fixture.ids[0], threshold: 0.6, verification: .exact)
        let byTokens = try index.nearDuplicates(ofTokens: fixture.sets[0], threshold: 0.6, verification: .exact)
        #expect(byID.ids == byTokens.ids.filter { $0 != fixture.ids[0] })
        // Exact verification needs kept sets and the query's tokens.
        let bare = try MinHashLSHIndex(threshold: 0.6, hasher: Self.hasher)
        #expect(throws: VectorIndexError.self) { try bare.nearDuplicates(ofTokens: [1], threshold: 0.6, verification: .exact) }
        #expect(throws: VectorIndexError.self) { try index.nearDuplicates(of: Self.hasher.signature(of: [1]), threshold: 0.6, verification: .exact) }
        #expect(throws: VectorIndexError.self) { try index.insert(Self.hasher.signature(of: [1]), id: 5) }
    }

    @Test func marginKeepsPairsJustUnderTheThreshold() throws {
        let fixture = Fixture(groups: 20, perGroup: 6, seed: 4)
        let index = try MinHashLSHIndex(threshold: 0.5, hasher: Self.hasher)
        try index.insert(sets: fixture.sets, ids: fixture.ids)
        for set in fixture.sets.prefix(30) {
            let strict = try index.nearDuplicates(ofTokens: set, threshold: 0.7)
            let loose = try index.nearDuplicates(ofTokens: set, threshold: 0.7, verification: .signature(margin: 0.1))
            #expect(Set(strict.ids).isSubset(of: Set(loose.ids)))
            #expect(loose.neighbors.allSatisfy { $0.score >= 0.6 - 1e-6 })
        }
    }

    @Test func filtersScanSmallAllowListsExactly() throws {
        let fixture = Fixture(groups: 30, perGroup: 5, seed: 5)
        let index = try MinHashLSHIndex(threshold: 0.5, hasher: Self.hasher)
        try index.insert(sets: fixture.sets, ids: fixture.ids)
        let allowed = IDFilter(fixture.ids.enumerated().filter { $0.offset % 4 != 1 }.map(\.element))
        let query = Self.hasher.signature(of: fixture.sets[10])
        // A small filter: every allowed row is verified, band or not.
        let small = try index.nearDuplicates(of: query, threshold: 0.2, filter: allowed)
        #expect(small.isExact)
        #expect(small.candidatesScored == allowed.count)
        let expected = zip(fixture.ids, fixture.sets).filter { id, set in
            allowed.contains(id) && (try! query.jaccard(Self.hasher.signature(of: set))) >= 0.2
        }.map(\.0).sorted()
        #expect(small.ids.sorted() == expected)
        #expect(small.ids.allSatisfy { allowed.contains($0) })
        // Excluding the query's own id.
        let own = try index.nearDuplicates(ofID: fixture.ids[10], threshold: 0.2, filter: allowed)
        #expect(own.ids.sorted() == expected.filter { $0 != fixture.ids[10] })
        #expect(throws: VectorIndexError.self) { try index.nearDuplicates(ofID: 999_999, threshold: 0.5) }
    }

    @Test func largeFiltersRestrictTheCandidates() throws {
        let fixture = Fixture(groups: 260, perGroup: 5, seed: 6)
        let index = try MinHashLSHIndex(threshold: 0.5, hasher: Self.hasher)
        try index.insert(sets: fixture.sets, ids: fixture.ids)
        let allowed = IDFilter(fixture.ids.enumerated().filter { $0.offset % 5 != 2 }.map(\.element))
        #expect(allowed.count > 1024)
        for q in stride(from: 0, to: fixture.sets.count, by: 97) {
            let query = Self.hasher.signature(of: fixture.sets[q])
            let unfiltered = try index.nearDuplicates(of: query, threshold: 0.4)
            let filtered = try index.nearDuplicates(of: query, threshold: 0.4, filter: allowed)
            #expect(!filtered.isExact)
            #expect(filtered.ids == unfiltered.ids.filter { allowed.contains($0) })
        }
    }

    @Test func removeAndReplaceKeepTheBucketsSound() throws {
        let fixture = Fixture(groups: 30, perGroup: 5, seed: 7)
        let index = try MinHashLSHIndex(threshold: 0.5, hasher: Self.hasher, keepSets: true)
        try index.insert(sets: fixture.sets, ids: fixture.ids)
        let removed = Set(fixture.ids.enumerated().filter { $0.offset % 3 == 0 }.map(\.element))
        #expect(index.remove(Array(removed)) == removed.count)
        #expect(index.remove(Array(removed)) == 0)
        #expect(index.count == fixture.ids.count - removed.count)
        #expect(index.invariantViolations().isEmpty)
        for (id, set) in zip(fixture.ids, fixture.sets) {
            #expect(index.contains(id) == !removed.contains(id))
            let result = try index.nearDuplicates(ofTokens: set, threshold: 0.3)
            #expect(result.ids.allSatisfy { !removed.contains($0) })
            if !removed.contains(id) { #expect(result.neighbors.first?.score == 1) }
        }
        // Replacing an id moves it to its new set's buckets.
        let survivor = fixture.ids.first { !removed.contains($0) }!
        try index.insert(tokens: [1, 2, 3], id: survivor)
        #expect(index.count == fixture.ids.count - removed.count)
        #expect(try index.nearDuplicates(ofTokens: [1, 2, 3], threshold: 0.9).ids == [survivor])
        #expect(index.tokens(for: survivor) == [1, 2, 3])
        #expect(index.invariantViolations().isEmpty)
        // Remove everything.
        index.remove(fixture.ids)
        #expect(index.count == 0 && index.invariantViolations().isEmpty)
        #expect(try index.nearDuplicates(ofTokens: fixture.sets[1], threshold: 0).ids.isEmpty)
    }

    @Test func emptySetsAndEmptyTextsAreNearDuplicatesOfEachOther() throws {
        let index = try MinHashLSHIndex(threshold: 0.8, hasher: Self.hasher, keepSets: true, shingling: .characterFiveGrams)
        try index.insert(texts: ["", "   ", "a real sentence about cats", "\u{200B}"], ids: [1, 2, 3, 4])
        let empty = try index.nearDuplicates(ofText: "", threshold: 0.8)
        #expect(empty.ids == [1, 2])
        #expect(empty.neighbors.allSatisfy { $0.score == 1 })
        #expect(try index.nearDuplicates(ofText: "", threshold: 0.8, verification: .exact).ids == [1, 2])
        #expect(try index.nearDuplicates(ofText: "A  real sentence about CATS", threshold: 0.8).ids == [3])
    }

    @Test func unicodeTextsFindTheirNearDuplicates() throws {
        let index = try MinHashLSHIndex(threshold: 0.3, hasher: try MinHasher(numPermutations: 128), shingling: try .characters(3))
        let texts = [
            "我们今天下午去公园散步，然后喝茶。",
            "Crème brûlée is a dessert 🍮 with a caramel top",
            "👨‍👩‍👧‍👦 family photo at the beach 🏖️ in summer",
            "Ｆｕｌｌ ｗｉｄｔｈ letters are folded by NFKC",
        ]
        try index.insert(texts: texts, ids: [10, 20, 30, 40])
        #expect(try index.nearDuplicates(ofText: "我们今天下午去公园散步，然后喝咖啡。", threshold: 0.5).ids == [10])
        #expect(try index.nearDuplicates(ofText: "CRE\u{300}ME BRU\u{302}LE\u{301}E is a dessert 🍮 with a caramel top", threshold: 0.9).ids == [20])
        #expect(try index.nearDuplicates(ofText: "👨‍👩‍👧‍👦 family photo at the beach 🏖️ in winter", threshold: 0.5).ids == [30])
        #expect(try index.nearDuplicates(ofText: "full width letters are folded by nfkc", threshold: 0.99).ids == [40])
    }

    /// Pairs of similarity s become candidates with probability 1 − (1 − s^r)^b.
    @Test func bandingFollowsTheSCurve() throws {
        let banding = try LSHBanding(bands: 16, rows: 8, numPermutations: 128)
        let index = try MinHashLSHIndex(hasher: try MinHasher(numPermutations: 128, seed: 17), banding: banding)
        var generator = SeededGenerator(seed: 18)
        let similarities = [0.55, 0.7, 0.8, 0.9]
        let pairsEach = 250
        var queries: [(set: [UInt64], id: UInt32, s: Double)] = []
        var id: UInt32 = 0
        for s in similarities {
            for _ in 0..<pairsEach {
                let (a, b, exact) = TokenSets.pair(size: 60, jaccard: s, using: &generator)
                try index.insert(tokens: a, id: id)
                queries.append((b, id, exact))
                id += 1
            }
        }
        for (i, s) in similarities.enumerated() {
            let slice = queries[i * pairsEach..<(i + 1) * pairsEach]
            var hits = 0
            for query in slice where try index.candidates(of: index.hasher.signature(of: query.set)).contains(query.id) { hits += 1 }
            let meanS = slice.reduce(0) { $0 + $1.s } / Double(pairsEach)
            let predicted = slice.reduce(0) { $0 + banding.candidateProbability(jaccard: $1.s) } / Double(pairsEach)
            let observed = Double(hits) / Double(pairsEach)
            let sigma = (predicted * (1 - predicted) / Double(pairsEach)).squareRoot()
            #expect(abs(observed - predicted) <= 5 * sigma + 0.03, "s ≈ \(s) (\(meanS)): observed \(observed), predicted \(predicted)")
        }
    }

    @Test func saveAndLoadGiveIdenticalAnswers() throws {
        let folder = try TemporaryFolder()
        let fixture = Fixture(groups: 30, perGroup: 5, seed: 8)
        for keepSets in [false, true] {
            let index = try MinHashLSHIndex(hasher: try MinHasher(numPermutations: 48, seed: 99),
                                            banding: try LSHBanding(bands: 10, rows: 4, numPermutations: 48),
                                            keepSets: keepSets, shingling: try .words(2))
            try index.insert(sets: fixture.sets, ids: fixture.ids)
            index.remove(Array(fixture.ids.prefix(20)))
            let path = folder.file("mh-\(keepSets).idx")
            try index.save(to: path)
            let loaded = try MinHashLSHIndex.load(from: path)
            #expect(loaded.count == index.count && loaded.keepsSets == keepSets)
            #expect(loaded.hasher == index.hasher && loaded.banding == index.banding && loaded.shingling == index.shingling)
            #expect(loaded.invariantViolations().isEmpty)
            let verification: MinHashLSHIndex.Verification = keepSets ? .exact : .signature()
            for set in fixture.sets {
                let a = try index.nearDuplicates(ofTokens: set, threshold: 0.4, verification: verification)
                let b = try loaded.nearDuplicates(ofTokens: set, threshold: 0.4, verification: verification)
                #expect(a.ids == b.ids && a.neighbors.map(\.score) == b.neighbors.map(\.score))
                #expect(a.candidatesScored == b.candidatesScored)
            }
            // The loaded index keeps working.
            try loaded.insert(tokens: [5, 6, 7], id: 4_000_000)
            #expect(try loaded.nearDuplicates(ofTokens: [5, 6, 7], threshold: 1).ids == [4_000_000])
        }
        let empty = try MinHashLSHIndex(threshold: 0.5)
        try empty.save(to: folder.file("empty.idx"))
        #expect(try MinHashLSHIndex.load(from: folder.file("empty.idx")).count == 0)
    }

    @Test func damagedFilesAreErrorsNotCrashes() throws {
        let folder = try TemporaryFolder()
        let fixture = Fixture(groups: 10, perGroup: 4, seed: 9)
        let index = try MinHashLSHIndex(threshold: 0.5, hasher: Self.hasher, keepSets: true)
        try index.insert(sets: fixture.sets, ids: fixture.ids)
        let path = folder.file("good.idx")
        try index.save(to: path)
        let good = try Data(contentsOf: URL(fileURLWithPath: path))
        let problems = DamagedFiles.misbehaviours(of: good, in: folder) { _ = try MinHashLSHIndex.load(from: $0) }
        #expect(problems.isEmpty, "\(problems)")
        try FlatIndex(dimensions: 4, metric: .l2).save(to: folder.file("flat"))
        #expect(throws: VectorIndexError.self) { try MinHashLSHIndex.load(from: folder.file("flat")) }
        #expect(throws: VectorIndexError.self) { try FlatIndex.load(from: path) }
        #expect(throws: VectorIndexError.self) { try MinHashLSHIndex.load(from: folder.file("missing")) }
    }

    @Test func badInputIsRejected() throws {
        let index = try MinHashLSHIndex(threshold: 0.5, hasher: Self.hasher)
        #expect(throws: VectorIndexError.self) { try MinHashLSHIndex(hasher: Self.hasher, banding: LSHBanding(bands: 30, rows: 3, numPermutations: 128)) }
        #expect(throws: VectorIndexError.self) { try index.insert(try MinHasher(numPermutations: 32).signature(of: [1]), id: 1) }
        #expect(throws: VectorIndexError.self) { try index.insert(MinHashSignature(values: [UInt64](repeating: MinHasher.prime + 1, count: 64)), id: 1) }
        #expect(throws: VectorIndexError.self) { try index.nearDuplicates(ofTokens: [1], threshold: 1.5) }
        #expect(throws: VectorIndexError.self) { try index.nearDuplicates(ofTokens: [1], threshold: 0.5, verification: .signature(margin: .nan)) }
        #expect(throws: VectorIndexError.self) { try MinHashLSHIndex(threshold: 0.5, numPermutations: 2048) }
        #expect(throws: VectorIndexError.self) { try index.candidates(of: try MinHasher(numPermutations: 8).signature(of: [1])) }
        #expect(throws: VectorIndexError.self) { try index.insert(sets: [[1], [2]], ids: [1]) }
        #expect(index.count == 0)
    }

    /// The README's example, as written there.
    @Test func readmeExampleWorks() throws {
        let folder = try TemporaryFolder()
        let documents = ["a gloss about a lightly edited copy of a text", "something else entirely"]
        let ids: [UInt32] = [1, 2]
        let index = try MinHashLSHIndex(threshold: 0.6, hasher: MinHasher(numPermutations: 128),
                                        keepSets: true,
                                        falsePositiveWeight: 0.1, falseNegativeWeight: 0.9)
        #expect(index.banding == (try LSHBanding(bands: 25, rows: 5, numPermutations: 128)))
        try index.insert(texts: documents, ids: ids)
        let dups = try index.nearDuplicates(ofText: "a gloss about a lightly edited copy of the text", threshold: 0.6,
                                            verification: .exact)
        #expect(dups.ids == [1])
        try index.insert(tokens: [17, 42, 99], id: 7)
        try index.save(to: folder.file("texts.loupeidx"))
        #expect(try MinHashLSHIndex.load(from: folder.file("texts.loupeidx")).count == 3)
    }

    @Test func queriesRunConcurrentlyWithWrites() throws {
        let fixture = Fixture(groups: 40, perGroup: 5, seed: 10)
        let index = try MinHashLSHIndex(threshold: 0.5, hasher: Self.hasher)
        try index.insert(sets: Array(fixture.sets.prefix(100)), ids: Array(fixture.ids.prefix(100)))
        let sets = fixture.sets, ids = fixture.ids
        DispatchQueue.concurrentPerform(iterations: 4) { worker in
            if worker == 0 {
                for i in 100..<sets.count { try? index.insert(tokens: sets[i], id: ids[i]) }
                index.remove(Array(ids.prefix(20)))
            } else {
                for i in stride(from: worker, to: sets.count, by: 3) {
                    _ = try? index.nearDuplicates(ofTokens: sets[i], threshold: 0.5)
                }
            }
        }
        #expect(index.count == ids.count - 20)
        #expect(index.invariantViolations().isEmpty)
    }
}
