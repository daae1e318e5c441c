@testable import Catalog
import CatalogTestSupport
import Foundation
import Testing
import TestSupport

/// Line numbers and values stay right however an import is cut into blocks (the pipeline's
/// unit) and a block into parts (one per thread): parts and blocks are numbered from their own
/// start and renumbered as they are put together.
@Suite struct VectorImportBlockTests {
    /// Rows r0… as NDJSON with a bad line every `every` lines and a blank line now and then.
    /// - Returns: the text and the 1-based numbers of the bad lines.
    static func textWithBadLines(count: Int, dimensions: Int, every: Int) -> (text: String, bad: [Int]) {
        let values = CatalogFixture.vectors(count: count, dimensions: dimensions)
        var lines: [String] = []
        var bad: [Int] = []
        for row in 0..<count {
            if row % every == every - 1 {
                lines.append("{\"id\": \"r\(row)\", \"vector\": [1, 2]}")
                bad.append(lines.count)
            } else {
                lines.append(VectorLines.line(id: "r\(row)", vector: TestData.row(values, row, dimensions: dimensions)))
            }
            if row % 97 == 5 { lines.append("   ") }
        }
        return (lines.joined(separator: "\n") + "\n", bad)
    }

    @Test func partsOfABlockAreNumberedFromTheBlockStart() throws {
        // Over 2 MiB, so that two threads parse a part each.
        let (text, bad) = Self.textWithBadLines(count: 9000, dimensions: 32, every: 701)
        let bytes = Array("\u{FEFF}".utf8) + Array(text.utf8)
        #expect(bytes.count > 2 << 20)
        let parser = NDJSONVectorParser(dimensions: 32, threads: 2, rejectsZeroVectors: true)
        let block = bytes.withUnsafeBufferPointer { parser.parse($0, atFileStart: true) }
        #expect(block.errors.map(\.line) == bad)
        #expect(block.errors.allSatisfy { $0.reason.contains("expected 32 dimensions, got 2") })
        #expect(block.keys.count == 9000 - bad.count && block.lines.count == block.keys.count)
        #expect(block.lineCount == text.split(separator: "\n", omittingEmptySubsequences: false).count - 1)
        // Every good line's number points at its own row's line.
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        for (line, key) in zip(block.lines, block.keys) where line % 113 == 0 {
            #expect(lines[line - 1].contains("\"\(key)\""))
        }
    }

    @Test func aByteOrderMarkCountsOnlyAtTheFileStart() throws {
        let text = Array("\u{FEFF}".utf8) + Array("{\"id\": \"r0\", \"vector\": [1, 2]}\n".utf8)
        let parser = NDJSONVectorParser(dimensions: 2, threads: 1, rejectsZeroVectors: true)
        let first = text.withUnsafeBufferPointer { parser.parse($0, atFileStart: true) }
        let later = text.withUnsafeBufferPointer { parser.parse($0, atFileStart: false) }
        #expect(first.keys == ["r0"] && first.errors.isEmpty)
        #expect(later.keys.isEmpty && later.errors.map(\.line) == [1])
    }

    @Test func ndjsonCutIntoManyBlocksKeepsLineNumbersAndValues() async throws {
        let count = 3000, dimensions = 8
        let fixture = try await CatalogFixture(rows: count, dimensions: dimensions)
        let (text, bad) = Self.textWithBadLines(count: count, dimensions: dimensions, every: 211)
        let path = fixture.write("v.ndjson", text + "{\"id\": \"ghost\", \"vector\": [1, 1, 1, 1, 1, 1, 1, 1]}\n")
        let lineCount = text.split(separator: "\n", omittingEmptySubsequences: false).count - 1
        var importer = VectorImporter(catalog: fixture.catalog, space: try await fixture.catalog.space("vecs", in: "test"), progress: nil)
        importer.ndjsonBlockBytes = 4096  // about 35 blocks
        let report = try await importer.importNDJSON(path: path)
        #expect(report.errors.map(\.line) == bad + [lineCount + 1])
        #expect(report.errors.last?.reason.contains("unknown row id 'ghost'") == true)
        #expect(report.stored == count - bad.count)
        let values = CatalogFixture.vectors(count: count, dimensions: dimensions)
        for row in stride(from: 0, to: count, by: 173) where !bad.contains(row + 1) {
            #expect(try await fixture.catalog.vector(row: "r\(row)", space: "vecs", in: "test") == TestData.row(values, row, dimensions: dimensions))
        }
    }

    @Test func npyCutIntoManyBlocksKeepsRowNumbersAndValues() async throws {
        let count = 1000, dimensions = 6
        let fixture = try await CatalogFixture(rows: count, dimensions: dimensions)
        var values = CatalogFixture.vectors(count: count, dimensions: dimensions)
        values[417 * dimensions + 2] = .infinity
        for d in 0..<dimensions { values[901 * dimensions + d] = 0 }
        var ids = (0..<count).map { "r\($0)" }
        ids[650] = ""
        let npy = fixture.write("v.npy", data: NpyWriter.data(values: values, rows: count, columns: dimensions))
        let idsPath = fixture.write("ids.txt", ids.joined(separator: "\n") + "\n")
        var importer = VectorImporter(catalog: fixture.catalog, space: try await fixture.catalog.space("vecs", in: "test"), progress: nil)
        importer.npyBlockBytes = 24 * 10  // ten rows a block
        let report = try await importer.importNPY(path: npy, idsPath: idsPath, byGlobalKey: false)
        #expect(report.errors.map(\.line) == [418, 651, 902])
        #expect(report.errors.map(\.reason).map { $0.contains("NaN or infinite") || $0.contains("empty") || $0.contains("all zeros") } == [true, true, true])
        #expect(report.stored == count - 3)
        for row in [0, 9, 10, 416, 418, 999] {
            #expect(try await fixture.catalog.vector(row: "r\(row)", space: "vecs", in: "test") == TestData.row(values, row, dimensions: dimensions))
        }
    }
}
