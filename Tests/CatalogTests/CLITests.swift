import Foundation
import Testing
import TestSupport

/// The `loupe` catalog commands end to end, run as a child process on a temporary data directory.
@Suite struct CLITests {
    /// Runs `loupe` with `arguments`; returns its exit status and standard output.
    func loupe(_ arguments: [String], dataDir: String) throws -> (status: Int32, output: String, error: String) {
        var folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        var binary: URL?
        for _ in 0..<4 where binary == nil {
            let candidate = folder.appendingPathComponent("loupe")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { binary = candidate }
            folder = folder.deletingLastPathComponent()
        }
        let process = Process()
        process.executableURL = try #require(binary, "loupe is not built beside the tests")
        process.arguments = arguments + ["--data-dir", dataDir]
        let output = Pipe(), error = Pipe()
        process.standardOutput = output
        process.standardError = error
        try process.run()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        let err = error.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: out, as: UTF8.self), String(decoding: err, as: UTF8.self))
    }

    func json(_ text: String) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test func catalogCommandsWorkEndToEnd() throws {
        let folder = try TemporaryFolder()
        let data = folder.file("data")
        #expect(try loupe(["datasets", "create", "demo"], dataDir: data).status == 0)
        let rows = folder.file("rows.ndjson")
        try Data(#"""
            {"id": "a", "row_data": "red apple", "metadata": {"n": 1}, "labels": ["fruit"]}
            {"id": "b", "row_data": "green apple", "metadata": {"n": 2}, "labels": ["fruit"]}
            {"id": "c", "row_data": "a car", "metadata": {"n": 3}}
            """#.utf8).write(to: URL(fileURLWithPath: rows))
        let imported = try loupe(["import", "rows", "--dataset", "demo", rows, "--json"], dataDir: data)
        let importedReport = try json(imported.output)
        #expect(imported.status == 0 && importedReport["stored"] as? Int == 3)
        #expect(try loupe(["spaces", "create", "--dataset", "demo", "v", "--dims", "3", "--metric", "cosine"], dataDir: data).status == 0)
        let vectors = folder.file("v.ndjson")
        try Data(#"""
            {"id": "a", "vector": [1, 0, 0]}
            {"id": "b", "vector": [0.9, 0.1, 0]}
            {"id": "c", "vector": [0, 0, 1]}
            {"id": "ghost", "vector": [0, 0, 1]}
            """#.utf8).write(to: URL(fileURLWithPath: vectors))
        let bad = try loupe(["import", "vectors", "--dataset", "demo", "--space", "v", vectors, "--json"], dataDir: data)
        #expect(bad.status == 2)
        let report = try json(bad.output)
        #expect(report["stored"] as? Int == 3 && (report["errors"] as? [[String: Any]])?.first?["line"] as? Int == 4)

        let search = try loupe(["search", "--dataset", "demo", "--space", "v", "--like", "a", "-k", "1", "--json"], dataDir: data)
        #expect(search.status == 0)
        let response = try json(search.output)
        #expect((response["hits"] as? [[String: Any]])?.first?["row_id"] as? String == "b")
        #expect(response["is_exact"] as? Bool == true)
        let filtered = try loupe(["search", "--dataset", "demo", "--space", "v", "--vector", "1,0,0", "--where", "n>=3", "--json"], dataDir: data)
        let filteredHits = try json(filtered.output)["hits"] as? [[String: Any]]
        #expect(filteredHits?.map { $0["row_id"] as? String } == ["c"])

        let export = try loupe(["export", "--dataset", "demo", "--space", "v", "--label", "fruit"], dataDir: data)
        let lines = export.output.split(separator: "\n")
        #expect(lines.count == 2 && lines[0].contains(#""embeddings":{"v":[1.0,0.0,0.0]}"#))

        let missing = try loupe(["datasets", "get", "nope"], dataDir: data)
        #expect(missing.status == 3 && missing.error.contains("dataset 'nope' does not exist"))
        let listed = try loupe(["spaces", "list", "--dataset", "demo"], dataDir: data)
        #expect(listed.output.contains("3 vectors"))
        #expect(try loupe(["spaces", "delete", "--dataset", "demo", "v"], dataDir: data).status == 0)
        #expect(try loupe(["datasets", "delete", "demo"], dataDir: data).status == 0)
        #expect(try loupe(["datasets", "list"], dataDir: data).output.contains("no datasets"))
    }

    @Test("loupe duplicates --images: by correlation (--threshold) or pHash (--max-distance), exactly one of them")
    func imageDuplicatesFromTheCommandLine() throws {
        let folder = try TemporaryFolder()
        let data = folder.file("data")
        #expect(try loupe(["datasets", "create", "pictures"], dataDir: data).status == 0)
        let rows = folder.file("rows.ndjson")
        let lines = ["q90_444.jpg", "lossy.webp", "green_palette.png"].map {
            #"{"id": "\#($0)", "row_data": "\#(CurationStorageTests.images.appendingPathComponent($0).path)", "media_type": "image"}"#
        }
        try Data(lines.joined(separator: "\n").utf8).write(to: URL(fileURLWithPath: rows))
        #expect(try loupe(["import", "rows", "--dataset", "pictures", rows], dataDir: data).status == 0)
        for method in [["--threshold", "0.99"], ["--max-distance", "6"]] {
            let found = try loupe(["duplicates", "--dataset", "pictures", "--images", "--json"] + method, dataDir: data)
            #expect(found.status == 0, "\(found.error)")
            let groups = try json(found.output)["groups"] as? [[String: Any]]
            #expect(groups?.count == 1 && groups?.first?["rows"] as? [String] == ["q90_444.jpg", "lossy.webp"], "\(found.output)")
        }
        for wrong in [[], ["--threshold", "0.99", "--max-distance", "6"]] {
            let refused = try loupe(["duplicates", "--dataset", "pictures", "--images"] + wrong, dataDir: data)
            #expect(refused.status != 0 && refused.error.contains("--images needs one of --threshold"), "\(refused.error)")
        }
        let bad = try loupe(["duplicates", "--dataset", "pictures", "--images", "--threshold", "1.5"], dataDir: data)
        #expect(bad.status != 0 && bad.error.contains("(0, 1]"), "\(bad.error)")
    }
}
