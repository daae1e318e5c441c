import Catalog
import CatalogTestSupport
import Foundation
import Testing
import TestSupport
import VectorMath

@Suite struct VectorImportTests {
    @Test func ndjsonImportStoresEveryVectorExactly() async throws {
        let fixture = try await CatalogFixture(rows: 300, dimensions: 16)
        let values = CatalogFixture.vectors(count: 300, dimensions: 16)
        let path = fixture.write("v.ndjson", CatalogFixture.ndjson(values, dimensions: 16))
        let progress = ProgressLog()
        let report = try await fixture.catalog.importVectors(.ndjson(path: path), into: "vecs", in: "test", progress: progress.record)
        #expect(report.read == 300 && report.stored == 300 && report.rejected == 0 && report.errors.isEmpty)
        #expect(progress.last?.done == (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int))
        for row in [0, 17, 299] {
            #expect(try await fixture.catalog.vector(row: "r\(row)", space: "vecs", in: "test") == TestData.row(values, row, dimensions: 16))
        }
        #expect(try await fixture.catalog.space("vecs", in: "test").vectorCount == 300)
    }

    @Test func everyBadLineIsReportedWhileGoodLinesLand() async throws {
        let fixture = try await CatalogFixture(rows: 10, dimensions: 3)
        let lines = [
            #"{"id": "r0", "vector": [1, 2, 3]}"#,                         // 1 good
            #"{"id": "nobody", "vector": [1, 2, 3]}"#,                     // 2 unknown row
            #"{"id": "r1", "vector": [1, 2]}"#,                            // 3 wrong dims
            #"{"id": "r2", "vector": [1, NaN, 3]}"#,                       // 4 NaN
            #"{"id": "r3", "vector": [1, 2, Infinity]}"#,                  // 5 infinity
            #"{"id": "r4", "vector": [1, 2, 3]"#,                          // 6 truncated JSON
            #"{"vector": [1, 2, 3]}"#,                                     // 7 no id
            #"{"id": "r5"}"#,                                              // 8 no vector
            "",                                                            // 9 blank: ignored
            #"{"global_key": "nope", "vector": [1, 2, 3]}"#,               // 10 unknown global key
            #"{"id": "r6", "vector": [0, 0, 0]}"#,                         // 11 zero under cosine
            #"{"id": "r7", "vector": [1e39, 1, 1]}"#,                      // 12 overflows Float32
            #"not json"#,                                                  // 13
            #"{"id": "r8", "extra": {"nested": [1, {"a": null}]}, "vector": [-1.5e-3, 2.25, 3]}"#, // 14 good
            #"{"id": "r9", "vector": [1, 2, 3]} trailing"#,                // 15 text after object
        ]
        let path = fixture.write("bad.ndjson", lines.joined(separator: "\n"))
        let report = try await fixture.catalog.importVectors(.ndjson(path: path), into: "vecs", in: "test")
        #expect(report.stored == 2)
        #expect(report.read == 14)
        #expect(report.errors.map(\.line) == [2, 3, 4, 5, 6, 7, 8, 10, 11, 12, 13, 15])
        let reasons = Dictionary(uniqueKeysWithValues: report.errors.map { ($0.line, $0.reason) })
        #expect(reasons[2]?.contains("unknown row id 'nobody'") == true)
        #expect(reasons[3]?.contains("expected 3 dimensions, got 2") == true)
        #expect(reasons[4]?.contains("NaN or infinite") == true)
        #expect(reasons[5]?.contains("NaN or infinite") == true)
        #expect(reasons[6]?.contains("bad JSON") == true)
        #expect(reasons[7]?.contains("missing \"id\"") == true)
        #expect(reasons[8]?.contains("missing \"vector\"") == true)
        #expect(reasons[10]?.contains("unknown row global key 'nope'") == true)
        #expect(reasons[11]?.contains("all zeros") == true)
        #expect(reasons[12]?.contains("NaN or infinite") == true)
        #expect(reasons[13]?.contains("bad JSON") == true)
        #expect(reasons[15]?.contains("text after the object") == true)
        #expect(try await fixture.catalog.vector(row: "r8", space: "vecs", in: "test") == [-1.5e-3, 2.25, 3])
        #expect(try await fixture.catalog.vector(row: "r1", space: "vecs", in: "test") == nil)
    }

