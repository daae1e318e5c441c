import Foundation
import Testing
import TestSupport
import VectorIndex
import VectorMath

/// The two bulk-built trees, tested by one suite.
enum TreeKind: String, CaseIterable, CustomStringConvertible, Sendable {
    case kd, vp

    var description: String { rawValue }

    /// The metrics the tree accepts (a VP-tree needs a true metric).
    var metrics: [Metric] { self == .kd ? Metric.allCases : [.cosine, .l2] }

    func make(dimensions: Int, metric: Metric, parameters: TreeParameters = TreeParameters()) throws -> TreeIndex {
        switch self {
        case .kd: try KDTreeIndex(dimensions: dimensions, metric: metric, parameters: parameters)
        case .vp: try VPTreeIndex(dimensions: dimensions, metric: metric, parameters: parameters)
        }
    }

    func load(_ path: String) throws -> TreeIndex {
        switch self {
        case .kd: try KDTreeIndex.load(from: path)
        case .vp: try VPTreeIndex.load(from: path)
        }
    }
}

/// Seeded clustered vectors with ids that are not positions, and fresh queries from the same mixture.
struct TreeFixture {
    let dimensions: Int
    let vectors: [Float]
    let ids: [UInt32]
    let queries: [Float]
    let queryCount: Int

    init(count: Int, dimensions: Int, queryCount: Int = 10, seed: UInt64 = 11) {
        self.dimensions = dimensions
        self.queryCount = queryCount
        let all = TestData.clustered(count: count + queryCount, dimensions: dimensions, clusters: 12, seed: seed)
        vectors = Array(all.prefix(count * dimensions))
        queries = Array(all.suffix(queryCount * dimensions))
        var generator = SeededGenerator(seed: seed)
        ids = (0..<UInt32(count)).map { $0 * 5 + 2 }.shuffled(using: &generator)
    }

    func query(_ q: Int) -> [Float] { TestData.row(queries, q, dimensions: dimensions) }

    func makeIndex(_ kind: TreeKind, metric: Metric, parameters: TreeParameters = TreeParameters()) throws -> TreeIndex {
        let index = try kind.make(dimensions: dimensions, metric: metric, parameters: parameters)
        try index.add(vectors, ids: ids)
        return index
    }

    /// Every stored vector ranked for `query` by the index's own kernels.
    func ranking(_ query: [Float], metric: Metric, where isAllowed: (UInt32) -> Bool = { _ in true }) -> [Neighbor] {
        KernelReference.topK(query, base: vectors, ids: ids, dimensions: dimensions, metric: metric, k: ids.count, where: isAllowed)
    }
}

/// Records a mismatch between a search result and the brute-force ranking's first `k`.
func expectIdentical(_ result: SearchResult, _ ranking: [Neighbor], k: Int, _ label: String) {
    let expected = Array(ranking.prefix(k))
    #expect(result.ids == expected.map(\.id), "\(label): ids")
    #expect(result.neighbors.map(\.score) == expected.map(\.score), "\(label): scores")
    #expect(result.neighbors.map(\.distance) == expected.map(\.distance), "\(label): distances")
}

@Suite struct TreeIndexTests {
    @Test(arguments: TreeKind.allCases, [2, 3, 8, 16, 64])
    func exactSearchIsIdenticalToBruteForce(kind: TreeKind, dimensions: Int) throws {
        let fixture = TreeFixture(count: 700, dimensions: dimensions)
        for metric in kind.metrics {
            let index = try fixture.makeIndex(kind, metric: metric, parameters: TreeParameters(leafSize: 16))
            #expect(index.count == 700)
            #expect(index.shape.buffered == 0 && index.shape.nodes > 1)
            #expect(index.invariantViolations().isEmpty, "\(kind) \(metric) d=\(dimensions)")
            for q in 0..<fixture.queryCount {
                let ranking = fixture.ranking(fixture.query(q), metric: metric)
                for k in [1, 10, 64, 703] {
                    let result = try index.search(fixture.query(q), k: k)
                    #expect(result.isExact)
                    expectIdentical(result, ranking, k: k, "\(kind) \(metric) d=\(dimensions) q=\(q) k=\(k)")
                }
                // Scores agree with an independent double-precision reference too.
                let reference = Reference.topK(fixture.query(q), base: fixture.vectors, ids: fixture.ids,
                                               dimensions: dimensions, metric: metric, k: 10)
                let result = try index.search(fixture.query(q), k: 10)
                for (hit, truth) in zip(result.neighbors, reference) {
                    #expect(approximatelyEqual(Double(hit.score), truth.score, absolute: 1e-4, relative: 1e-4))
                }
            }
        }
    }

