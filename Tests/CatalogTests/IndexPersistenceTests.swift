import Catalog
import CatalogTestSupport
import Foundation
import Testing
import TestSupport

@Suite struct IndexPersistenceTests {
    static let hnsw = IndexSettings(kind: .hnsw, m: 8, efConstruction: 64)

    func importVectors(_ fixture: CatalogFixture, count: Int = 300, seed: UInt64 = 7) async throws -> [Float] {
        let values = CatalogFixture.vectors(count: count, dimensions: 16, seed: seed)
        let path = fixture.write("v\(seed).ndjson", CatalogFixture.ndjson(values, dimensions: 16))
        _ = try await fixture.catalog.importVectors(.ndjson(path: path), into: "vecs", in: "test")
        return values
    }

    func top(_ catalog: Catalog, _ query: [Float]) async throws -> [String] {
        try await catalog.search(SearchRequest(dataset: "test", space: "vecs", query: .vector(query), k: 5, efSearch: 300)).hits.map(\.rowID)
    }

    @Test func indexIsSavedLoadedAndRebuiltWhenMissing() async throws {
        let fixture = try await CatalogFixture(rows: 300, dimensions: 16, index: Self.hnsw)
        let values = try await importVectors(fixture)
        let first = try await fixture.catalog.prepareIndex(space: "vecs", in: "test")
        #expect(first.source == "rebuilt" && first.kind == "hnsw" && first.vectors == 300)
        let space = try await fixture.catalog.space("vecs", in: "test")
        let indexFile = fixture.folder.file("indexes/\(space.id).loupeidx")
        #expect(FileManager.default.fileExists(atPath: indexFile))
        let query = TestData.row(values, 42, dimensions: 16)
        let before = try await top(fixture.catalog, query)

        let reopened = try await fixture.reopen()
        #expect(try await reopened.prepareIndex(space: "vecs", in: "test").source == "file")
        #expect(try await top(reopened, query) == before)
        #expect(try await reopened.prepareIndex(space: "vecs", in: "test").source == "memory")

        await reopened.close()
        try FileManager.default.removeItem(atPath: indexFile)
        let third = try await fixture.reopen()
        let rebuilt = try await third.prepareIndex(space: "vecs", in: "test")
        #expect(rebuilt.source == "rebuilt" && rebuilt.reason == "no index file")
        #expect(try await top(third, query).first == "r42")
    }

    @Test func staleOrDamagedIndexFilesAreRebuilt() async throws {
        let fixture = try await CatalogFixture(rows: 300, dimensions: 16, index: Self.hnsw)
        _ = try await importVectors(fixture)
        _ = try await fixture.catalog.prepareIndex(space: "vecs", in: "test")
        await fixture.catalog.close()
        // Another process changes the vectors without touching the index file.
        let other = try await Catalog.open(CatalogConfiguration(dataDirectory: fixture.folder.path, runsJobs: false))
        let moved = CatalogFixture.vectors(count: 1, dimensions: 16, seed: 99)
        _ = try await other.putVectors([("r0", moved)], into: "vecs", in: "test")
        let reopened = try await fixture.reopen()
        let stale = try await reopened.prepareIndex(space: "vecs", in: "test")
        #expect(stale.source == "rebuilt" && stale.reason?.contains("stale") == true)
        #expect(try await top(reopened, moved).first == "r0")

        // A write by another process while this one has the index loaded: rebuilt at next use.
        let again = CatalogFixture.vectors(count: 1, dimensions: 16, seed: 123)
        _ = try await other.putVectors([("r1", again)], into: "vecs", in: "test")
        #expect(try await top(reopened, again).first == "r1")

        await reopened.close()
        let space = try await other.space("vecs", in: "test")
        let indexFile = fixture.folder.file("indexes/\(space.id).loupeidx")
        var bytes = try Data(contentsOf: URL(fileURLWithPath: indexFile))
        bytes[bytes.count / 2] ^= 0xFF
        try bytes.write(to: URL(fileURLWithPath: indexFile))
        let damaged = try await fixture.reopen()
        let report = try await damaged.prepareIndex(space: "vecs", in: "test")
        #expect(report.source == "rebuilt")
        #expect(report.reason?.contains("cannot be read") == true)
    }