    @Test func reimportReplacesAndIsIdempotent() async throws {
        let fixture = try await CatalogFixture(rows: 50, dimensions: 8)
        let first = CatalogFixture.vectors(count: 50, dimensions: 8, seed: 1)
        let second = CatalogFixture.vectors(count: 50, dimensions: 8, seed: 2)
        let a = fixture.write("a.ndjson", CatalogFixture.ndjson(first, dimensions: 8))
        let b = fixture.write("b.ndjson", CatalogFixture.ndjson(second, dimensions: 8))
        _ = try await fixture.catalog.importVectors(.ndjson(path: a), into: "vecs", in: "test")
        let again = try await fixture.catalog.importVectors(.ndjson(path: a), into: "vecs", in: "test")
        #expect(again.stored == 50)
        #expect(try await fixture.catalog.space("vecs", in: "test").vectorCount == 50)
        _ = try await fixture.catalog.importVectors(.ndjson(path: b), into: "vecs", in: "test")
        #expect(try await fixture.catalog.space("vecs", in: "test").vectorCount == 50)
        #expect(try await fixture.catalog.vector(row: "r9", space: "vecs", in: "test") == TestData.row(second, 9, dimensions: 8))
        // The index follows the replacement: row 9's new vector finds row 9 first.
        let hit = try await fixture.catalog.search(SearchRequest(dataset: "test", space: "vecs",
                                                                 query: .vector(TestData.row(second, 9, dimensions: 8)), k: 1))
        #expect(hit.hits.first?.rowID == "r9")
    }

    @Test func oddUnicodeIdsAndEscapesResolve() async throws {
        let fixture = try await CatalogFixture(dimensions: 2)
        let ids = ["naïve", "日本語", "emoji 👩‍👩‍👧", "quote\"back\\slash", "tab\there", "e\u{301}", "nul\u{0}"]
        let report = try await fixture.catalog.addRows(ids.map { NewDataRow(id: $0, rowData: "x", mediaType: .text) }, to: "test")
        // Control characters (tab, NUL) are refused in ids, with the character named.
        #expect(report.stored == ids.count - 2)
        #expect(report.errors.map(\.line) == [5, 7])
        #expect(report.errors.first?.reason.contains("U+9") == true)
        // Written with \u escapes (a surrogate pair for the emoji) and raw UTF-8.
        let lines = [
            #"{"id": "na\u00efve", "vector": [1, 0]}"#,
            #"{"id": "日本語", "vector": [0, 1]}"#,
            #"{"id": "emoji \ud83d\udc69\u200d\ud83d\udc69\u200d\ud83d\udc67", "vector": [1, 1]}"#,
            #"{"id": "quote\"back\\slash", "vector": [2, 1]}"#,
            #"{"id": "tab\there", "vector": [1, 2]}"#,
            #"{"id": "e\u0301", "vector": [3, 1]}"#,
            #"{"id": "bad \ud83d", "vector": [3, 1]}"#,
        ]
        let path = fixture.write("u.ndjson", lines.joined(separator: "\n") + "\n")
        let result = try await fixture.catalog.importVectors(.ndjson(path: path), into: "vecs", in: "test")
        #expect(result.stored == 5)
        #expect(result.errors.map(\.line) == [5, 7])
        #expect(result.errors.first?.reason.contains("unknown row id 'tab\there'") == true)
        #expect(result.errors.last?.reason.contains("surrogate") == true)
        #expect(try await fixture.catalog.vector(row: "emoji 👩‍👩‍👧", space: "vecs", in: "test") == [1, 1])
        #expect(try await fixture.catalog.vector(row: "e\u{301}", space: "vecs", in: "test") == [3, 1])
    }

    @Test func ndjsonNumbersParseLikeStrtof() async throws {
        let fixture = try await CatalogFixture(rows: 1, dimensions: 8)
        let texts = ["0.1", "-0", "123456789012345678901234567890", "1.7976931348623157e308", "4.9e-324", "-2.5E+3",
                     "0.000000000000000000000000000000000000000000001", "3.14159265358979323846264338327950288"]
        let path = fixture.write("n.ndjson", "{\"id\": \"r0\", \"vector\": [\(texts.joined(separator: ","))]}\n")
        let report = try await fixture.catalog.importVectors(.ndjson(path: path), into: "vecs", in: "test")
        // 1.79e308 overflows Float32: that line is rejected as infinite.
        #expect(report.errors.first?.reason.contains("component 3 is NaN or infinite") == true)
        let fine = texts.enumerated().map { $0.offset == 3 ? "1" : $0.element }
        let again = fixture.write("m.ndjson", "{\"id\": \"r0\", \"vector\": [\(fine.joined(separator: ","))]}\n")
        #expect(try await fixture.catalog.importVectors(.ndjson(path: again), into: "vecs", in: "test").stored == 1)
        let stored = try #require(try await fixture.catalog.vector(row: "r0", space: "vecs", in: "test"))
        // Each the Float nearest its decimal, as Float(String) (strtof) gives it.
        #expect(stored == fine.compactMap { Float($0) } && stored.count == fine.count)
    }

