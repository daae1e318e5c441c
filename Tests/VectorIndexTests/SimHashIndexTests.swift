import Foundation
import Testing
import TestSupport
import VectorIndex
import VectorMath

@Suite struct SimHashIndexTests {
    let fixture = HNSWFixture(count: 2000)

    func makeIndex(_ parameters: SimHashParameters = SimHashParameters(bitsPerTable: 128, rescoreFactor: 5),
                   metric: Metric = .cosine) throws -> SimHashIndex {
        let index = try SimHashIndex(dimensions: HNSWFixture.dimensions, metric: metric, parameters: parameters)
        try index.add(fixture.vectors, ids: fixture.ids)
        return index
    }

    static let bucketed = SimHashParameters(bitsPerTable: 10, tables: 8, mode: .buckets(probeRadius: 1), rescoreFactor: 5)

    @Test(arguments: Metric.allCases)
    func scanModeRecallIsHigh(metric: Metric) throws {
        let index = try makeIndex(metric: metric)
        #expect(index.count == fixture.count)
        #expect(index.invariantViolations().isEmpty)
        let recall = try fixture.recall(of: index, metric: metric)
        #expect(recall >= 0.9, "recall@10 \(recall) for \(metric)")
    }

    @Test func bucketModeRecallIsHighAndTablesAreSound() throws {
        let index = try makeIndex(Self.bucketed)
        #expect(index.invariantViolations().isEmpty)
        let recall = try fixture.recall(of: index)
        #expect(recall >= 0.9, "recall@10 \(recall)")
        // A wider probe finds at least as much.
        var wider = Self.bucketed
        wider.mode = .buckets(probeRadius: 2)
        #expect(try fixture.recall(of: makeIndex(wider)) >= recall - 0.01)
    }

    @Test func moreBitsAndMoreRescoringRaiseRecall() throws {
        let small = try makeIndex(SimHashParameters(bitsPerTable: 32, rescoreFactor: 2, shortlistFactor: 1))
        let large = try makeIndex(SimHashParameters(bitsPerTable: 256, rescoreFactor: 10))
        let low = try fixture.recall(of: small), high = try fixture.recall(of: large)
        #expect(high > low, "\(low) → \(high)")
        small.rescoreFactor = 20
        #expect(try fixture.recall(of: small) > low)
    }

    /// With k · rescoreFactor ≥ n every row is rescored: exactly brute force, in both modes.
    @Test(arguments: [false, true])
    func rescoringEverythingIsExact(bucketed: Bool) throws {
        var parameters = bucketed ? Self.bucketed : SimHashParameters(bitsPerTable: 64)
        parameters.rescoreFactor = fixture.count / 10
        let index = try makeIndex(parameters)
        try fixture.expectExact(index, metric: .cosine)
    }

    @Test func scoresFollowTheContract() throws {
        let index = try makeIndex()
        let result = try index.search(fixture.query(0), k: 10)
        #expect(!result.isExact)
        #expect(result.neighbors.count == 10)
        #expect(zip(result.neighbors, result.neighbors.dropFirst()).allSatisfy { $0.score >= $1.score })
        for hit in result.neighbors {
            let row = fixture.ids.firstIndex(of: hit.id)!
            let truth = Reference.score(.cosine, fixture.query(0)[...], TestData.row(fixture.vectors, row, dimensions: HNSWFixture.dimensions)[...])
            #expect(approximatelyEqual(Double(hit.score), truth, absolute: 1e-4))
            #expect(approximatelyEqual(Double(hit.distance), 1 - truth, absolute: 1e-4))
        }
    }

    @Test(arguments: [false, true])
    func batchSearchEqualsSingleSearch(bucketed: Bool) throws {
        let index = try makeIndex(bucketed ? Self.bucketed : SimHashParameters(bitsPerTable: 128, rescoreFactor: 5))
        let batch = try index.search(batch: fixture.queries, k: 10)
        #expect(batch.count == fixture.queryCount)
        for q in 0..<fixture.queryCount {
            #expect(batch[q].ids == (try index.search(fixture.query(q), k: 10)).ids)
        }
    }

    @Test(arguments: [false, true])
    func deletesAreNeverReturnedAndRecallHolds(bucketed: Bool) throws {
        let index = try makeIndex(bucketed ? Self.bucketed : SimHashParameters(bitsPerTable: 128, rescoreFactor: 5))
        try fixture.removeEveryThird(from: index, minimumRecall: 0.9, invariants: index.invariantViolations)
        try fixture.removeAllAndReuse(index, invariants: index.invariantViolations)
    }

