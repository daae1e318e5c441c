import Catalog
import Foundation
import Testing
import TestSupport

@Suite struct DatasetAndRowTests {
    @Test func datasetsAreCreatedListedFoundAndDeleted() async throws {
        let fixture = try await CatalogFixture()
        let other = try await fixture.catalog.createDataset(NewDataset(name: "other", description: "second", id: "other-id"))
        #expect(other.id == "other-id")
        #expect(try await fixture.catalog.datasets().map(\.name) == ["other", "test"])
        #expect(try await fixture.catalog.dataset("other").id == "other-id")
        #expect(try await fixture.catalog.dataset("other-id").description == "second")
        await expectCatalogError(.conflict) { try await fixture.catalog.createDataset(NewDataset(name: "other")) }
        await expectCatalogError(.invalidArgument) { try await fixture.catalog.createDataset(NewDataset(name: "")) }
        await expectCatalogError(.invalidArgument) { try await fixture.catalog.createDataset(NewDataset(name: "   ")) }
        await expectCatalogError(.invalidArgument) { try await fixture.catalog.createDataset(NewDataset(name: String(repeating: "x", count: 600))) }
        try await fixture.catalog.deleteDataset("other")
        await expectCatalogError(.notFound) { try await fixture.catalog.dataset("other") }
        await expectCatalogError(.notFound) { try await fixture.catalog.deleteDataset("other") }
    }

    @Test func rowsCarryTypedMetadataAndLabels() async throws {
        let fixture = try await CatalogFixture()
        let report = try await fixture.catalog.addRows([
            NewDataRow(id: "a", globalKey: "ga", rowData: "/img/a.png", mediaType: .image,
                       metadata: ["size": .number(3), "when": .string("2024-03-01T12:00:00Z"), "note": .string("ünïcödé ✓")],
                       labels: ["cat"]),
            NewDataRow(rowData: "inline text", mediaType: .text, metadata: ["size": .string("7.5")]),
            NewDataRow(id: "bad", rowData: "x", mediaType: .text, metadata: ["size": .string("big")]),
            NewDataRow(id: "c", globalKey: "ga", rowData: "x", mediaType: .text),
            NewDataRow(id: "d", rowData: "", mediaType: .text),
        ], to: "test")
        #expect(report.stored == 2)
        #expect(report.errors.map(\.line) == [3, 4, 5])
        #expect(report.errors[0].reason.contains("field 'size' holds number values"))
        #expect(report.errors[1].reason.contains("global key 'ga' belongs to row 'a'"))
        let a = try await fixture.catalog.row("a", in: "test")
        #expect(a.globalKey == "ga" && a.mediaType == .image && a.labels.map(\.className) == ["cat"])
        #expect(a.metadata["size"] == .number(3))
        #expect(a.metadata["note"] == .string("ünïcödé ✓"))
        #expect(a.metadata["when"] == .datetime(try #require(MetadataValue.parseDate("2024-03-01T12:00:00Z"))))
        let dataset = try await fixture.catalog.dataset("test")
        #expect(dataset.rowCount == 2)
        #expect(dataset.fields.map(\.type) == [.number, .datetime, .string] || Set(dataset.fields.map(\.name)) == ["size", "when", "note"])
        let page = try await fixture.catalog.rows(in: "test")
        #expect(page.total == 2)
        let generated = try #require(page.rows.first { $0.id != "a" })
        #expect(generated.id.count == 32)
        #expect(generated.metadata["size"] == .number(7.5))
        // Replacing a row keeps its slot and changes its fields.
        _ = try await fixture.catalog.addRows([NewDataRow(id: "a", rowData: "/img/a2.png", mediaType: .image, labels: ["dog"])], to: "test")
        let replaced = try await fixture.catalog.row("a", in: "test")
        #expect(replaced.rowData == "/img/a2.png" && replaced.labels.map(\.className) == ["dog"] && replaced.metadata.isEmpty && replaced.globalKey == nil)
        #expect(try await fixture.catalog.dataset("test").rowCount == 2)
        #expect(try await fixture.catalog.deleteRows(["a", "nobody"], from: "test") == 1)
        await expectCatalogError(.notFound) { try await fixture.catalog.row("a", in: "test") }
    }

