import Testing
import TestSupport
import VectorIndex
import VectorMath

@Suite struct FlatIndexTests {
    static let dimensions = 19

    static func makeIndex(metric: Metric, count: Int = 300, seed: UInt64 = 1) throws -> (FlatIndex, [Float], [UInt32]) {
        let index = try FlatIndex(dimensions: dimensions, metric: metric)
        let vectors = TestData.uniform(count: count, dimensions: dimensions, seed: seed)
        // Ids are not positions: spread them out to catch slot/id mix-ups.
        let ids = (0..<UInt32(count)).map { $0 * 7 + 3 }
        try index.add(vectors, ids: ids)
        return (index, vectors, ids)
    }

    @Test(arguments: Metric.allCases)
    func resultsEqualANaiveLoop(metric: Metric) throws {
        let (index, vectors, ids) = try Self.makeIndex(metric: metric)
        for q in 0..<20 {
            let query = TestData.uniform(count: 1, dimensions: Self.dimensions, seed: 1000 + UInt64(q))
            let result = try index.search(query, k: 10)
            let expected = Reference.topK(query, base: vectors, ids: ids, dimensions: Self.dimensions, metric: metric, k: 10)
            #expect(result.isExact)
            #expect(result.candidatesScored == ids.count)
            #expect(result.ids == expected.map(\.id))
            for (hit, truth) in zip(result.neighbors, expected) {
                #expect(approximatelyEqual(Double(hit.score), truth.score, absolute: 1e-4))
            }
        }
    }

    @Test(arguments: Metric.allCases)
    func batchSearchEqualsSingleSearch(metric: Metric) throws {
        let (index, _, _) = try Self.makeIndex(metric: metric, count: 2500)
        let queries = TestData.uniform(count: 40, dimensions: Self.dimensions, seed: 77)
        let batch = try index.search(batch: queries, k: 7)
        #expect(batch.count == 40)
        for q in 0..<40 {
            let single = try index.search(TestData.row(queries, q, dimensions: Self.dimensions), k: 7)
            #expect(batch[q].ids == single.ids)
            for (a, b) in zip(batch[q].neighbors, single.neighbors) {
                #expect(approximatelyEqual(Double(a.score), Double(b.score), absolute: 1e-4))
            }
        }
    }

    @Test func removedVectorsAreNeverReturnedAndSpaceIsReused() throws {
        let (index, vectors, ids) = try Self.makeIndex(metric: .l2)
        let removed = Set(ids.enumerated().filter { $0.offset % 3 == 0 }.map(\.element))
        #expect(index.remove(Array(removed)) == removed.count)
        #expect(index.remove(Array(removed)) == 0)
        #expect(index.count == ids.count - removed.count)
        for row in 0..<30 {
            let result = try index.search(TestData.row(vectors, row, dimensions: Self.dimensions), k: 20)
            #expect(result.ids.allSatisfy { !removed.contains($0) })
            let expected = Reference.topK(TestData.row(vectors, row, dimensions: Self.dimensions), base: vectors, ids: ids,
                                          dimensions: Self.dimensions, metric: .l2, k: 20) { !removed.contains($0) }
            #expect(result.ids == expected.map(\.id))
        }
        for id in removed { #expect(!index.contains(id) && index.vector(for: id) == nil) }
    }

    @Test func filterReturnsOnlyAllowedIdsAndIsExact() throws {
        let (index, vectors, ids) = try Self.makeIndex(metric: .cosine)
        let allowed = IDFilter(ids.filter { $0 % 5 == 0 })
        let query = TestData.row(vectors, 5, dimensions: Self.dimensions)
        let result = try index.search(query, k: 10, options: SearchOptions(filter: allowed))
        let expected = Reference.topK(query, base: vectors, ids: ids, dimensions: Self.dimensions, metric: .cosine, k: 10) { allowed.contains($0) }
        #expect(result.ids == expected.map(\.id))
        #expect(result.isExact)
        #expect(result.candidatesScored == ids.filter { allowed.contains($0) }.count)
    }

    @Test func minimumScoreDropsWeakerHits() throws {
        let (index, vectors, _) = try Self.makeIndex(metric: .cosine)
        let query = TestData.row(vectors, 0, dimensions: Self.dimensions)
        let all = try index.search(query, k: 50)
        let threshold = all.neighbors[9].score
        let kept = try index.search(query, k: 50, options: SearchOptions(minimumScore: threshold))
        #expect(kept.neighbors.count >= 10 && kept.neighbors.allSatisfy { $0.score >= threshold })
        #expect(kept.neighbors.count < 50)
    }

    @Test func readdingAnIdReplacesItsVector() throws {
        let index = try FlatIndex(dimensions: 3, metric: .l2)
        try index.add([1, 0, 0, 0, 1, 0], ids: [10, 20])
        try index.add([0, 0, 1], ids: [10])
        #expect(index.count == 2)
        #expect(index.vector(for: 10) == [0, 0, 1])
        #expect(try index.search([0, 0, 0.9], k: 1).ids == [10])
    }

    @Test func badInputIsRejectedAndNothingIsAdded() throws {
        let index = try FlatIndex(dimensions: 3, metric: .cosine)
        #expect(throws: VectorIndexError.self) { try index.add([1, 2, 3, 4, .nan, 6], ids: [1, 2]) }
        #expect(throws: VectorIndexError.self) { try index.add([1, 2, 3, 4], ids: [1, 2]) }
        #expect(throws: VectorIndexError.self) { try index.add([0, 0, 0], ids: [1]) }
        #expect(index.count == 0)
        try index.add([1, 2, 3], ids: [1])
        #expect(throws: VectorIndexError.self) { try index.search([1, 2], k: 1) }
        #expect(throws: VectorIndexError.self) { try index.search([1, .infinity, 2], k: 1) }
        #expect(throws: VectorIndexError.self) { try index.search([1, 2, 3], k: 0) }
        #expect(throws: VectorIndexError.self) { try FlatIndex(dimensions: 0, metric: .l2) }
        do {
            try index.add([1, 2, 3, 4, .nan, 6], ids: [1, 2])
        } catch let error as VectorIndexError {
            #expect(error.code == .invalidVector)
            #expect(error.message.contains("vector 1"))
        }
    }

    @Test func emptyIndexAnswersWithNothing() throws {
        let index = try FlatIndex(dimensions: 4, metric: .l2)
        let result = try index.search([1, 2, 3, 4], k: 5)
        #expect(result.neighbors.isEmpty && result.isExact)
        #expect(try index.search(batch: [1, 2, 3, 4, 5, 6, 7, 8], k: 5).allSatisfy { $0.neighbors.isEmpty })
    }
}

/// Fp16 and int8 codes speed up the first pass; exact rescoring keeps the answers right.
@Suite struct EncodedFlatIndexTests {
    static let dimensions = 32