    @Test func largeFilesParseAcrossBlocksAndThreads() async throws {
        // Enough bytes for the parser to split blocks between two threads.
        let count = 6000, dimensions = 64
        let fixture = try await CatalogFixture(rows: count, dimensions: dimensions)
        let values = CatalogFixture.vectors(count: count, dimensions: dimensions)
        var text = CatalogFixture.ndjson(values, dimensions: dimensions)
        text += "{\"id\": \"r0\", \"vector\": [1]}\n"  // a bad last line: line count + 1
        let path = fixture.write("big.ndjson", text)
        let report = try await fixture.catalog.importVectors(.ndjson(path: path), into: "vecs", in: "test")
        #expect(report.stored == count)
        #expect(report.errors.map(\.line) == [count + 1])
        for row in stride(from: 0, to: count, by: 997) {
            #expect(try await fixture.catalog.vector(row: "r\(row)", space: "vecs", in: "test") == TestData.row(values, row, dimensions: dimensions))
        }
    }

    @Test(arguments: [(4, false, false, UInt8(1)), (8, false, false, 2), (4, true, false, 3), (8, true, true, 1), (4, false, true, 1)])
    func npyImportReadsEveryLayout(itemSize: Int, fortran: Bool, bigEndian: Bool, version: UInt8) async throws {
        let count = 120, dimensions = 6
        let fixture = try await CatalogFixture(rows: count, dimensions: dimensions)
        let values = CatalogFixture.vectors(count: count, dimensions: dimensions)
        let npy = fixture.write("v.npy", data: NpyWriter.data(values: values, rows: count, columns: dimensions, itemSize: itemSize,
                                                              fortranOrder: fortran, bigEndian: bigEndian, version: version))
        let ids = fixture.write("ids.txt", (0..<count).map { "r\($0)" }.joined(separator: "\n"))
        let report = try await fixture.catalog.importVectors(.npy(path: npy, idsPath: ids, byGlobalKey: false), into: "vecs", in: "test")
        #expect(report.stored == count && report.rejected == 0)
        for row in [0, 1, 59, 119] {
            #expect(try await fixture.catalog.vector(row: "r\(row)", space: "vecs", in: "test") == TestData.row(values, row, dimensions: dimensions))
        }
    }

    @Test func npyBadRowsAreReportedByLine() async throws {
        let fixture = try await CatalogFixture(rows: 5, dimensions: 2)
        let values: [Float] = [1, 2, .nan, 1, 0, 0, 3, 4, 5, 6]
        let npy = fixture.write("v.npy", data: NpyWriter.data(values: values, rows: 5, columns: 2))
        let ids = fixture.write("ids.txt", "r0\nr1\nr2\nghost\n\n")
        let report = try await fixture.catalog.importVectors(.npy(path: npy, idsPath: ids, byGlobalKey: false), into: "vecs", in: "test")
        #expect(report.stored == 1)
        #expect(report.errors.map(\.line) == [2, 3, 4, 5])
        #expect(report.errors[0].reason.contains("NaN"))
        #expect(report.errors[1].reason.contains("all zeros"))
        #expect(report.errors[2].reason.contains("unknown row id 'ghost'"))
        #expect(report.errors[3].reason.contains("empty"))
    }