    @Test func enumFieldsAcceptOnlyTheirValues() async throws {
        let fixture = try await CatalogFixture()
        _ = try await fixture.catalog.createDataset(NewDataset(name: "e", fields: [FieldSchema(name: "split", type: .enumeration,
                                                                                                allowedValues: ["train", "test"])]))
        let report = try await fixture.catalog.addRows([
            NewDataRow(id: "1", rowData: "x", mediaType: .text, metadata: ["split": .string("train")]),
            NewDataRow(id: "2", rowData: "x", mediaType: .text, metadata: ["split": .string("validation")]),
        ], to: "e")
        #expect(report.stored == 1 && report.errors.first?.reason.contains("allows 'train', 'test'") == true)
        #expect(try await fixture.catalog.row("1", in: "e").metadata["split"] == .enumeration("train"))
    }

    @Test func filtersSelectByMetadataLabelsMetricsAndPagesFollowCursors() async throws {
        let fixture = try await CatalogFixture()
        let rows = (0..<30).map { (i: Int) -> NewDataRow in
            let day = "2024-01-" + (i + 1 < 10 ? "0" : "") + String(i + 1)
            let metadata: [String: MetadataValue] = ["n": .number(Double(i)), "colour": .string(i % 2 == 0 ? "red" : "blue"),
                                                     "day": .string(day)]
            return NewDataRow(id: "r\(i)", rowData: "t\(i)", mediaType: i % 3 == 0 ? .image : .text, metadata: metadata,
                              labels: i % 5 == 0 ? ["five"] : [])
        }
        _ = try await fixture.catalog.addRows(rows, to: "test")
        _ = try await fixture.catalog.putMetrics((0..<30).map { RowMetric(rowID: "r\($0)", name: "loss", value: Double(30 - $0)) }, in: "test")
        func ids(_ filter: RowFilter) async throws -> [String] {
            try await fixture.catalog.rows(in: "test", filter: filter, limit: 1000).rows.map(\.id)
        }
        #expect(try await ids(RowFilter(metadata: [MetadataCondition(field: "colour", .equals(.string("red")))])).count == 15)
        #expect(try await ids(RowFilter(metadata: [MetadataCondition(field: "n", .range(minimum: .number(10), maximum: .number(12)))])) == ["r10", "r11", "r12"])
        #expect(try await ids(RowFilter(metadata: [MetadataCondition(field: "n", .isIn([.number(1), .number(29)]))])) == ["r1", "r29"])
        #expect(try await ids(RowFilter(metadata: [MetadataCondition(field: "day", .range(minimum: .string("2024-01-29"), maximum: nil))])) == ["r28", "r29"])
        #expect(try await ids(RowFilter(labels: [LabelCondition(anyOf: ["five"])])) == ["r0", "r5", "r10", "r15", "r20", "r25"])
        #expect(try await ids(RowFilter(labels: [LabelCondition(anyOf: ["five"], negated: true)])).count == 24)
        #expect(try await ids(RowFilter(metrics: [MetricCondition(name: "loss", minimum: 28)])) == ["r0", "r1", "r2"])
        #expect(try await ids(RowFilter(mediaTypes: [.image], rowIDs: ["r0", "r1", "r3"])) == ["r0", "r3"])
        await expectCatalogError(.invalidArgument) {
            try await ids(RowFilter(metadata: [MetadataCondition(field: "nope", .exists(true))]))
        }
        await expectCatalogError(.invalidArgument) {
            try await ids(RowFilter(metadata: [MetadataCondition(field: "n", .equals(.string("not a number")))]))
        }
        // Pages by insertion order and by a metric.
        var seen: [String] = []
        var cursor: String?
        repeat {
            let page = try await fixture.catalog.rows(in: "test", after: cursor, limit: 7)
            #expect(page.total == 30)
            seen += page.rows.map(\.id)
            cursor = page.nextCursor
        } while cursor != nil
        #expect(seen == (0..<30).map { "r\($0)" })
        let byLoss = try await fixture.catalog.rows(in: "test", order: RowOrder(.metric(name: "loss", className: nil), descending: false), limit: 3)
        #expect(byLoss.rows.map(\.id) == ["r29", "r28", "r27"])
        let next = try await fixture.catalog.rows(in: "test", order: RowOrder(.metric(name: "loss", className: nil)), after: byLoss.nextCursor, limit: 3)
        #expect(next.rows.map(\.id) == ["r26", "r25", "r24"])
        await expectCatalogError(.invalidArgument) { try await fixture.catalog.rows(in: "test", after: "garbage") }
        await expectCatalogError(.invalidArgument) { try await fixture.catalog.rows(in: "test", limit: 0) }
    }