    @Test(arguments: VectorEncoding.allCases, Metric.allCases)
    func rescoredResultsMatchExactSearch(encoding: VectorEncoding, metric: Metric) throws {
        let data = TestData.clustered(count: 3000, dimensions: Self.dimensions, clusters: 20, seed: 3)
        let ids = (0..<UInt32(3000)).map { $0 + 10 }
        let exact = try FlatIndex(dimensions: Self.dimensions, metric: metric)
        let encoded = try FlatIndex(dimensions: Self.dimensions, metric: metric, encoding: encoding, rescoreFactor: 8)
        try exact.add(data, ids: ids)
        // In two batches: the second may widen the int8 ranges and force a re-encode.
        try encoded.add(Array(data.prefix(1000 * Self.dimensions)), ids: Array(ids.prefix(1000)))
        try encoded.add(Array(data.suffix(2000 * Self.dimensions)), ids: Array(ids.suffix(2000)))
        #expect(encoded.encoding == encoding)
        let queries = TestData.clustered(count: 30, dimensions: Self.dimensions, clusters: 20, seed: 4)
        var recall = 0.0
        for q in 0..<30 {
            let query = TestData.row(queries, q, dimensions: Self.dimensions)
            let truth = try exact.search(query, k: 10)
            let found = try encoded.search(query, k: 10)
            #expect(!found.isExact)
            recall += Reference.recall(found: found.ids, exact: truth.ids)
            // Whatever is returned carries its exact score.
            for hit in found.neighbors {
                let stored = exact.vector(for: hit.id)!
                let score = metric == .l2 ? -Reference.squaredL2(query[...], stored[...]).squareRoot() : Reference.dot(
                    metric == .cosine ? Vectors.normalized(query)[...] : query[...], stored[...])
                #expect(approximatelyEqual(Double(hit.score), score, absolute: 1e-4))
            }
        }
        #expect(recall / 30 >= 0.99, "recall \(recall / 30) with \(encoding) codes, \(metric)")
    }

    @Test func deletesAndPersistenceKeepTheCodes() throws {
        let folder = try TemporaryFolder()
        let data = TestData.uniform(count: 500, dimensions: Self.dimensions, seed: 8)
        let index = try FlatIndex(dimensions: Self.dimensions, metric: .innerProduct, encoding: .int8, rescoreFactor: 4)
        try index.add(data, ids: Array(0..<500))
        index.remove(Array(0..<250))
        let query = TestData.row(data, 400, dimensions: Self.dimensions)
        let before = try index.search(query, k: 5)
        #expect(before.ids.allSatisfy { $0 >= 250 })
        try index.save(to: folder.file("int8"))
        let loaded = try FlatIndex.load(from: folder.file("int8"))
        #expect(loaded.encoding == .int8 && loaded.rescoreFactor == 4 && loaded.count == 250)
        #expect(try loaded.search(query, k: 5).ids == before.ids)
    }
}
