import CVectorKernels
import Foundation
import Testing
import TestSupport
import VectorIndex
import VectorMath

@Suite struct TreePersistenceTests {
    let fixture = TreeFixture(count: 600, dimensions: 7)

    /// A saved index with a tree, tombstones and a buffer.
    func makeMixedIndex(_ kind: TreeKind, metric: Metric) throws -> TreeIndex {
        let index = try fixture.makeIndex(kind, metric: metric)
        index.remove(Array(fixture.ids.prefix(30)))
        try index.add(fixture.queries, ids: (0..<UInt32(fixture.queryCount)).map { 50_000 + $0 })
        #expect(index.shape.tombstones == 30 && index.shape.buffered == fixture.queryCount)
        return index
    }

    @Test(arguments: TreeKind.allCases)
    func roundTripAnswersIdentically(kind: TreeKind) throws {
        let folder = try TemporaryFolder()
        for metric in kind.metrics {
            let index = try makeMixedIndex(kind, metric: metric)
            let path = folder.file("\(kind)-\(metric).idx")
            try index.save(to: path)
            let loaded = try kind.load(path)
            #expect(loaded.shape == index.shape && loaded.count == index.count)
            #expect(loaded.metric == metric && loaded.parameters == index.parameters)
            #expect(loaded.invariantViolations().isEmpty)
            for q in 0..<fixture.queryCount {
                let a = try index.search(fixture.query(q), k: 12), b = try loaded.search(fixture.query(q), k: 12)
                #expect(a.ids == b.ids && a.neighbors.map(\.score) == b.neighbors.map(\.score))
            }
            for id in fixture.ids.prefix(40) { #expect(loaded.vector(for: id) == index.vector(for: id)) }
            // The loaded index keeps working.
            loaded.remove([50_000])
            try loaded.add(fixture.query(3), ids: [1])  // ties with id 50_003, and wins by its lower id
            if metric != .innerProduct {  // under inner product a vector need not be its own best match
                #expect(try loaded.search(fixture.query(3), k: 1).ids == [1])
            }
            loaded.rebuild()
            #expect(loaded.invariantViolations().isEmpty && loaded.count == index.count)
        }
    }

    @Test func budgetIsSavedWithAVPTree() throws {
        let folder = try TemporaryFolder()
        let index = try VPTreeIndex(dimensions: 7, metric: .l2, searchBudget: 123)
        try index.add(fixture.vectors, ids: fixture.ids)
        try index.save(to: folder.file("vp"))
        #expect(try VPTreeIndex.load(from: folder.file("vp")).searchBudget == 123)
    }

    @Test(arguments: TreeKind.allCases)
    func emptyIndexesRoundTrip(kind: TreeKind) throws {
        let folder = try TemporaryFolder()
        try kind.make(dimensions: 3, metric: .cosine).save(to: folder.file("e"))
        let loaded = try kind.load(folder.file("e"))
        #expect(loaded.count == 0 && loaded.dimensions == 3)
        #expect(try loaded.search([1, 0, 0], k: 3).neighbors.isEmpty)
    }

    /// Every way a file can go bad is an error with a reason, never a crash.
    @Test(arguments: TreeKind.allCases)
    func damagedFilesAreErrorsNotCrashes(kind: TreeKind) throws {
        let folder = try TemporaryFolder()
        let path = folder.file("good.idx")
        try makeMixedIndex(kind, metric: .l2).save(to: path)
        let good = try Data(contentsOf: URL(fileURLWithPath: path))

        func expectRejected(_ bytes: Data, _ label: String, code: VectorIndexError.Code = .corruptFile) {
            expectLoadRejected(bytes, in: folder, "\(kind)-\(label)", code: code) { _ = try kind.load($0) }
        }

        for damage in DamagedFiles.variants(of: good, flips: 25, seed: 21) {
            expectRejected(damage.bytes, damage.label, code: damage.code)
        }
        expectRejected(Data(repeating: 0xFF, count: 200), "noise")

        // Another kind of index, and a missing file.
        let other: TreeKind = kind == .kd ? .vp : .kd
        try other.make(dimensions: 7, metric: .l2).save(to: folder.file("other"))
        expectRejected(try Data(contentsOf: URL(fileURLWithPath: folder.file("other"))), "other-kind", code: .incompatibleFile)
        try FlatIndex(dimensions: 7, metric: .l2).save(to: folder.file("flat"))
        expectRejected(try Data(contentsOf: URL(fileURLWithPath: folder.file("flat"))), "flat", code: .incompatibleFile)
        #expect(throws: VectorIndexError.self) { _ = try kind.load(folder.file("missing")) }
    }

    /// A node table that passes its checksum but points outside the rows or loops back is refused:
    /// the file is rewritten with a forged table and fresh checksums.
    @Test(arguments: TreeKind.allCases)
    func forgedTreesAreRefused(kind: TreeKind) throws {
        let folder = try TemporaryFolder()
        let path = folder.file("good.idx")
        let index = try fixture.makeIndex(kind, metric: .l2)
        try index.save(to: path)
        let good = try IndexFileSections(data: Data(contentsOf: URL(fileURLWithPath: path)))
        let tag = kind == .kd ? "KDND" : "VPND"
        let table = try #require(good.payload(tag))
        let forgeries: [(String, (inout [UInt32]) -> Void)] = [
            ("row past the end", { $0[$0.count - 3] = 100_000 }),
            ("child before parent", { nodes in
                if let inner = stride(from: 0, to: nodes.count, by: 4).first(where: { nodes[$0 + 2] != 0 }) { nodes[inner + 2] = UInt32(inner / 4) }
            }),
            ("child past the table", { nodes in
                if let inner = stride(from: 0, to: nodes.count, by: 4).first(where: { nodes[$0 + 2] != 0 }) { nodes[inner + 3] = 1_000_000 }
            }),
            ("root not covering every row", { $0[1] = 5 }),
            ("range backwards", { $0[$0.count - 4] = $0[$0.count - 3] + 1 }),
        ]
        for (label, forge) in forgeries {
            var words = table.withUnsafeBytes { Array($0.bindMemory(to: UInt32.self)) }
            forge(&words)
            let forged = good.replacing(tag, with: words.withUnsafeBytes { Data($0) })
            expectLoadRejected(forged, in: folder, "\(kind) \(label)") { _ = try kind.load($0) }
        }
    }
}

/// The sections of an index file, to forge well-formed but inconsistent files in tests.
struct IndexFileSections {
    let header: Data
    var sections: [(tag: String, payload: Data)]

    init(data: Data) throws {
        header = data.prefix(16)
        sections = []
        var offset = 16
        while offset + 12 <= data.count {
            let tag = String(decoding: data[offset..<offset + 4], as: UTF8.self)
            let length = Int(data[offset + 4..<offset + 12].withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) })
            sections.append((tag, Data(data[offset + 12..<offset + 12 + length])))
            offset += 12 + length + 8
        }
    }

    func payload(_ tag: String) -> Data? { sections.first { $0.tag == tag }?.payload }

    /// The file with one section's payload replaced and its checksum recomputed.
    func replacing(_ tag: String, with payload: Data) -> Data {
        var out = header
        for section in sections {
            let bytes = section.tag == tag ? payload : section.payload
            out += Data(section.tag.utf8)
            withUnsafeBytes(of: UInt64(bytes.count).littleEndian) { out += Data($0) }
            out += bytes
            withUnsafeBytes(of: bytes.withUnsafeBytes { loupe_xxh64($0.baseAddress, $0.count, 0) }.littleEndian) { out += Data($0) }
        }
        return out
    }
}
