import Foundation
import Testing
import TestSupport
import VectorIndex
import VectorMath

/// Seeded clustered data: 4,000 vectors of 24 dimensions in 40 clusters, plus 50 fresh queries.
struct HNSWFixture {
    static let dimensions = 24
    let count: Int
    let vectors: [Float]
    let ids: [UInt32]
    let queries: [Float]
    let queryCount = 50

    init(count: Int = 4000, seed: UInt64 = 5) {
        self.count = count
        let all = TestData.clustered(count: count + queryCount, dimensions: Self.dimensions, clusters: 40, seed: seed)
        vectors = Array(all.prefix(count * Self.dimensions))
        queries = Array(all.suffix(queryCount * Self.dimensions))
        ids = (0..<UInt32(count)).map { $0 * 3 + 1 }
    }

    func query(_ q: Int) -> [Float] { TestData.row(queries, q, dimensions: Self.dimensions) }

    func makeIndex(metric: Metric = .cosine, threads: Int = 2, m: Int = 12) throws -> HNSWIndex {
        let index = try HNSWIndex(dimensions: Self.dimensions, metric: metric,
                                  parameters: HNSWParameters(m: m, efConstruction: 100, efSearch: 64, buildThreads: threads))
        try index.add(vectors, ids: ids)
        return index
    }

    /// Mean recall@k of `index` against brute force over the ids `isLive` allows.
    func recall(_ index: HNSWIndex, metric: Metric = .cosine, k: Int = 10, ef: Int = 64,
                isLive: (UInt32) -> Bool = { _ in true }) throws -> Double {
        var total = 0.0
        for q in 0..<queryCount {
            let found = try index.search(query(q), k: k, options: SearchOptions(efSearch: ef))
            let exact = Reference.topK(query(q), base: vectors, ids: ids, dimensions: Self.dimensions,
                                       metric: metric, k: k, where: isLive)
            total += Reference.recall(found: found.ids, exact: exact.map(\.id))
        }
        return total / Double(queryCount)
    }
}

@Suite struct HNSWIndexTests {
    let fixture = HNSWFixture()

    @Test(arguments: Metric.allCases)
    func recallIsHighOnSeededData(metric: Metric) throws {
        let index = try fixture.makeIndex(metric: metric)
        #expect(index.count == fixture.count)
        #expect(index.invariantViolations().isEmpty)
        let recall = try fixture.recall(index, metric: metric)
        #expect(recall >= 0.97, "recall@10 \(recall) for \(metric)")
    }

    @Test func scoresFollowTheContract() throws {
        let index = try fixture.makeIndex()
        let result = try index.search(fixture.query(0), k: 10)
        #expect(!result.isExact)
        #expect(result.candidatesScored > 10 && result.candidatesScored < fixture.count)
        #expect(zip(result.neighbors, result.neighbors.dropFirst()).allSatisfy { $0.score >= $1.score })
        for hit in result.neighbors {
            let stored = index.vector(for: hit.id)!
            let expected = Reference.score(.cosine, fixture.query(0)[...], stored[...])
            #expect(approximatelyEqual(Double(hit.score), expected, absolute: 1e-4))
            #expect(approximatelyEqual(Double(hit.distance), 1 - expected, absolute: 1e-4))
        }
    }

    @Test func singleThreadedAndParallelBuildsAreBothSound() throws {
        let serial = try fixture.makeIndex(threads: 1)
        #expect(serial.invariantViolations().isEmpty)
        #expect(try fixture.recall(serial) >= 0.97)
    }

    @Test func deletesAreNeverReturnedAndRecallHolds() throws {
        let index = try fixture.makeIndex()
        var generator = SeededGenerator(seed: 9)
        let removed = Set(fixture.ids.shuffled(using: &generator).prefix(fixture.count * 3 / 10))
        // Delete in several calls, as a catalog would.
        let batches = Array(removed).chunked(into: 300)
        var total = 0
        for batch in batches { total += index.remove(batch) }
        #expect(total == removed.count)
        #expect(index.count == fixture.count - removed.count)
        #expect(index.invariantViolations().isEmpty, "\(index.invariantViolations().prefix(5))")
        // 30% deleted is above the compaction threshold: space was reclaimed.
        #expect(index.nodeCount == index.count)
        for q in 0..<fixture.queryCount {
            let result = try index.search(fixture.query(q), k: 20)
            #expect(result.ids.allSatisfy { !removed.contains($0) })
            #expect(result.neighbors.count == 20)
        }
        let recall = try fixture.recall(index) { !removed.contains($0) }
        #expect(recall >= 0.95, "recall@10 after 30% deletes: \(recall)")
    }

    @Test func smallDeletesRepairWithoutCompactionThenCompactOnRequest() throws {
        let index = try fixture.makeIndex()
        let removed = Array(fixture.ids.prefix(200))
        #expect(index.remove(removed) == 200)
        #expect(index.nodeCount == fixture.count)  // below the threshold: not compacted yet
        #expect(index.invariantViolations().isEmpty)
        let before = try fixture.query(3).withUnsafeBufferPointer { try index.search($0, k: 10, options: .default) }
        let memoryBefore = index.memoryBytes
        index.compact()
        #expect(index.nodeCount == fixture.count - 200)
        #expect(index.memoryBytes <= memoryBefore)
        #expect(index.invariantViolations().isEmpty)
        let after = try index.search(fixture.query(3), k: 10)
        #expect(before.ids == after.ids)  // compaction renumbers nodes, not results
        #expect(try fixture.recall(index) { !Set(removed).contains($0) } >= 0.95)
    }