    @Test func truncatedOrCorruptNpyIsRejectedWithoutStoringAnything() async throws {
        let fixture = try await CatalogFixture(rows: 10, dimensions: 4)
        let good = NpyWriter.data(values: CatalogFixture.vectors(count: 10, dimensions: 4), rows: 10, columns: 4)
        let ids = fixture.write("ids.txt", (0..<10).map { "r\($0)" }.joined(separator: "\n") + "\n")
        var cases: [(String, Data, CatalogError.Code)] = [
            ("truncated-data", good.prefix(good.count - 5), .corruptData),
            ("truncated-header", good.prefix(20), .corruptData),
            ("empty", Data(), .corruptData),
            ("not-npy", Data("hello world, not an array".utf8), .corruptData),
            ("trailing", good + Data([0, 0, 0, 0]), .corruptData),
            ("int-dtype", Data(String(decoding: good, as: UTF8.self).replacingOccurrences(of: "<f4", with: "<i4").utf8), .corruptData),
            ("3-d", Data(String(decoding: good.prefix(128), as: UTF8.self).replacingOccurrences(of: "(10, 4)", with: "(10,4,1)").utf8) + good.dropFirst(128), .corruptData),
        ]
        var version9 = good
        version9[6] = 9
        cases.append(("version-9", version9, .corruptData))
        let wrongDims = NpyWriter.data(values: CatalogFixture.vectors(count: 10, dimensions: 5), rows: 10, columns: 5)
        cases.append(("wrong-dimensions", wrongDims, .dimensionMismatch))
        for (name, data, code) in cases {
            let path = fixture.write("\(name).npy", data: data)
            await expectCatalogError(code) {
                try await fixture.catalog.importVectors(.npy(path: path, idsPath: ids, byGlobalKey: false), into: "vecs", in: "test")
            }
        }
        let shortIDs = fixture.write("short.txt", "r0\nr1\n")
        let npy = fixture.write("good.npy", data: good)
        await expectCatalogError(.invalidArgument) {
            try await fixture.catalog.importVectors(.npy(path: npy, idsPath: shortIDs, byGlobalKey: false), into: "vecs", in: "test")
        }
        await expectCatalogError(.io) {
            try await fixture.catalog.importVectors(.npy(path: fixture.folder.file("missing.npy"), idsPath: ids, byGlobalKey: false),
                                                    into: "vecs", in: "test")
        }
        #expect(try await fixture.catalog.space("vecs", in: "test").vectorCount == 0)
    }

    @Test func byteOrderMarksAndCRLFLineEndsAreRead() async throws {
        let fixture = try await CatalogFixture(rows: 2, dimensions: 2)
        let text = "\u{FEFF}" + #"{"id": "r0", "vector": [1, 2]}"# + "\r\n" + #"{"id": "r1", "vector": [3, 4]}"# + "\r\n"
        let path = fixture.write("bom.ndjson", text)
        let report = try await fixture.catalog.importVectors(.ndjson(path: path), into: "vecs", in: "test")
        #expect(report.stored == 2 && report.rejected == 0, "\(report.errors)")
        let ids = fixture.write("bom.txt", "\u{FEFF}r0\r\nr1\r\n")
        let npy = fixture.write("bom.npy", data: NpyWriter.data(values: [5, 6, 7, 8], rows: 2, columns: 2))
        #expect(try await fixture.catalog.importVectors(.npy(path: npy, idsPath: ids, byGlobalKey: false), into: "vecs", in: "test").stored == 2)
        #expect(try await fixture.catalog.vector(row: "r0", space: "vecs", in: "test") == [5, 6])
        let csv = fixture.write("bom.csv", "\u{FEFF}id,text\r\nz,hello\r\n")
        #expect(try await fixture.catalog.importRows(.csv(path: csv, options: CSVRowOptions()), into: "test").stored == 1)
        #expect(try await fixture.catalog.row("z", in: "test").rowData == "hello")
    }

    @Test func globalKeysResolveRows() async throws {
        let fixture = try await CatalogFixture(dimensions: 2)
        _ = try await fixture.catalog.addRows([NewDataRow(id: "a", globalKey: "key-a", rowData: "x", mediaType: .text)], to: "test")
        let path = fixture.write("g.ndjson", #"{"global_key": "key-a", "vector": [1, 2]}"# + "\n")
        #expect(try await fixture.catalog.importVectors(.ndjson(path: path), into: "vecs", in: "test").stored == 1)
        let npy = fixture.write("g.npy", data: NpyWriter.data(values: [3, 4], rows: 1, columns: 2))
        let ids = fixture.write("g.txt", "key-a\n")
        #expect(try await fixture.catalog.importVectors(.npy(path: npy, idsPath: ids, byGlobalKey: true), into: "vecs", in: "test").stored == 1)
        #expect(try await fixture.catalog.vector(row: "a", space: "vecs", in: "test") == [3, 4])
    }

    @Test func putVectorsChecksEachEntry() async throws {
        let fixture = try await CatalogFixture(rows: 3, dimensions: 2)
        let report = try await fixture.catalog.putVectors([("r0", [1, 0]), ("r1", [1]), ("zz", [1, 1]), ("r2", [.infinity, 1])],
                                                          into: "vecs", in: "test")
        #expect(report.stored == 1)
        #expect(report.errors.map(\.line) == [2, 3, 4])
    }
}

/// Records progress callbacks (thread-safe).
final class ProgressLog: Sendable {
    private let entries = Mutex<[ImportProgress]>([])
    var last: ImportProgress? { entries.withLock { $0.last } }
    var record: ProgressHandler { { [self] progress in entries.withLock { $0.append(progress) } } }
}

import Synchronization