    @Test(arguments: TreeKind.allCases)
    func lowDimensionalQueriesScoreFewVectors(kind: TreeKind) throws {
        let fixture = TreeFixture(count: 4000, dimensions: 2, queryCount: 20)
        let index = try fixture.makeIndex(kind, metric: .l2)
        var scored = 0
        for q in 0..<fixture.queryCount { scored += try index.search(fixture.query(q), k: 5).candidatesScored }
        #expect(scored / fixture.queryCount < 4000 / 10, "\(kind) scores \(scored / fixture.queryCount) of 4000 per query")
    }

    @Test(arguments: TreeKind.allCases)
    func duplicatesAndTiesBreakByLowerID(kind: TreeKind) throws {
        // 40 distinct points, each stored 9 times under scattered ids, plus a grid where many
        // rows are at exactly the same distance from a grid query.
        var generator = SeededGenerator(seed: 3)
        let distinct = TestData.uniform(count: 40, dimensions: 3, seed: 8)
        var vectors: [Float] = [], ids: [UInt32] = []
        for copy in 0..<9 {
            for point in 0..<40 {
                vectors += TestData.row(distinct, point, dimensions: 3)
                ids.append(UInt32(point * 97 + (8 - copy) * 13))
            }
        }
        for x in 0..<12 {
            for y in 0..<12 {
                vectors += [Float(x), Float(y), 5]
                ids.append(UInt32(10_000 + ((x * 7 + y * 5) % 144) * 3 + (x + y) % 3))
            }
        }
        let order = Array(ids.indices).shuffled(using: &generator)
        let shuffledVectors = order.flatMap { TestData.row(vectors, $0, dimensions: 3) }
        let shuffledIDs = order.map { ids[$0] }
        #expect(Set(shuffledIDs).count == shuffledIDs.count)
        for metric in kind.metrics {
            let index = try kind.make(dimensions: 3, metric: metric, parameters: TreeParameters(leafSize: 4))
            try index.add(shuffledVectors, ids: shuffledIDs)
            #expect(index.invariantViolations().isEmpty)
            let queries = [TestData.row(distinct, 0, dimensions: 3), TestData.row(distinct, 7, dimensions: 3),
                           [5.5, 5.5, 5], [6, 6, 5], [0, 0, 5], [3, 8, 5.5]]
            for query in queries {
                let ranking = KernelReference.topK(query, base: shuffledVectors, ids: shuffledIDs, dimensions: 3,
                                                   metric: metric, k: shuffledIDs.count)
                for k in [1, 4, 9, 13, 30] {
                    expectIdentical(try index.search(query, k: k), ranking, k: k, "\(kind) \(metric) \(query) k=\(k)")
                }
            }
        }
    }

    @Test(arguments: TreeKind.allCases)
    func removedVectorsAreNeverReturnedAndTombstonesCompact(kind: TreeKind) throws {
        let fixture = TreeFixture(count: 1000, dimensions: 6)
        let index = try fixture.makeIndex(kind, metric: .l2)
        var removed = Set(fixture.ids.enumerated().filter { $0.offset % 7 == 0 }.map(\.element))
        #expect(index.remove(Array(removed)) == removed.count)
        #expect(index.remove(Array(removed)) == 0)
        #expect(index.shape.tombstones == removed.count)
        #expect(index.count == 1000 - removed.count)
        func check(_ label: String) throws {
            for q in 0..<fixture.queryCount {
                let ranking = fixture.ranking(fixture.query(q), metric: .l2) { !removed.contains($0) }
                let result = try index.search(fixture.query(q), k: 25)
                #expect(result.ids.allSatisfy { !removed.contains($0) })
                expectIdentical(result, ranking, k: 25, "\(kind) \(label) q=\(q)")
            }
            // Searching for a removed vector itself never finds it.
            for id in removed.prefix(20) {
                let row = fixture.ids.firstIndex(of: id)!
                #expect(try !index.search(TestData.row(fixture.vectors, row, dimensions: 6), k: 3).ids.contains(id))
                #expect(!index.contains(id) && index.vector(for: id) == nil)
            }
            #expect(index.invariantViolations().isEmpty)
        }
        try check("tombstones")
        // Past a quarter of the tree, a compaction drops them.
        removed.formUnion(fixture.ids.enumerated().filter { $0.offset % 3 == 1 }.map(\.element))
        index.remove(Array(removed))
        #expect(index.shape.tombstones == 0 && index.shape.treeVectors == index.count)
        try check("compacted")
    }