    @Test(arguments: [0.001, 0.01, 0.05, 0.3, 1.0])
    func filtersNeverComeBackShort(selectivity: Double) throws {
        for parameters in [SimHashParameters(bitsPerTable: 128, rescoreFactor: 5), Self.bucketed] {
            let index = try makeIndex(parameters)
            let (recall, exactCount) = try fixture.filteredSearch(index, selectivity: selectivity)
            #expect(recall >= 0.85, "filtered recall \(recall) at selectivity \(selectivity)")
            if selectivity <= 0.01 { #expect(exactCount == fixture.queryCount) }
            if selectivity == 1.0 { #expect(exactCount < fixture.queryCount) }
        }
    }

    @Test func readdingAnIdReplacesItsVectorAndCodes() throws {
        for parameters in [SimHashParameters(bitsPerTable: 64), Self.bucketed] {
            let index = try SimHashIndex(dimensions: 3, metric: .cosine, parameters: parameters)
            try index.add([1, 0, 0, 0, 1, 0, 0.5, 0.5, 0], ids: [10, 20, 30])
            try index.add([0, 0, 1], ids: [10])
            #expect(index.count == 3)
            #expect(index.vector(for: 10) == [0, 0, 1])
            #expect(try index.search([0, 0, 0.9], k: 1).ids == [10])
            #expect(index.invariantViolations().isEmpty)
        }
    }

    /// Vectors added one small batch at a time re-learn the centre as the index doubles; the codes
    /// always match the vectors.
    @Test func incrementalAddsKeepCodesConsistent() throws {
        let index = try SimHashIndex(dimensions: HNSWFixture.dimensions, metric: .cosine, parameters: Self.bucketed)
        let d = HNSWFixture.dimensions
        var start = 0
        while start < 600 {
            let count = min(37, 600 - start)
            try index.add(Array(fixture.vectors[start * d..<(start + count) * d]), ids: Array(fixture.ids[start..<start + count]))
            start += count
        }
        #expect(index.count == 600)
        #expect(index.invariantViolations().isEmpty)
    }

    @Test func badInputIsRejected() throws {
        let index = try makeIndex()
        #expect(throws: VectorIndexError.self) { try index.add([Float](repeating: .nan, count: HNSWFixture.dimensions), ids: [1]) }
        #expect(throws: VectorIndexError.self) { try index.add([Float](repeating: 0, count: HNSWFixture.dimensions), ids: [1]) }
        #expect(throws: VectorIndexError.self) { try index.search([1, 2, 3], k: 3) }
        #expect(throws: VectorIndexError.self) { try index.search(fixture.query(0), k: 0) }
        for bad in [SimHashParameters(bitsPerTable: 0), SimHashParameters(tables: 0), SimHashParameters(bitsPerTable: 9000),
                    SimHashParameters(bitsPerTable: 30, mode: .buckets(probeRadius: 1)),
                    SimHashParameters(bitsPerTable: 8, mode: .buckets(probeRadius: 9)),
                    SimHashParameters(rescoreFactor: 0), SimHashParameters(shortlistFactor: 0)] {
            #expect(throws: VectorIndexError.self) { try SimHashIndex(dimensions: 4, parameters: bad) }
        }
        #expect(throws: VectorIndexError.self) { try SimHashIndex(dimensions: 0) }
        #expect(index.count == fixture.count)
    }

    @Test(arguments: [false, true])
    func saveAndLoadAnswerIdentically(bucketed: Bool) throws {
        let folder = try TemporaryFolder()
        let index = try makeIndex(bucketed ? Self.bucketed : SimHashParameters(bitsPerTable: 100, tables: 2, rescoreFactor: 5))
        index.remove(Array(fixture.ids.prefix(30)))
        try index.save(to: folder.file("s.idx"))
        let loaded = try SimHashIndex.load(from: folder.file("s.idx"))
        #expect(loaded.count == index.count && loaded.currentParameters == index.currentParameters)
        #expect(loaded.invariantViolations().isEmpty)
        for q in 0..<fixture.queryCount {
            let a = try index.search(fixture.query(q), k: 10), b = try loaded.search(fixture.query(q), k: 10)
            #expect(a.ids == b.ids && a.neighbors.map(\.score) == b.neighbors.map(\.score))
        }
        try loaded.add(fixture.query(0), ids: [999_999])
        #expect(try loaded.search(fixture.query(0), k: 1).ids == [999_999])
        try SimHashIndex(dimensions: 5).save(to: folder.file("empty"))
        #expect(try SimHashIndex.load(from: folder.file("empty")).count == 0)
    }

    @Test func damagedFilesAreErrorsNotCrashes() throws {
        let folder = try TemporaryFolder()
        let index = try makeIndex(Self.bucketed)
        try index.save(to: folder.file("good"))
        let good = try Data(contentsOf: URL(fileURLWithPath: folder.file("good")))
        let problems = DamagedFiles.misbehaviours(of: good, in: folder) { _ = try SimHashIndex.load(from: $0) }
        #expect(problems.isEmpty, "\(problems)")
        try FlatIndex(dimensions: 4, metric: .l2).save(to: folder.file("flat"))
        #expect(throws: VectorIndexError.self) { try SimHashIndex.load(from: folder.file("flat")) }
    }

    @Test func concurrentSearchesWhileAdding() async throws {
        let index = try SimHashIndex(dimensions: HNSWFixture.dimensions, parameters: SimHashParameters(bitsPerTable: 128, rescoreFactor: 5))
        let half = fixture.count / 2
        try index.add(Array(fixture.vectors.prefix(half * HNSWFixture.dimensions)), ids: Array(fixture.ids.prefix(half)))
        try await fixture.addWhileSearching(index, from: half)
        #expect(index.count == fixture.count && index.invariantViolations().isEmpty)
    }
}