    @Test func labelsMetricsSlicesAndSelections() async throws {
        let fixture = try await CatalogFixture(rows: 6)
        let labels = try await fixture.catalog.putLabels([
            RowLabel(rowID: "r0", label: Label(className: "cat", kind: .prediction, confidence: 0.9, source: "model")),
            RowLabel(rowID: "r1", label: Label(className: "cat")),
            RowLabel(rowID: "ghost", label: Label(className: "cat")),
            RowLabel(rowID: "r2", label: Label(className: "cat", kind: .prediction, confidence: 1.5)),
        ], in: "test")
        #expect(labels.stored == 2 && labels.errors.map(\.line) == [3, 4])
        #expect(try await fixture.catalog.labelCounts(in: "test").map(\.rows) == [1, 1])
        #expect(try await fixture.catalog.row("r0", in: "test").labels.first?.confidence == 0.9)
        let confident = try await fixture.catalog.rows(in: "test", filter: RowFilter(labels: [LabelCondition(anyOf: ["cat"], kind: .prediction, minimumConfidence: 0.5)]))
        #expect(confident.rows.map(\.id) == ["r0"])
        #expect(try await fixture.catalog.deleteLabels(row: "r0", in: "test") == 1)

        let metrics = try await fixture.catalog.putMetrics([
            RowMetric(rowID: "r0", name: "loss", value: 0.5), RowMetric(rowID: "r0", name: "margin", className: "cat", value: -1),
            RowMetric(rowID: "r1", name: "loss", value: 1.5), RowMetric(rowID: "r2", name: "loss", value: .nan),
        ], in: "test")
        #expect(metrics.stored == 3 && metrics.errors.map(\.line) == [4])
        #expect(try await fixture.catalog.metrics(row: "r0", in: "test").count == 2)
        let summary = try await fixture.catalog.metricSummaries(in: "test")
        #expect(summary.first { $0.name == "loss" } == MetricSummary(name: "loss", count: 2, minimum: 0.5, maximum: 1.5, mean: 1))
        #expect(try await fixture.catalog.deleteMetric("loss", in: "test") == 2)

        let slice = try await fixture.catalog.createSlice(name: "cats", filter: RowFilter(labels: [LabelCondition(anyOf: ["cat"])]), in: "test")
        #expect(try await fixture.catalog.slices(in: "test").map(\.id) == [slice.id])
        #expect(try await fixture.catalog.slice(slice.id, in: "test").filter == slice.filter)
        try await fixture.catalog.deleteSlice(slice.id, in: "test")
        await expectCatalogError(.notFound) { try await fixture.catalog.slice(slice.id, in: "test") }

        var selection = try await fixture.catalog.createSelection(name: "pick", rowIDs: ["r3", "r1"], in: "test")
        #expect(selection.rowIDs == ["r3", "r1"])
        selection = try await fixture.catalog.updateSelection(selection.id, adding: ["r5"], removing: ["r3"], in: "test")
        #expect(selection.rowIDs == ["r1", "r5"])
        let inSelection = try await fixture.catalog.rows(in: "test", filter: RowFilter(selectionID: selection.id))
        #expect(inSelection.rows.map(\.id) == ["r1", "r5"])
        try await fixture.catalog.deleteRows(["r5"], from: "test")
        #expect(try await fixture.catalog.selection(selection.id, in: "test").rowIDs == ["r1"])
        await expectCatalogError(.notFound) { try await fixture.catalog.createSelection(name: "bad", rowIDs: ["nobody"], in: "test") }
        try await fixture.catalog.deleteSelection(selection.id, in: "test")
        #expect(try await fixture.catalog.selections(in: "test").isEmpty)
        await expectCatalogError(.notFound) { try await fixture.catalog.rows(in: "test", filter: RowFilter(selectionID: selection.id)) }
    }

    @Test func inMemoryStoreWorksForTheSameOperations() async throws {
        let store = try SQLiteStore()
        let catalog = await Catalog(store: store, indexDirectory: nil, configuration: CatalogConfiguration(runsJobs: false))
        _ = try await catalog.createDataset(NewDataset(name: "m"))
        _ = try await catalog.addRows([NewDataRow(id: "x", rowData: "hello", mediaType: .text)], to: "m")
        _ = try await catalog.createSpace(NewEmbeddingSpace(name: "s", dimensions: 2), in: "m")
        _ = try await catalog.putVectors([("x", [1, 2])], into: "s", in: "m")
        let response = try await catalog.search(SearchRequest(dataset: "m", space: "s", query: .vector([1, 2]), k: 1))
        #expect(response.hits.map(\.rowID) == ["x"])
    }
}