    @Test func deletingEverythingLeavesAnEmptyUsableIndex() throws {
        let index = try fixture.makeIndex()
        #expect(index.remove(fixture.ids) == fixture.count)
        #expect(index.count == 0)
        #expect(try index.search(fixture.query(0), k: 5).neighbors.isEmpty)
        try index.add(Array(fixture.vectors.prefix(HNSWFixture.dimensions * 10)), ids: Array(0..<10))
        #expect(try index.search(fixture.query(0), k: 5).neighbors.count == 5)
        #expect(index.invariantViolations().isEmpty)
    }

    @Test func readdingAnIdReplacesItsVector() throws {
        let index = try fixture.makeIndex()
        let target = fixture.ids[17]
        let query = fixture.query(4)
        try index.add(query, ids: [target])
        #expect(index.count == fixture.count)
        let hit = try index.search(query, k: 1)
        #expect(hit.ids == [target])
        #expect(approximatelyEqual(Double(hit.neighbors[0].score), 1, absolute: 1e-5))
        #expect(index.invariantViolations().isEmpty)
    }

    /// Whenever at least k rows match, a filtered search returns k of them, at every selectivity.
    @Test(arguments: [0.001, 0.005, 0.01, 0.05, 0.1, 0.3, 0.5, 1.0])
    func filtersNeverComeBackShort(selectivity: Double) throws {
        let index = try fixture.makeIndex()
        var generator = SeededGenerator(seed: UInt64(selectivity * 1000))
        let matchCount = max(1, Int(Double(fixture.count) * selectivity))
        let allowed = IDFilter(fixture.ids.shuffled(using: &generator).prefix(matchCount))
        let k = 10
        var exactCount = 0
        var recall = 0.0
        for q in 0..<fixture.queryCount {
            let result = try index.search(fixture.query(q), k: k, options: SearchOptions(filter: allowed))
            #expect(result.neighbors.count == min(k, matchCount))
            #expect(result.ids.allSatisfy { allowed.contains($0) })
            if result.isExact { exactCount += 1 }
            let exact = Reference.topK(fixture.query(q), base: fixture.vectors, ids: fixture.ids,
                                       dimensions: HNSWFixture.dimensions, metric: .cosine, k: k) { allowed.contains($0) }
            if result.isExact { #expect(result.ids == exact.map(\.id)) }
            recall += Reference.recall(found: result.ids, exact: exact.map(\.id))
        }
        recall /= Double(fixture.queryCount)
        #expect(recall >= 0.95, "filtered recall \(recall) at selectivity \(selectivity)")
        // Selective filters are answered exactly; an unselective one by the graph.
        if selectivity <= 0.01 { #expect(exactCount == fixture.queryCount) }
        if selectivity == 1.0 { #expect(exactCount < fixture.queryCount) }
    }

    @Test func filterWithIdsOutsideTheIndexStillFillsK() throws {
        let index = try fixture.makeIndex()
        // 12 real ids hidden among ids the index never saw.
        let allowed = IDFilter(Array(fixture.ids.suffix(12)) + (0..<2000).map { 1_000_000 + $0 })
        let result = try index.search(fixture.query(1), k: 10, options: SearchOptions(filter: allowed))
        #expect(result.neighbors.count == 10)
        #expect(Set(result.ids).isSubset(of: Set(fixture.ids.suffix(12))))
    }

    @Test func smallIndexesAnswerExactly() throws {
        let index = try HNSWIndex(dimensions: 3, metric: .l2)
        try index.add([0, 0, 0, 1, 0, 0, 0, 2, 0], ids: [7, 8, 9])
        let result = try index.search([0.9, 0, 0], k: 2)
        #expect(result.ids == [8, 7])
        #expect(result.isExact)
        #expect(approximatelyEqual(Double(result.neighbors[0].distance), 0.1))
    }

    @Test func concurrentSearchesWhileAdding() async throws {
        let index = try HNSWIndex(dimensions: HNSWFixture.dimensions, metric: .cosine,
                                  parameters: HNSWParameters(m: 12, efConstruction: 80, buildThreads: 2))
        let half = fixture.count / 2
        try index.add(Array(fixture.vectors.prefix(half * HNSWFixture.dimensions)), ids: Array(fixture.ids.prefix(half)))
        try await fixture.addWhileSearching(index, from: half, searchers: 3)
        #expect(index.count == fixture.count)
        #expect(index.invariantViolations().isEmpty)
        #expect(try fixture.recall(index) >= 0.95)
    }

    @Test func badInputIsRejected() throws {
        let index = try fixture.makeIndex()
        #expect(throws: VectorIndexError.self) { try index.add([Float](repeating: .nan, count: HNSWFixture.dimensions), ids: [1]) }
        #expect(throws: VectorIndexError.self) { try index.search([1, 2, 3], k: 3) }
        #expect(throws: VectorIndexError.self) { try index.search(fixture.query(0), k: 0) }
        #expect(throws: VectorIndexError.self) { try index.search(fixture.query(0), k: 3, options: SearchOptions(efSearch: 0)) }
        #expect(throws: VectorIndexError.self) { try HNSWIndex(dimensions: 4, metric: .l2, parameters: HNSWParameters(m: 1)) }
        #expect(index.count == fixture.count)
    }
}

extension Array {
    func chunked(into size: Int) -> [[Element]] {
        stride(from: 0, to: count, by: size).map { Array(self[$0..<Swift.min($0 + size, count)]) }
    }
}