    @Test func deletesAndImportsUpdateTheLoadedIndexInPlace() async throws {
        let fixture = try await CatalogFixture(rows: 400, dimensions: 16, index: IndexSettings(kind: .auto, flatThreshold: 350, m: 8, efConstruction: 64))
        let values = try await importVectors(fixture, count: 300)
        #expect(try await fixture.catalog.prepareIndex(space: "vecs", in: "test").kind == "flat")
        let query = TestData.row(values, 7, dimensions: 16)
        #expect(try await top(fixture.catalog, query).first == "r7")
        try await fixture.catalog.deleteRows(["r7"], from: "test")
        #expect(try await fixture.catalog.prepareIndex(space: "vecs", in: "test").source == "memory")
        #expect(try await !top(fixture.catalog, query).contains("r7"))
        #expect(try await fixture.catalog.deleteVectors(rows: ["r8"], space: "vecs", in: "test") == 1)
        #expect(try await !top(fixture.catalog, TestData.row(values, 8, dimensions: 16)).contains("r8"))
        #expect(try await fixture.catalog.space("vecs", in: "test").vectorCount == 298)
        // Crossing the flat threshold switches to HNSW.
        let more = CatalogFixture.vectors(count: 400, dimensions: 16, seed: 3)
        let path = fixture.write("more.ndjson", CatalogFixture.ndjson(more, dimensions: 16))
        let report = try await fixture.catalog.importVectors(.ndjson(path: path), into: "vecs", in: "test")
        #expect(report.stored == 399 && report.errors.map(\.line) == [8])  // r7 is gone
        let index = try await fixture.catalog.prepareIndex(space: "vecs", in: "test")
        #expect(index.kind == "hnsw" && index.vectors == 399)
        #expect(try await top(fixture.catalog, TestData.row(more, 100, dimensions: 16)).first == "r100")
    }

    @Test func searchFollowsAnotherProcessReplacingTheDatasetUnderTheSameNames() async throws {
        let fixture = try await CatalogFixture(rows: 300, dimensions: 16, index: Self.hnsw)
        let values = try await importVectors(fixture)
        let query = TestData.row(values, 5, dimensions: 16)
        #expect(try await top(fixture.catalog, query).first == "r5")  // space, index and row ids now in memory
        // Another process deletes the dataset and makes it again under the same names: the
        // same slots now hold other rows.
        let other = try await Catalog.open(CatalogConfiguration(dataDirectory: fixture.folder.path, runsJobs: false))
        try await other.deleteDataset("test")
        _ = try await other.createDataset(NewDataset(name: "test"))
        _ = try await other.addRows((0..<300).map { NewDataRow(id: "x\($0)", rowData: "row \($0)", mediaType: .text) }, to: "test")
        _ = try await other.createSpace(NewEmbeddingSpace(name: "vecs", dimensions: 16, metric: .cosine, index: Self.hnsw), in: "test")
        let path = fixture.write("x.ndjson", CatalogFixture.ndjson(values, dimensions: 16, prefix: "x"))
        _ = try await other.importVectors(.ndjson(path: path), into: "vecs", in: "test")
        #expect(try await top(fixture.catalog, query).first == "x5")
        await other.close()
    }

    @Test func rowsAddedAfterTheIndexLoadedAnswerWithTheirIDs() async throws {
        let fixture = try await CatalogFixture(rows: 300, dimensions: 16, index: Self.hnsw)
        _ = try await importVectors(fixture)
        _ = try await fixture.catalog.prepareIndex(space: "vecs", in: "test")
        let far = CatalogFixture.vectors(count: 2, dimensions: 16, seed: 404)
        _ = try await fixture.catalog.addRows([NewDataRow(id: "late-0", rowData: "late", mediaType: .text),
                                               NewDataRow(id: "late-1", rowData: "late", mediaType: .text)], to: "test")
        _ = try await fixture.catalog.putVectors([("late-0", TestData.row(far, 0, dimensions: 16)), ("late-1", TestData.row(far, 1, dimensions: 16))],
                                                 into: "vecs", in: "test")
        #expect(try await fixture.catalog.prepareIndex(space: "vecs", in: "test").source == "memory")
        #expect(try await top(fixture.catalog, TestData.row(far, 1, dimensions: 16)).first == "late-1")
        #expect(try await top(fixture.catalog, TestData.row(far, 0, dimensions: 16)).first == "late-0")
        try await fixture.catalog.deleteRows(["late-1"], from: "test")
        #expect(try await !top(fixture.catalog, TestData.row(far, 1, dimensions: 16)).contains("late-1"))
    }
}
