import Catalog
import CatalogTestSupport
import Foundation
import Testing
import TestSupport

/// kill -9 durability: a child process (`catalog-crash-helper`) writes, says it is done, and is
/// killed with SIGKILL; the parent reopens the data directory and checks what survived.
@Suite(.serialized) struct CrashTests {
    /// The helper executable, built beside the test bundle.
    static var helper: URL? {
        var folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = folder.appendingPathComponent("catalog-crash-helper")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            folder = folder.deletingLastPathComponent()
        }
        return nil
    }

    /// Runs the helper until it prints a line starting with `marker`, then kills it with SIGKILL.
    func runAndKill(_ arguments: [String], after marker: String, extraDelay: Duration = .zero) async throws -> String {
        let helper = try #require(Self.helper, "catalog-crash-helper is not built beside the tests")
        let process = Process()
        process.executableURL = helper
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        var text = ""
        let deadline = ContinuousClock.now + .seconds(120)
        while !text.contains(marker) && ContinuousClock.now < deadline && process.isRunning {
            let data = output.fileHandleForReading.availableData
            if data.isEmpty { try await Task.sleep(for: .milliseconds(5)) }
            text += String(decoding: data, as: UTF8.self)
        }
        if extraDelay > .zero { try await Task.sleep(for: extraDelay) }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal, "the helper exited by itself: \(text)")
        #expect(text.contains(marker), "the helper never said \(marker): \(text)")
        return text
    }

    @Test func acknowledgedImportSurvivesKill9() async throws {
        let fixture = try await CatalogFixture(rows: 3000, dimensions: 32)
        await fixture.catalog.close()
        let values = CatalogFixture.vectors(count: 3000, dimensions: 32)
        let path = fixture.write("v.ndjson", CatalogFixture.ndjson(values, dimensions: 32))
        let said = try await runAndKill(["import", fixture.folder.path, "test", "vecs", path], after: "ACK")
        #expect(said.contains("ACK 3000"))
        let reopened = try await fixture.reopen()
        #expect(try await reopened.space("vecs", in: "test").vectorCount == 3000)
        for row in [0, 1499, 2999] {
            #expect(try await reopened.vector(row: "r\(row)", space: "vecs", in: "test") == TestData.row(values, row, dimensions: 32))
        }
        let hit = try await reopened.search(SearchRequest(dataset: "test", space: "vecs", query: .vector(TestData.row(values, 5, dimensions: 32)), k: 1))
        #expect(hit.hits.first?.rowID == "r5")
    }

    @Test func killMidImportLeavesTheDatabaseIntactAndTheAcknowledgedDataThere() async throws {
        let fixture = try await CatalogFixture(rows: 20000, dimensions: 64)
        await fixture.catalog.close()
        let values = CatalogFixture.vectors(count: 20000, dimensions: 64)
        let path = fixture.write("v.ndjson", CatalogFixture.ndjson(values, dimensions: 64))
        // After the first import is acknowledged the helper re-imports the file in a loop: the
        // kill lands in the middle of one.
        _ = try await runAndKill(["import-again", fixture.folder.path, "test", "vecs", path], after: "ACK", extraDelay: .milliseconds(300))
        let reopened = try await fixture.reopen()
        #expect(try await reopened.space("vecs", in: "test").vectorCount == 20000)
        for row in [0, 9999, 19999] {
            #expect(try await reopened.vector(row: "r\(row)", space: "vecs", in: "test") == TestData.row(values, row, dimensions: 64))
        }
        // SQLite's own check of the file.
        let check = try SQLiteStore(path: fixture.folder.file("catalog.sqlite"))
        #expect(try await check.integrityCheck() == ["ok"])
    }

    @Test func jobKilledMidwayResumesAtTheNextOpen() async throws {
        let fixture = try await CatalogFixture(rows: 600)
        _ = try await fixture.catalog.createSpace(NewEmbeddingSpace(name: "tri", kind: .model("trigram")), in: "test")
        await fixture.catalog.close()
        let said = try await runAndKill(["embed", fixture.folder.path, "test", "tri"], after: "STARTED")
        let jobID = try #require(said.split(separator: " ").last.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) })
        // The kill caught the job running, part of the way.
        let store = try SQLiteStore(path: fixture.folder.file("catalog.sqlite"))
        let killed = try await store.job(id: jobID)
        #expect(killed.state == .running && killed.done > 0 && killed.done < 600, "\(killed)")
        let reopened = try await fixture.reopen()
        let job = try await reopened.waitForJob(jobID)
        #expect(job.state == .succeeded, "\(job)")
        #expect(job.done == job.total && job.total == 600)
        #expect(try await reopened.space("tri", in: "test").vectorCount == 600)
    }
}