    @Test(arguments: TreeKind.allCases)
    func addsGoToTheBufferUntilARebuild(kind: TreeKind) throws {
        let fixture = TreeFixture(count: 1200, dimensions: 5)
        let index = try kind.make(dimensions: 5, metric: .cosine)
        let first = 1000
        try index.add(Array(fixture.vectors.prefix(first * 5)), ids: Array(fixture.ids.prefix(first)))
        #expect(index.shape == TreeIndex.Shape(nodes: index.shape.nodes, treeVectors: first, tombstones: 0, buffered: 0, depth: index.shape.depth))
        // 60 more fit in the buffer (10% of the tree) and are found by every search.
        try index.add(Array(fixture.vectors[first * 5..<(first + 60) * 5]), ids: Array(fixture.ids[first..<first + 60]))
        #expect(index.shape.buffered == 60 && index.count == first + 60)
        let present = Set(fixture.ids.prefix(first + 60))
        for q in 0..<fixture.queryCount {
            expectIdentical(try index.search(fixture.query(q), k: 30),
                            fixture.ranking(fixture.query(q), metric: .cosine) { present.contains($0) }, k: 30, "\(kind) buffered q=\(q)")
        }
        // Replacing a buffered id and a tree id: the new vectors are found, the old ones are gone.
        let treeID = fixture.ids[3], bufferedID = fixture.ids[first + 2]
        try index.add(fixture.query(0) + fixture.query(1), ids: [treeID, bufferedID])
        #expect(index.count == first + 60 && index.shape.tombstones == 1)
        #expect(try index.search(fixture.query(0), k: 1).ids == [treeID])
        #expect(try index.search(fixture.query(1), k: 1).ids == [bufferedID])
        #expect(index.vector(for: treeID) == Vectors.normalized(fixture.query(0)))
        // The rest pushes the buffer past its fraction: one rebuild folds everything in.
        try index.add(Array(fixture.vectors[(first + 60) * 5..<1200 * 5]), ids: Array(fixture.ids[(first + 60)...]))
        #expect(index.shape.buffered == 0 && index.shape.tombstones == 0 && index.shape.treeVectors == 1200)
        #expect(index.invariantViolations().isEmpty)
        #expect(try index.search(fixture.query(1), k: 1).ids == [bufferedID])
    }

    @Test(arguments: TreeKind.allCases)
    func smallIndexesLiveInTheBuffer(kind: TreeKind) throws {
        let index = try kind.make(dimensions: 3, metric: .l2)
        #expect(try index.search([0, 0, 0], k: 5).neighbors.isEmpty)
        try index.add([1, 0, 0, 0, 2, 0, 0, 0, 3], ids: [7, 8, 9])
        #expect(index.shape.nodes == 0 && index.shape.buffered == 3)
        let result = try index.search([0, 0, 0], k: 5)
        #expect(result.ids == [7, 8, 9] && result.isExact && result.candidatesScored == 3)
        // A huge k asks for no more memory than the index holds vectors.
        #expect(try index.search([0, 0, 0], k: Int.max / 2).ids == [7, 8, 9])
        #expect(try index.search([0, 0, 0], k: Int.max / 2, options: SearchOptions(filter: IDFilter([8]))).ids == [8])
        #expect(result.neighbors.map(\.score) == [-1, -2, -3])
        index.rebuild()
        #expect(index.shape.nodes == 1 && index.shape.buffered == 0)
        #expect(try index.search([0, 0, 0], k: 2).ids == [7, 8])
        index.remove([7, 8, 9])
        #expect(try index.search([0, 0, 0], k: 2).neighbors.isEmpty && index.count == 0)
    }

    @Test(arguments: TreeKind.allCases)
    func filteredSearchIsExactAndNeverShort(kind: TreeKind) throws {
        let fixture = TreeFixture(count: 1500, dimensions: 4)
        for metric in kind.metrics {
            let index = try fixture.makeIndex(kind, metric: metric)
            index.remove(Array(fixture.ids.prefix(40)))
            let removed = Set(fixture.ids.prefix(40))
            let half = IDFilter(fixture.ids.filter { $0 % 2 == 0 })
            let few = IDFilter(fixture.ids.suffix(7) + fixture.ids.prefix(3) + [999_999])
            for (name, filter) in [("half", half), ("few", few)] {
                for q in 0..<fixture.queryCount {
                    let ranking = fixture.ranking(fixture.query(q), metric: metric) { filter.contains($0) && !removed.contains($0) }
                    let result = try index.search(fixture.query(q), k: 10, options: SearchOptions(filter: filter))
                    #expect(result.isExact)
                    expectIdentical(result, ranking, k: 10, "\(kind) \(metric) \(name) q=\(q)")
                }
            }
            // The selective filter is answered by scoring its live members alone.
            #expect(try index.search(fixture.query(0), k: 10, options: SearchOptions(filter: few)).candidatesScored == 7)
        }
    }

