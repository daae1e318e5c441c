import Foundation
import Testing
import TestSupport
import VectorIndex
import VectorMath

@Suite struct IVFIndexTests {
    let fixture = HNSWFixture(count: 2000)

    static func parameters(_ encoding: VectorEncoding? = nil, nprobe: Int = 8) -> IVFParameters {
        IVFParameters(nlist: 32, nprobe: nprobe, encoding: encoding, rescoreFactor: 5, buildThreads: 2)
    }

    func makeIndex(_ parameters: IVFParameters = IVFIndexTests.parameters(), metric: Metric = .cosine) throws -> IVFIndex {
        let index = try IVFIndex(dimensions: HNSWFixture.dimensions, metric: metric, parameters: parameters)
        try index.add(fixture.vectors, ids: fixture.ids)
        return index
    }

    @Test(arguments: Metric.allCases)
    func recallIsHighWithAFewProbes(metric: Metric) throws {
        let index = try makeIndex(metric: metric)
        #expect(index.isTrained && index.count == fixture.count)
        #expect(index.listSizes.count == 32 && index.listSizes.reduce(0, +) == fixture.count)
        #expect(index.invariantViolations().isEmpty)
        let recall = try fixture.recall(of: index, metric: metric)
        #expect(recall >= 0.9, "recall@10 \(recall) for \(metric)")
        let result = try index.search(fixture.query(0), k: 10)
        #expect(!result.isExact && result.candidatesScored < fixture.count)
    }

