import Catalog
import CatalogTestSupport
import Foundation
import Testing
import TestSupport
import VectorMath

@Suite struct SearchTests {
    /// 400 rows with clustered 16-d vectors; even rows are "red".
    static func fixture(index: IndexSettings = IndexSettings(), metric: Metric = .cosine) async throws -> (CatalogFixture, [Float]) {
        let fixture = try await CatalogFixture(dimensions: 16, metric: metric, index: index)
        _ = try await fixture.catalog.addRows((0..<400).map {
            NewDataRow(id: "r\($0)", rowData: "row \($0)", mediaType: .text, metadata: ["colour": .string($0 % 2 == 0 ? "red" : "blue")])
        }, to: "test")
        let values = CatalogFixture.vectors(count: 400, dimensions: 16)
        let path = fixture.write("v.ndjson", CatalogFixture.ndjson(values, dimensions: 16))
        _ = try await fixture.catalog.importVectors(.ndjson(path: path), into: "vecs", in: "test")
        return (fixture, values)
    }

    func expectedIDs(_ query: [Float], _ values: [Float], metric: Metric = .cosine, k: Int, allowed: (Int) -> Bool = { _ in true }) -> [String] {
        Reference.topK(query, base: values, ids: (0..<400).map(UInt32.init), dimensions: 16, metric: metric, k: k,
                       where: { allowed(Int($0)) }).map { "r\($0.id)" }
    }

    @Test(arguments: [Metric.cosine, .innerProduct, .l2])
    func vectorSearchMatchesBruteForceWithAndWithoutFilters(metric: Metric) async throws {
        let (fixture, values) = try await Self.fixture(metric: metric)
        let query = TestData.row(values, 3, dimensions: 16).map { $0 + 0.01 }
        let response = try await fixture.catalog.search(SearchRequest(dataset: "test", space: "vecs", query: .vector(query), k: 10))
        #expect(response.hits.map(\.rowID) == expectedIDs(query, values, metric: metric, k: 10))
        #expect(response.isExact && response.index == "flat" && response.candidatesScored == 400 && response.filteredCount == nil)
        #expect(response.hits.map(\.score) == response.hits.map(\.score).sorted(by: >))
        let red = RowFilter(metadata: [MetadataCondition(field: "colour", .equals(.string("red")))])
        let filtered = try await fixture.catalog.search(SearchRequest(dataset: "test", space: "vecs", query: .vector(query), k: 10, filter: red,
                                                                      includeRows: true))
        #expect(filtered.hits.map(\.rowID) == expectedIDs(query, values, metric: metric, k: 10) { $0 % 2 == 0 })
        #expect(filtered.filteredCount == 200)
        #expect(filtered.hits.allSatisfy { $0.row?.metadata["colour"] == .string("red") })
    }

    @Test func hnswSearchSaysItIsApproximateAndFallsBackToExactForSelectiveFilters() async throws {
        let (fixture, values) = try await Self.fixture(index: IndexSettings(kind: .hnsw, m: 8, efConstruction: 64))
        let query = TestData.row(values, 10, dimensions: 16)
        let response = try await fixture.catalog.search(SearchRequest(dataset: "test", space: "vecs", query: .vector(query), k: 10, efSearch: 200))
        #expect(response.index == "hnsw" && !response.isExact && response.candidatesScored > 0)
        let expected = expectedIDs(query, values, k: 10)
        #expect(Set(response.hits.map(\.rowID)).intersection(expected).count >= 9)
        let few = RowFilter(rowIDs: ["r1", "r2", "r3"])
        let filtered = try await fixture.catalog.search(SearchRequest(dataset: "test", space: "vecs", query: .vector(query), k: 10, filter: few))
        #expect(filtered.isExact && filtered.hits.count == 3 && filtered.candidatesScored == 3)
    }

    @Test func anchorsAreExcludedAndNegativesPushAway() async throws {
        let (fixture, values) = try await Self.fixture()
        let response = try await fixture.catalog.search(SearchRequest(dataset: "test", space: "vecs", query: .anchors(positive: ["r5"]), k: 5))
        #expect(!response.hits.map(\.rowID).contains("r5"))
        #expect(response.hits.map(\.rowID) == Array(expectedIDs(TestData.row(values, 5, dimensions: 16), values, k: 6).dropFirst()))
        let two = try await fixture.catalog.search(SearchRequest(dataset: "test", space: "vecs",
                                                                 query: .anchors(positive: ["r5", "r6"], negative: ["r7"], negativeWeight: 0.5), k: 5))
        #expect(Set(two.hits.map(\.rowID)).isDisjoint(with: ["r5", "r6", "r7"]))
        var expected = [Float](repeating: 0, count: 16)
        for (row, weight) in [(5, Float(0.5)), (6, 0.5), (7, -0.5)] {
            var vector = TestData.row(values, row, dimensions: 16)
            vector.withUnsafeMutableBufferPointer { _ = Vectors.normalize($0) }
            for d in 0..<16 { expected[d] += weight * vector[d] }
        }
        let direct = expectedIDs(expected, values, k: 8).filter { !["r5", "r6", "r7"].contains($0) }
        #expect(two.hits.map(\.rowID) == Array(direct.prefix(5)))
        await expectCatalogError(.limitExceeded) {
            try await fixture.catalog.search(SearchRequest(dataset: "test", space: "vecs", query: .anchors(positive: (0..<21).map { "r\($0)" }), k: 5))
        }
        await expectCatalogError(.notFound) {
            try await fixture.catalog.search(SearchRequest(dataset: "test", space: "vecs", query: .anchors(positive: ["ghost"]), k: 5))
        }
        await expectCatalogError(.invalidArgument) {
            try await fixture.catalog.search(SearchRequest(dataset: "test", space: "vecs", query: .anchors(positive: []), k: 5))
        }
        _ = try await fixture.catalog.addRows([NewDataRow(id: "novector", rowData: "x", mediaType: .text)], to: "test")
        await expectCatalogError(.invalidVector) {
            try await fixture.catalog.search(SearchRequest(dataset: "test", space: "vecs", query: .anchors(positive: ["novector"]), k: 5))
        }
    }

