import Catalog
import Foundation
import Testing
import TestSupport

@Suite struct RowImportTests {
    @Test func ndjsonRowsLandAndBadLinesAreReported() async throws {
        let fixture = try await CatalogFixture()
        let lines = [
            #"{"id": "a", "row_data": "hello", "metadata": {"n": 1, "flag": true, "when": "2024-05-06"}, "labels": ["x", "y"]}"#,
            #"{"id": "b", "path": "/img/b.JPG"}"#,
            #"{"id": "c"}"#,
            #"{"id": "d", "row_data": "x", "metadata": {"n": "not a number"}}"#,
            #"{"id": "e", "row_data": "x", "metadata": {"deep": {"no": 1}}}"#,
            #"[1, 2]"#,
            #"{"id": "f", "row_data": "x", "media_type": "video"}"#,
            #"{broken"#,
            #"{"id": 17, "text": "numbers as ids"}"#,
        ]
        let path = fixture.write("rows.ndjson", lines.joined(separator: "\r\n"))
        let report = try await fixture.catalog.importRows(.ndjson(path: path), into: "test")
        #expect(report.stored == 3)
        #expect(report.errors.map(\.line) == [3, 4, 5, 6, 7, 8])
        #expect(report.errors[0].reason.contains("missing \"row_data\""))
        #expect(report.errors[1].reason.contains("field 'n'"))
        #expect(report.errors[4].reason.contains("'video'"))
        #expect(report.errors[5].reason.contains("bad JSON"))
        #expect(try await fixture.catalog.row("b", in: "test").mediaType == .image)
        let a = try await fixture.catalog.row("a", in: "test")
        #expect(a.metadata["flag"] == .number(1) && a.labels.count == 2)
        #expect(try await fixture.catalog.row("17", in: "test").rowData == "numbers as ids")
    }

    @Test func csvColumnsBecomeTypedFieldsAndBadRecordsAreReported() async throws {
        let fixture = try await CatalogFixture()
        let csv = [
            "id,path,label,score,taken,caption,split",
            "1,/img/1.png,cat,0.5,2024-01-02,\"a caption, with a comma\",train",
            "2,/img/2.png,cat|dog,1.25,2024-01-03,\"two",
            "lines \"\"quoted\"\"\",test",
            "3,/img/3.png,dog,oops,2024-01-04,plain,train",
            "4,/img/4.png,dog,2",
            "5,/img/5.png,,3,2024-01-05,\"unclosed,train",
        ].joined(separator: "\n")
        let path = fixture.write("rows.csv", csv)
        let schema = [FieldSchema(name: "split", type: .enumeration, allowedValues: ["train", "test"])]
        // Inference looks at the first rows: "oops" makes `score` a string column, so re-declare it.
        let report = try await fixture.catalog.importRows(.csv(path: path, options: CSVRowOptions(schema: schema + [FieldSchema(name: "score", type: .number)])),
                                                         into: "test")
        #expect(report.stored == 2, "\(report.errors)")
        #expect(report.errors.map(\.line) == [5, 6, 7])
        #expect(report.errors[0].reason.contains("field 'score'"))
        #expect(report.errors[1].reason.contains("4 fields where the header has 7"))
        #expect(report.errors[2].reason.contains("not closed"))
        let two = try await fixture.catalog.row("2", in: "test")
        #expect(two.metadata["caption"] == .string("two\nlines \"quoted\""))
        #expect(two.metadata["score"] == .number(1.25))
        #expect(two.metadata["split"] == .enumeration("test"))
        #expect(two.labels.map(\.className).sorted() == ["cat", "dog"])
        #expect(two.mediaType == .image)
        let fields = try await fixture.catalog.dataset("test").fields
        #expect(fields.first { $0.name == "taken" }?.type == .datetime)
        await expectCatalogError(.invalidArgument) {
            try await fixture.catalog.importRows(.csv(path: path, options: CSVRowOptions(idColumn: "nope")), into: "test")
        }
        let empty = fixture.write("empty.csv", "")
        await expectCatalogError(.invalidArgument) { try await fixture.catalog.importRows(.csv(path: empty, options: CSVRowOptions()), into: "test") }
    }

    @Test func foldersBecomeRowsWithSubfolderLabelsAndSidecarMetadata() async throws {
        let fixture = try await CatalogFixture()
        let root = fixture.folder.file("pictures")
        for (folder, file) in [("cats", "a.png"), ("cats", "b.jpg"), ("dogs", "c.png"), ("notes", "n.txt"), ("dogs", "skip.bin")] {
            try FileManager.default.createDirectory(atPath: root + "/" + folder, withIntermediateDirectories: true)
            FileManager.default.createFile(atPath: root + "/" + folder + "/" + file, contents: file == "n.txt" ? Data("a note ✓".utf8) : Data([1, 2, 3]))
        }
        let sidecar = fixture.write("meta.csv", "file,photographer,iso\ncats/a.png,Ann,100\nc.png,Bo,200\nghost.png,Cy,1\n")
        let report = try await fixture.catalog.importRows(RowFileFormat.folder(path: root, options: FolderRowOptions(sidecarPath: sidecar)), into: "test")
        #expect(report.stored == 4)
        #expect(report.errors.count == 1 && report.errors[0].reason.contains("ghost.png"))
        let a = try await fixture.catalog.row("cats/a.png", in: "test")
        #expect(a.labels.map(\.className) == ["cats"] && a.mediaType == .image && a.rowData.hasSuffix("/pictures/cats/a.png"))
        #expect(a.metadata["photographer"] == .string("Ann") && a.metadata["iso"] == .number(100))
        #expect(try await fixture.catalog.row("dogs/c.png", in: "test").metadata["photographer"] == .string("Bo"))
        let note = try await fixture.catalog.row("notes/n.txt", in: "test")
        #expect(note.mediaType == .text && note.rowData == "a note ✓")
        // Re-importing replaces rows by id: nothing doubles.
        _ = try await fixture.catalog.importRows(RowFileFormat.folder(path: root, options: FolderRowOptions()), into: "test")
        #expect(try await fixture.catalog.dataset("test").rowCount == 4)
        await expectCatalogError(.io) { try await fixture.catalog.importRows(.folder(path: root + "/none", options: FolderRowOptions()), into: "test") }
    }
}