    /// nprobe = nlist scans every list: exactly brute force.
    @Test(arguments: Metric.allCases)
    func probingEveryListIsExact(metric: Metric) throws {
        let index = try makeIndex(Self.parameters(nprobe: 32), metric: metric)
        try fixture.expectExact(index, metric: metric)
        let batch = try index.search(batch: fixture.queries, k: 10)
        for q in 0..<fixture.queryCount { #expect(batch[q].ids == (try index.search(fixture.query(q), k: 10)).ids) }
    }

    @Test(arguments: [VectorEncoding.int8, .float16])
    func codedListsRescoreExactly(encoding: VectorEncoding) throws {
        let index = try makeIndex(Self.parameters(encoding))
        #expect(index.invariantViolations().isEmpty)
        let recall = try fixture.recall(of: index)
        #expect(recall >= 0.9, "recall@10 \(recall) with \(encoding) lists")
        // Every list probed and a generous rescoring budget: as good as exact.
        index.nprobe = 32
        index.rescoreFactor = 20
        #expect(try fixture.recall(of: index) >= 0.99)
        let hit = try index.search(fixture.query(3), k: 1).neighbors[0]
        let row = fixture.ids.firstIndex(of: hit.id)!
        let truth = Reference.score(.cosine, fixture.query(3)[...], TestData.row(fixture.vectors, row, dimensions: HNSWFixture.dimensions)[...])
        #expect(approximatelyEqual(Double(hit.score), truth, absolute: 1e-4))  // scores are exact, not approximate
    }

    @Test func moreProbesRaiseRecall() throws {
        let index = try makeIndex(Self.parameters(nprobe: 1))
        let one = try fixture.recall(of: index)
        index.nprobe = 4
        let four = try fixture.recall(of: index)
        #expect(four > one, "\(one) → \(four)")
    }

    /// Below nlist · minimumPointsPerList vectors the index is untrained and exact; crossing it
    /// trains and places every vector; later adds go to their nearest list.
    @Test func trainsItselfOnceLargeEnoughAndPlacesLaterAdds() throws {
        let index = try IVFIndex(dimensions: HNSWFixture.dimensions, metric: .cosine, parameters: Self.parameters())
        let d = HNSWFixture.dimensions
        try index.add(Array(fixture.vectors.prefix(500 * d)), ids: Array(fixture.ids.prefix(500)))
        #expect(!index.isTrained)
        let early = try index.search(fixture.query(0), k: 10)
        #expect(early.isExact && early.candidatesScored == 500)
        try index.add(Array(fixture.vectors[500 * d..<1300 * d]), ids: Array(fixture.ids[500..<1300]))
        #expect(index.isTrained)  // 1300 ≥ 32 · 39
        try index.add(Array(fixture.vectors[1300 * d..<fixture.count * d]), ids: Array(fixture.ids[1300..<fixture.count]))
        #expect(index.count == fixture.count && index.listSizes.reduce(0, +) == fixture.count)
        #expect(index.invariantViolations().isEmpty)
        #expect(try fixture.recall(of: index) >= 0.9)
    }

    @Test func trainingOnASampleFirst() throws {
        for encoding in [nil, VectorEncoding.int8] {
            let index = try IVFIndex(dimensions: HNSWFixture.dimensions, metric: .l2, parameters: Self.parameters(encoding))
            try index.train(on: Array(fixture.vectors.prefix(1000 * HNSWFixture.dimensions)))
            #expect(index.isTrained && index.count == 0)
            try index.add(fixture.vectors, ids: fixture.ids)
            #expect(index.invariantViolations().isEmpty)
            #expect(try fixture.recall(of: index, metric: .l2) >= 0.9)
            // Training again moves everything to the new lists.
            try index.train()
            #expect(index.invariantViolations().isEmpty && index.count == fixture.count)
        }
    }

    @Test(arguments: [nil, VectorEncoding.int8])
    func deletesAreNeverReturnedAndSpaceIsReclaimed(encoding: VectorEncoding?) throws {
        let index = try makeIndex(Self.parameters(encoding))
        let before = index.memoryBytes
        try fixture.removeEveryThird(from: index, minimumRecall: 0.9, invariants: index.invariantViolations)
        index.remove(Array(fixture.ids.prefix(1900)))
        #expect(index.memoryBytes < before / 2, "\(before) → \(index.memoryBytes) bytes")
        try fixture.removeAllAndReuse(index, invariants: index.invariantViolations)
    }

    @Test(arguments: [0.001, 0.01, 0.05, 0.3, 1.0])
    func filtersNeverComeBackShort(selectivity: Double) throws {
        for encoding in [nil, VectorEncoding.int8] {
            let index = try makeIndex(Self.parameters(encoding))
            let (recall, exactCount) = try fixture.filteredSearch(index, selectivity: selectivity)
            #expect(recall >= 0.85, "filtered recall \(recall) at selectivity \(selectivity)")
            if selectivity <= 0.01 { #expect(exactCount == fixture.queryCount) }
            if selectivity == 1.0 { #expect(exactCount < fixture.queryCount) }
        }
    }

    @Test func readdingAnIdReplacesItsVector() throws {
        let index = try makeIndex()
        try index.add(fixture.query(5), ids: [fixture.ids[0]])
        #expect(index.count == fixture.count)
        #expect(try index.search(fixture.query(5), k: 1).ids == [fixture.ids[0]])
        #expect(index.invariantViolations().isEmpty)
    }

    @Test(arguments: [nil, VectorEncoding.int8])
    func saveAndLoadAnswerIdentically(encoding: VectorEncoding?) throws {
        let folder = try TemporaryFolder()
        let index = try makeIndex(Self.parameters(encoding))
        index.remove(Array(fixture.ids.prefix(30)))
        try index.save(to: folder.file("ivf"))
        let loaded = try IVFIndex.load(from: folder.file("ivf"))
        #expect(loaded.count == index.count && loaded.listSizes == index.listSizes)
        #expect(loaded.currentParameters.encoding == encoding && loaded.invariantViolations().isEmpty)
        for q in 0..<fixture.queryCount {
            let a = try index.search(fixture.query(q), k: 10), b = try loaded.search(fixture.query(q), k: 10)
            #expect(a.ids == b.ids && a.neighbors.map(\.score) == b.neighbors.map(\.score))
        }
        try loaded.add(fixture.query(0), ids: [999_999])
        #expect(try loaded.search(fixture.query(0), k: 1).ids == [999_999])
        // An untrained index round-trips too.
        let small = try IVFIndex(dimensions: 4, metric: .l2, parameters: Self.parameters(encoding))
        try small.add([1, 2, 3, 4, 5, 6, 7, 8], ids: [1, 2])
        try small.save(to: folder.file("small"))
        let back = try IVFIndex.load(from: folder.file("small"))
        #expect(!back.isTrained && back.count == 2 && back.vector(for: 2) == [5, 6, 7, 8])
    }

    @Test func damagedFilesAreErrorsNotCrashes() throws {
        let folder = try TemporaryFolder()
        let index = try makeIndex(Self.parameters(.int8))
        try index.save(to: folder.file("good"))
        let good = try Data(contentsOf: URL(fileURLWithPath: folder.file("good")))
        let problems = DamagedFiles.misbehaviours(of: good, in: folder) { _ = try IVFIndex.load(from: $0) }
        #expect(problems.isEmpty, "\(problems)")
        try FlatIndex(dimensions: 4, metric: .l2).save(to: folder.file("flat"))
        #expect(throws: VectorIndexError.self) { try IVFIndex.load(from: folder.file("flat")) }
    }

    @Test func badInputIsRejected() throws {
        let index = try makeIndex()
        #expect(throws: VectorIndexError.self) { try index.add([Float](repeating: .nan, count: HNSWFixture.dimensions), ids: [1]) }
        #expect(throws: VectorIndexError.self) { try index.search([1, 2, 3], k: 3) }
        #expect(throws: VectorIndexError.self) { try index.search(fixture.query(0), k: 0) }
        #expect(throws: VectorIndexError.self) { try index.train(on: [1, 2, 3]) }
        for bad in [IVFParameters(nlist: 0), IVFParameters(nprobe: 0), IVFParameters(rescoreFactor: 0), IVFParameters(buildThreads: 0)] {
            #expect(throws: VectorIndexError.self) { try IVFIndex(dimensions: 4, metric: .l2, parameters: bad) }
        }
        #expect(throws: VectorIndexError.self) { try IVFIndex(dimensions: 0, metric: .l2) }
        let tiny = try IVFIndex(dimensions: 3, metric: .l2, parameters: Self.parameters())
        try tiny.add([1, 2, 3], ids: [1])
        #expect(throws: VectorIndexError.self) { try tiny.train() }  // 1 vector, 32 lists
        #expect(index.count == fixture.count && tiny.count == 1)
    }

    /// Searches run while batches are added, and while the index trains itself half-way.
    @Test func concurrentSearchesWhileAddingAndTraining() async throws {
        let index = try IVFIndex(dimensions: HNSWFixture.dimensions, metric: .cosine, parameters: Self.parameters())
        let start = 300
        try index.add(Array(fixture.vectors.prefix(start * HNSWFixture.dimensions)), ids: Array(fixture.ids.prefix(start)))
        try await fixture.addWhileSearching(index, from: start)
        #expect(index.isTrained && index.count == fixture.count && index.invariantViolations().isEmpty)
    }
}