    @Test(arguments: TreeKind.allCases)
    func minimumScoreAndBatchSearch(kind: TreeKind) throws {
        let fixture = TreeFixture(count: 900, dimensions: 8)
        let index = try fixture.makeIndex(kind, metric: .cosine)
        let all = try index.search(fixture.query(0), k: 40)
        let threshold = all.neighbors[14].score
        let above = try index.search(fixture.query(0), k: 40, options: SearchOptions(minimumScore: threshold))
        #expect(above.ids == Array(all.ids.prefix(above.neighbors.count)))
        #expect(above.neighbors.count >= 15 && above.neighbors.allSatisfy { $0.score >= threshold })
        let batch = try index.search(batch: fixture.queries, k: 7)
        #expect(batch.count == fixture.queryCount)
        for q in 0..<fixture.queryCount {
            let single = try index.search(fixture.query(q), k: 7)
            #expect(batch[q].ids == single.ids && batch[q].neighbors.map(\.score) == single.neighbors.map(\.score))
        }
    }

    @Test(arguments: TreeKind.allCases)
    func badInputIsRejectedWithAReason(kind: TreeKind) throws {
        let index = try kind.make(dimensions: 4, metric: .cosine)
        try index.add([1, 2, 3, 4], ids: [1])
        expectIndexError(.invalidVector) { _ = try index.search([1, 2, 3], k: 1) }
        expectIndexError(.invalidVector) { _ = try index.search([1, .nan, 3, 4], k: 1) }
        expectIndexError(.invalidArgument) { _ = try index.search([1, 2, 3, 4], k: 0) }
        expectIndexError(.invalidVector) { _ = try index.search(batch: [1, 2, 3, 4, 5], k: 1) }
        expectIndexError(.invalidVector) { try index.add([0, 0, 0, 0], ids: [2]) }
        expectIndexError(.invalidVector) { try index.add([1, 2, .infinity, 4], ids: [2]) }
        expectIndexError(.invalidArgument) { try index.add([1, 2, 3, 4], ids: [2, 3]) }
        #expect(index.count == 1)
        expectIndexError(.invalidArgument) { _ = try kind.make(dimensions: 0, metric: .l2) }
        expectIndexError(.invalidArgument) { _ = try kind.make(dimensions: 4, metric: .l2, parameters: TreeParameters(leafSize: 2)) }
        expectIndexError(.invalidArgument) { _ = try kind.make(dimensions: 4, metric: .l2, parameters: TreeParameters(rebuildFraction: 0)) }
        expectIndexError(.invalidArgument) { _ = try kind.make(dimensions: 4, metric: .l2, parameters: TreeParameters(compactionFraction: 1.5)) }
        if kind == .vp {
            expectIndexError(.invalidArgument) { _ = try VPTreeIndex(dimensions: 4, metric: .innerProduct) }
            expectIndexError(.invalidArgument) { _ = try VPTreeIndex(dimensions: 4, metric: .l2, searchBudget: 0) }
            expectIndexError(.invalidArgument) { _ = try (index as! VPTreeIndex).search([1, 2, 3, 4], k: 1, maxScored: 0) }
        }
    }

    @Test(arguments: TreeKind.allCases)
    func concurrentSearchesAndWrites(kind: TreeKind) throws {
        let fixture = TreeFixture(count: 800, dimensions: 3)
        let index = try fixture.makeIndex(kind, metric: .l2)
        let extra = TestData.uniform(count: 400, dimensions: 3, seed: 99)
        let failures = UncheckedBox(0)
        DispatchQueue.concurrentPerform(iterations: 4) { worker in
            for step in 0..<100 {
                if worker == 0 {
                    try? index.add(TestData.row(extra, step, dimensions: 3), ids: [UInt32(100_000 + step)])
                    if step % 3 == 0 { index.remove([fixture.ids[step]]) }
                } else if let result = try? index.search(fixture.query(step % fixture.queryCount), k: 5), result.ids.count != 5 {
                    failures.withLock { $0 += 1 }
                }
            }
        }
        #expect(failures.withLock { $0 } == 0)
        #expect(index.count == 800 + 100 - 34)
        #expect(index.invariantViolations().isEmpty)
    }
}

/// A counter shared by test threads.
final class UncheckedBox<Value>: @unchecked Sendable {
    // @unchecked: `value` is only touched under `lock`.
    private let lock = NSLock()
    private var value: Value
    init(_ value: Value) { self.value = value }
    func withLock<T>(_ body: (inout Value) -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        return body(&value)
    }
}
