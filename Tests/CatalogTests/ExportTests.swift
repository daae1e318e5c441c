import Catalog
import CatalogTestSupport
import Foundation
import Testing
import TestSupport

@Suite struct ExportTests {
    func exportText(_ catalog: Catalog, _ dataset: String, options: ExportOptions = ExportOptions(), batchSize: Int = 512) async throws -> String {
        var text = Data()
        try await catalog.export(dataset, options: options, batchSize: batchSize) { text.append($0) }
        return String(decoding: text, as: UTF8.self)
    }

    @Test func exportWritesEveryRowWithItsAnnotationsAndRoundTrips() async throws {
        let fixture = try await CatalogFixture(dimensions: 3)
        _ = try await fixture.catalog.addRows([
            NewDataRow(id: "a", globalKey: "ka", rowData: "line\nbreak \"quoted\" ✓", mediaType: .text,
                       metadata: ["n": .number(1.5), "when": .string("2024-02-03T04:05:06Z"), "s": .string("x\ty")], labels: ["cat"]),
            NewDataRow(id: "b", rowData: "/data/b.png", mediaType: .image, metadata: ["n": .number(2)]),
            NewDataRow(id: "c", rowData: "third", mediaType: .text),
        ], to: "test")
        _ = try await fixture.catalog.putLabels([RowLabel(rowID: "b", label: Label(className: "dog", kind: .prediction, confidence: 0.25, source: "m"))], in: "test")
        _ = try await fixture.catalog.putMetrics([RowMetric(rowID: "a", name: "loss", value: 0.125),
                                                  RowMetric(rowID: "a", name: "margin", className: "cat", value: -2)], in: "test")
        _ = try await fixture.catalog.putVectors([("a", [0.1, 0.2, 0.3]), ("b", [1, 2, 3])], into: "vecs", in: "test")

        let text = try await exportText(fixture.catalog, "test", options: ExportOptions(spaces: ["vecs"]), batchSize: 2)
        let lines = text.split(separator: "\n")
        #expect(lines.count == 3)
        let objects = try lines.map { try #require(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        #expect(objects.map { $0["id"] as? String } == ["a", "b", "c"])
        #expect(objects[0]["row_data"] as? String == "line\nbreak \"quoted\" ✓")
        #expect((objects[0]["metadata"] as? [String: Any])?["when"] as? String == "2024-02-03T04:05:06Z")
        #expect(((objects[0]["embeddings"] as? [String: Any])?["vecs"] as? [Double])?.map(Float.init) == [0.1, 0.2, 0.3])
        #expect((objects[2]["embeddings"] as? [String: Any])?["vecs"] is NSNull)
        #expect((objects[0]["metrics"] as? [[String: Any]])?.count == 2)

        // Import the export into a new dataset with the same space: the same export comes out.
        _ = try await fixture.catalog.createDataset(NewDataset(name: "copy"))
        _ = try await fixture.catalog.createSpace(NewEmbeddingSpace(name: "vecs", dimensions: 3), in: "copy")
        let path = fixture.write("export.ndjson", text)
        let report = try await fixture.catalog.importRows(.ndjson(path: path), into: "copy")
        #expect(report.stored == 3 && report.rejected == 0, "\(report.errors)")
        let copy = try await exportText(fixture.catalog, "copy", options: ExportOptions(spaces: ["vecs"]))
        #expect(copy == text)

        // Filtered, and without annotations.
        let filtered = try await exportText(fixture.catalog, "test", options: ExportOptions(filter: RowFilter(mediaTypes: [.image]),
                                                                                            includeMetrics: false, includeLabels: false))
        #expect(filtered == #"{"id":"b","row_data":"/data/b.png","media_type":"image","metadata":{"n":2}}"# + "\n")
        await expectCatalogError(.notFound) { try await exportText(fixture.catalog, "test", options: ExportOptions(spaces: ["nope"])) }
    }

    @Test func exportStreamsInBatchesAsTheConsumerReads() async throws {
        let fixture = try await CatalogFixture(rows: 1000)
        var chunks = 0
        var lines = 0
        for try await chunk in fixture.catalog.exportStream("test", batchSize: 100) {
            chunks += 1
            lines += chunk.filter { $0 == 0x0A }.count
        }
        #expect(chunks == 10 && lines == 1000)
    }
}
