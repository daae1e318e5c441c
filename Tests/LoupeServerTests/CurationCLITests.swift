import Foundation
import Testing

/// The curation subcommands of the built `loupe` binary on a real data directory: cluster,
/// project, scores, label-mistakes, metrics aggregate, duplicates and select, with `--json`, and
/// their bad inputs (exit code 2 for bad input, 3 for not found, with the reason on stderr).
@Suite("loupe curation commands")
struct CurationCLITests {
    struct Run {
        let status: Int32
        let output: String
        let error: String

        func json() throws -> [String: Any] {
            try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any], "\(output) \(error)")
        }
    }

    static func run(_ arguments: [String]) throws -> Run {
        let process = Process()
        process.executableURL = try CLIEndToEndTests.binary()
        process.arguments = arguments
        let output = Pipe(), error = Pipe()
        process.standardOutput = output
        process.standardError = error
        try process.run()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        let err = error.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, output: String(decoding: out, as: UTF8.self), error: String(decoding: err, as: UTF8.self))
    }

    @Test("Every curation command works on a catalog and answers JSON; bad input exits 2, unknown names 3")
    func commands() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("loupe-curation-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let data = ["--data-dir", directory.appendingPathComponent("data").path]
        // 60 rows in three tight blobs (blob = row % 3, labels a/b/c), "rank" = the row number.
        var rows = "", vectors = ""
        for row in 0..<60 {
            rows += "{\"id\": \"r\(row)\", \"row_data\": \"row \(row)\", \"media_type\": \"text\", \"labels\": [\"\(["a", "b", "c"][row % 3])\"]}\n"
            let vector = (0..<4).map { $0 == row % 3 ? 1 + Double(row) * 1e-4 : Double(row % 7) * 1e-4 }
            vectors += "{\"id\": \"r\(row)\", \"vector\": [\(vector.map { "\($0)" }.joined(separator: ", "))]}\n"
        }
        let rowsFile = directory.appendingPathComponent("rows.ndjson"), vectorsFile = directory.appendingPathComponent("vectors.ndjson")
        try rows.write(to: rowsFile, atomically: true, encoding: .utf8)
        try vectors.write(to: vectorsFile, atomically: true, encoding: .utf8)
        for arguments in [["datasets", "create", "blobs"], ["import", "rows", "--dataset", "blobs", rowsFile.path],
                          ["spaces", "create", "--dataset", "blobs", "--dims", "4", "--metric", "l2", "vecs"],
                          ["import", "vectors", "--dataset", "blobs", "--space", "vecs", vectorsFile.path]] {
            let result = try Self.run(arguments + data)
            #expect(result.status == 0, "\(arguments): \(result.error)")
        }
        let space = ["--dataset", "blobs", "--space", "vecs", "--json"] + data

        let clustering = try Self.run(["cluster", "--k", "3"] + space).json()
        #expect((clustering["clusters"] as? [[String: Any]])?.map { $0["size"] as? Int } == [20, 20, 20])
        let shown = try Self.run(["cluster", "--show", "--assignments"] + space).json()
        #expect((shown["ids"] as? [String])?.count == 60 && (shown["clusters"] as? [Int])?.count == 60)
        let projected = try Self.run(["project", "--method", "pca", "--points"] + space).json()
        #expect((projected["projection"] as? [String: Any])?["points"] as? Int == 60 && (projected["x"] as? [Double])?.count == 60)
        #expect(try Self.run(["scores", "--k", "5"] + space).json()["state"] as? String == "succeeded")
        #expect(try Self.run(["label-mistakes", "--k", "5"] + space).json()["state"] as? String == "succeeded")
        let maximum = try Self.run(["metrics", "aggregate", "uniqueness", "--kind", "max", "--dataset", "blobs", "--json"] + data).json()
        #expect(maximum["value"] as? Double == 1 && maximum["count"] as? Int == 60)
        let onlyA = try Self.run(["metrics", "aggregate", "uniqueness", "--kind", "sum", "--label", "a", "--dataset", "blobs", "--json"] + data).json()
        #expect(onlyA["count"] as? Int == 20)
        let duplicates = try Self.run(["duplicates", "--threshold", "0.99"] + space).json()
        #expect((duplicates["groups"] as? [[String: Any]])?.count == 3 && duplicates["redundant_rows"] as? Int == 57)
        let selected = try Self.run(["select", "--name", "diverse", "--count", "3", "--strategy", "diverse"] + space).json()
        let picked = try #require((selected["selection"] as? [String: Any])?["row_ids"] as? [String])
        #expect(Set(picked.map { Int($0.dropFirst())! % 3 }) == [0, 1, 2])

        // Bad input: exit 2 with the reason; unknown names: exit 3.
        for (arguments, status, words) in [
            (["cluster", "--k", "1"] + space, Int32(2), "k must be in 2...60"),
            (["cluster", "--algorithm", "hdbscan", "--min-cluster-size", "100"] + space, 2, "minimum cluster size"),
            (["duplicates", "--threshold", "1.5"] + space, 2, "[0, 1]"),
            (["scores", "--k", "100"] + space, 2, "needs more than k"),
            (["metrics", "aggregate", "rank", "--kind", "median", "--dataset", "blobs"] + data, 2, "aggregate must be one of"),
            (["cluster", "--k", "3", "--dataset", "blobs", "--space", "nope"] + data, 3, "nope"),
        ] {
            let result = try Self.run(arguments)
            #expect(result.status == status, "\(arguments): \(result.error)")
            #expect(result.error.contains(words), "\(arguments): \(result.error)")
        }
    }
}
