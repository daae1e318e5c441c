import Foundation
import Testing
import TestSupport
import VectorIndex
import VectorMath

@Suite struct PersistenceTests {
    let fixture = HNSWFixture(count: 1500)

    @Test func hnswRoundTripAnswersIdentically() throws {
        let folder = try TemporaryFolder()
        let index = try fixture.makeIndex()
        index.remove(Array(fixture.ids.prefix(50)))  // deleted nodes are saved as such
        try index.save(to: folder.file("a.idx"))
        let loaded = try HNSWIndex.load(from: folder.file("a.idx"))
        #expect(loaded.count == index.count)
        #expect(loaded.nodeCount == index.nodeCount)
        #expect(loaded.parameters.m == index.parameters.m)
        #expect(loaded.invariantViolations().isEmpty)
        for q in 0..<fixture.queryCount {
            let a = try index.search(fixture.query(q), k: 10), b = try loaded.search(fixture.query(q), k: 10)
            #expect(a.ids == b.ids)
            #expect(a.neighbors.map(\.score) == b.neighbors.map(\.score))
        }
        // The loaded index keeps working: adds, deletes, more saves.
        try loaded.add(fixture.query(0), ids: [999_999])
        #expect(try loaded.search(fixture.query(0), k: 1).ids == [999_999])
        try loaded.save(to: folder.file("a.idx"))
        #expect(try HNSWIndex.load(from: folder.file("a.idx")).count == index.count + 1)
    }

    @Test func flatRoundTripAnswersIdentically() throws {
        let folder = try TemporaryFolder()
        let index = try FlatIndex(dimensions: HNSWFixture.dimensions, metric: .l2)
        try index.add(fixture.vectors, ids: fixture.ids)
        try index.save(to: folder.file("f.idx"))
        let loaded = try FlatIndex.load(from: folder.file("f.idx"))
        #expect(loaded.count == index.count && loaded.metric == .l2)
        for q in 0..<10 {
            #expect(try index.search(fixture.query(q), k: 10).ids == loaded.search(fixture.query(q), k: 10).ids)
        }
    }

    @Test func emptyIndexesRoundTrip() throws {
        let folder = try TemporaryFolder()
        try HNSWIndex(dimensions: 8, metric: .cosine).save(to: folder.file("h"))
        #expect(try HNSWIndex.load(from: folder.file("h")).count == 0)
        try FlatIndex(dimensions: 8, metric: .cosine).save(to: folder.file("f"))
        #expect(try FlatIndex.load(from: folder.file("f")).count == 0)
    }

    /// Every way a file can go bad is an error with a reason, never a crash.
    @Test func damagedFilesAreErrorsNotCrashes() throws {
        let folder = try TemporaryFolder()
        let index = try fixture.makeIndex()
        let path = folder.file("good.idx")
        try index.save(to: path)
        let good = try Data(contentsOf: URL(fileURLWithPath: path))

        let problems = DamagedFiles.misbehaviours(of: good, in: folder) { _ = try HNSWIndex.load(from: $0) }
        #expect(problems.isEmpty, "\(problems)")

        // Another index kind, and a missing file.
        try FlatIndex(dimensions: 4, metric: .l2).save(to: folder.file("flat"))
        #expect(throws: VectorIndexError.self) { try HNSWIndex.load(from: folder.file("flat")) }
        #expect(throws: VectorIndexError.self) { try FlatIndex.load(from: folder.file("missing")) }
        #expect(throws: VectorIndexError.self) { try FlatIndex.load(from: path) }
    }

    @Test func saveReplacesAtomicallyAndLeavesNoTemporaryFiles() throws {
        let folder = try TemporaryFolder()
        let path = folder.file("idx")
        let small = try FlatIndex(dimensions: 4, metric: .l2)
        try small.add([1, 2, 3, 4], ids: [1])
        try small.save(to: path)
        try small.add([5, 6, 7, 8], ids: [2])
        try small.save(to: path)
        #expect(try FlatIndex.load(from: path).count == 2)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["idx"])
        #expect(throws: VectorIndexError.self) { try small.save(to: folder.file("no/such/folder/idx")) }
    }
}
