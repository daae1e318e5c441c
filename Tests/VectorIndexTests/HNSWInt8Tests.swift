import Foundation
import Testing
import TestSupport
import VectorIndex
import VectorMath

/// HNSW over int8 codes: the graph is built and walked on one byte per component; attached
/// exact vectors restore the order of the final candidates.
@Suite struct HNSWInt8Tests {
    let fixture = HNSWFixture()

    func makeIndex(metric: Metric, attach: Bool = true) throws -> HNSWIndex {
        let index = try HNSWIndex(dimensions: HNSWFixture.dimensions, metric: metric,
                                  parameters: HNSWParameters(m: 12, efConstruction: 100, efSearch: 64, encoding: .int8))
        try index.add(fixture.vectors, ids: fixture.ids)
        if attach {
            index.exactVectors = InMemoryVectorSource(vectors: fixture.vectors, ids: fixture.ids, dimensions: HNSWFixture.dimensions)
        }
        return index
    }

    @Test(arguments: Metric.allCases)
    func rescoredRecallMatchesFloatHNSW(metric: Metric) throws {
        let index = try makeIndex(metric: metric)
        #expect(index.invariantViolations().isEmpty)
        let recall = try fixture.recall(index, metric: metric)
        #expect(recall >= 0.97, "int8 recall@10 \(recall) for \(metric)")
        // Scores of rescored results are exact.
        let hit = try index.search(fixture.query(2), k: 3)
        for neighbor in hit.neighbors {
            let exact = Reference.score(metric, fixture.query(2)[...], index.vector(for: neighbor.id)![...])
            #expect(approximatelyEqual(Double(neighbor.score), exact, absolute: 1e-4))
        }
    }

    @Test func withoutExactVectorsResultsAreApproximateButClose() throws {
        let index = try makeIndex(metric: .cosine, attach: false)
        #expect(try fixture.recall(index) >= 0.9)
        let decoded = index.vector(for: fixture.ids[0])!
        let original = Vectors.normalized(TestData.row(fixture.vectors, 0, dimensions: HNSWFixture.dimensions))
        #expect(zip(decoded, original).allSatisfy { abs($0 - $1) < 0.05 })
    }

    @Test func codesTakeAQuarterOfTheVectorMemory() throws {
        let dimensions = 128
        let data = TestData.uniform(count: 2000, dimensions: dimensions, seed: 1)
        let ids = (0..<UInt32(2000)).map { $0 }
        let float = try HNSWIndex(dimensions: dimensions, metric: .l2, parameters: HNSWParameters(m: 8, efConstruction: 40))
        let int8 = try HNSWIndex(dimensions: dimensions, metric: .l2, parameters: HNSWParameters(m: 8, efConstruction: 40, encoding: .int8))
        try float.add(data, ids: ids)
        try int8.add(data, ids: ids)
        let ratio = Double(int8.memoryBytes) / Double(float.memoryBytes)
        #expect(ratio < 0.4, "int8/float memory \(ratio)")
    }

    @Test func deletesFiltersAndPersistenceWorkOnCodes() throws {
        let folder = try TemporaryFolder()
        let index = try makeIndex(metric: .innerProduct)
        let removed = Set(fixture.ids.prefix(1300))
        index.remove(Array(removed))
        #expect(index.invariantViolations().isEmpty)
        let allowed = IDFilter(fixture.ids.suffix(40))
        for q in 0..<10 {
            let result = try index.search(fixture.query(q), k: 10, options: SearchOptions(filter: allowed))
            #expect(result.neighbors.count == 10 && result.ids.allSatisfy { allowed.contains($0) })
            #expect(try index.search(fixture.query(q), k: 10).ids.allSatisfy { !removed.contains($0) })
        }
        try index.save(to: folder.file("int8.idx"))
        let loaded = try HNSWIndex.load(from: folder.file("int8.idx"))
        #expect(loaded.parameters.encoding == .int8)
        #expect(loaded.invariantViolations().isEmpty)
        loaded.exactVectors = index.exactVectors
        for q in 0..<10 {
            #expect(try loaded.search(fixture.query(q), k: 10).ids == index.search(fixture.query(q), k: 10).ids)
        }
    }

    @Test func memoryMappedFvecsServeAsExactVectors() throws {
        let folder = try TemporaryFolder()
        var bytes = Data()
        for row in 0..<3 {
            withUnsafeBytes(of: Int32(4)) { bytes.append(contentsOf: $0) }
            for value in [Float(row), 1, 2, 3] { withUnsafeBytes(of: value) { bytes.append(contentsOf: $0) } }
        }
        _ = FileManager.default.createFile(atPath: folder.file("v.fvecs"), contents: bytes)
        let mapped = try MappedVectorFile(path: folder.file("v.fvecs"), layout: .fvecs)
        #expect(mapped.dimensions == 4 && mapped.count == 3)
        #expect(Array(UnsafeBufferPointer(start: mapped.vector(for: 2)!, count: 4)) == [2, 1, 2, 3])
        #expect(mapped.vector(for: 3) == nil)
        _ = FileManager.default.createFile(atPath: folder.file("bad.fvecs"), contents: bytes.prefix(30))
        #expect(throws: VectorIndexError.self) { try MappedVectorFile(path: folder.file("bad.fvecs"), layout: .fvecs) }
        #expect(throws: VectorIndexError.self) { try MappedVectorFile(path: folder.file("none"), layout: .fvecs) }
    }

    @Test func float16IsRejectedForHNSW() {
        #expect(throws: VectorIndexError.self) {
            try HNSWIndex(dimensions: 8, metric: .l2, parameters: HNSWParameters(encoding: .float16))
        }
    }
}