    @Test func pagesFollowCursorsAndThresholdsCut() async throws {
        let (fixture, values) = try await Self.fixture()
        let query = TestData.row(values, 0, dimensions: 16)
        var collected: [String] = []
        var request = SearchRequest(dataset: "test", space: "vecs", query: .vector(query), k: 7)
        for _ in 0..<4 {
            let page = try await fixture.catalog.search(request)
            collected += page.hits.map(\.rowID)
            request.cursor = try #require(page.nextCursor)
        }
        #expect(collected == expectedIDs(query, values, k: 28))
        let all = try await fixture.catalog.search(SearchRequest(dataset: "test", space: "vecs", query: .vector(query), k: 400))
        #expect(all.hits.count == 400 && all.nextCursor == nil)
        let cut = all.hits[49].score
        let thresholded = try await fixture.catalog.search(SearchRequest(dataset: "test", space: "vecs", query: .vector(query), k: 400,
                                                                         threshold: .score(cut)))
        #expect(thresholded.hits.count == all.hits.filter { $0.score >= cut }.count)
        // The 90th percentile of 400 scores keeps about 40 (the sample is the whole collection here).
        let percentile = try await fixture.catalog.search(SearchRequest(dataset: "test", space: "vecs", query: .vector(query), k: 400,
                                                                        threshold: .percentile(90)))
        #expect((36...44).contains(percentile.hits.count))
        #expect(percentile.scoreThreshold != nil)
        await expectCatalogError(.invalidArgument) {
            try await fixture.catalog.search(SearchRequest(dataset: "test", space: "vecs", query: .vector(query), threshold: .percentile(101)))
        }
        await expectCatalogError(.limitExceeded) {
            try await fixture.catalog.search(SearchRequest(dataset: "test", space: "vecs", query: .vector(query), k: 10, offset: 9995))
        }
        await expectCatalogError(.invalidArgument) {
            try await fixture.catalog.search(SearchRequest(dataset: "test", space: "vecs", query: .vector(query), cursor: "zzz"))
        }
        await expectCatalogError(.invalidArgument) {
            try await fixture.catalog.search(SearchRequest(dataset: "test", space: "vecs", query: .vector(query), k: 0))
        }
    }

    @Test func badQueryVectorsAreErrors() async throws {
        let (fixture, _) = try await Self.fixture()
        await expectCatalogError(.dimensionMismatch) {
            try await fixture.catalog.search(SearchRequest(dataset: "test", space: "vecs", query: .vector([1, 2, 3])))
        }
        await expectCatalogError(.invalidVector) {
            try await fixture.catalog.search(SearchRequest(dataset: "test", space: "vecs", query: .vector([Float](repeating: .nan, count: 16))))
        }
        await expectCatalogError(.invalidVector) {
            try await fixture.catalog.search(SearchRequest(dataset: "test", space: "vecs", query: .vector([Float](repeating: 0, count: 16))))
        }
        await expectCatalogError(.unsupported) {
            try await fixture.catalog.search(SearchRequest(dataset: "test", space: "vecs", query: .text("a cat")))
        }
        await expectCatalogError(.notFound) {
            try await fixture.catalog.search(SearchRequest(dataset: "test", space: "nope", query: .vector([1])))
        }
    }

    @Test func textAndImageQueriesGoThroughTheSpacesModel() async throws {
        let fixture = try await CatalogFixture(runsJobs: true)
        let texts = ["a red apple on a table", "the green apple tree", "stock market news today", "a bowl of red apples"]
        _ = try await fixture.catalog.addRows(texts.enumerated().map { NewDataRow(id: "t\($0.offset)", rowData: $0.element, mediaType: .text) },
                                              to: "test")
        let image = fixture.write("img.png", data: Data([1, 2, 3, 4, 5, 6, 7, 8]))
        _ = try await fixture.catalog.addRows([NewDataRow(id: "img", rowData: image, mediaType: .image)], to: "test")
        let space = try await fixture.catalog.createSpace(NewEmbeddingSpace(name: "tri", kind: .model("trigram")), in: "test")
        #expect(space.dimensions == 64)
        let job = try await fixture.catalog.computeEmbeddings(space: "tri", in: "test")
        let finished = try await fixture.catalog.waitForJob(job.id)
        #expect(finished.state == .succeeded && finished.done == 5 && finished.total == 5)
        let text = try await fixture.catalog.search(SearchRequest(dataset: "test", space: "tri", query: .text("red apples"), k: 2,
                                                                  filter: RowFilter(mediaTypes: [.text])))
        #expect(Set(text.hits.map(\.rowID)) == ["t0", "t3"])
        let byImage = try await fixture.catalog.search(SearchRequest(dataset: "test", space: "tri", query: .image([1, 2, 3, 4, 5, 6, 7, 8]), k: 1))
        #expect(byImage.hits.first?.rowID == "img")
        await expectCatalogError(.invalidArgument) {
            try await fixture.catalog.search(SearchRequest(dataset: "test", space: "tri", query: .text("   ")))
        }
        // Inference without storing.
        #expect(try await fixture.catalog.embed(texts: ["x"], model: "trigram").first?.count == 64)
        #expect(try await fixture.catalog.classify(images: [[2, 2]], model: "trigram", top: 1).first?.first?.className == "even")
        await expectCatalogError(.notFound) { try await fixture.catalog.embed(texts: ["x"], model: "nope") }
    }
}
