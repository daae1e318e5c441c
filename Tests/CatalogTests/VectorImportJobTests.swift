@testable import Catalog
import CatalogTestSupport
import Foundation
import Testing
import TestSupport

/// Vector imports as catalog jobs: progress and report kept in the store, files removed only
/// once finished, and a job a dead process left behind run again at the next open.
@Suite struct VectorImportJobTests {
    @Test func aBackgroundImportRecordsItsProgressAndReport() async throws {
        let count = 400, dimensions = 4
        let fixture = try await CatalogFixture(rows: count, dimensions: dimensions)
        let values = CatalogFixture.vectors(count: count, dimensions: dimensions)
        let text = CatalogFixture.ndjson(values, dimensions: dimensions) + "{\"id\": \"ghost\", \"vector\": [1, 1, 1, 1]}\nnot json\n"
        let path = fixture.write("v.ndjson", text)
        let started = try await fixture.catalog.startVectorImport(.ndjson(path: path), into: "vecs", in: "test")
        #expect(started.kind == .importVectors && started.spaceID != nil)
        let job = try await fixture.catalog.waitForJob(started.id)
        #expect(job.state == .succeeded, "\(job)")
        #expect(job.done == text.utf8.count && job.total == job.done && job.failedItems == 2)
        let report = try #require(try await fixture.catalog.importReport(job: job.id))
        #expect(report.stored == count && report.errors.map(\.line) == [count + 1, count + 2])
        #expect(report.errors.first?.reason.contains("unknown row id 'ghost'") == true)
        #expect(try await fixture.catalog.vector(row: "r17", space: "vecs", in: "test") == TestData.row(values, 17, dimensions: dimensions))
        #expect(FileManager.default.fileExists(atPath: path), "a file the caller owns stays")
        #expect(try await fixture.catalog.jobs().contains { $0.id == job.id })
    }

    @Test func aJobLeftRunningByADeadProcessRunsAgainAtTheNextOpen() async throws {
        let count = 50, dimensions = 3
        let fixture = try await CatalogFixture(rows: count, dimensions: dimensions)
        let values = CatalogFixture.vectors(count: count, dimensions: dimensions)
        let npy = fixture.write("v.npy", data: NpyWriter.data(values: values, rows: count, columns: dimensions))
        let ids = fixture.write("ids.txt", (0..<count).map { "r\($0)" }.joined(separator: "\n") + "\n")
        // What a process killed mid-import leaves: the job still `running`, its upload spooled.
        let space = try await fixture.catalog.space("vecs", in: "test")
        let now = Date()
        let orphan = try await fixture.catalog.store.createJob(Job(
            id: "orphan", kind: .importVectors, datasetID: space.datasetID, spaceID: space.id, state: .running, done: 10, total: count,
            failedItems: 0, error: nil, createdAt: now, updatedAt: now))
        let parameters = VectorImportParameters(.npy(path: npy, idsPath: ids, byGlobalKey: false), removesFiles: true)
        try await fixture.catalog.store.putJobParameters(jobID: orphan.id, parameters: try JSONEncoder().encode(parameters))

        let reopened = try await fixture.reopen()
        let job = try await reopened.waitForJob(orphan.id)
        #expect(job.state == .succeeded && job.done == count, "\(job)")
        #expect(try await reopened.importReport(job: job.id)?.stored == count)
        #expect(try await reopened.space("vecs", in: "test").vectorCount == count)
        #expect(!FileManager.default.fileExists(atPath: npy) && !FileManager.default.fileExists(atPath: ids), "spooled files go once the job finished")
        await reopened.close()
    }

    @Test func aJobWhoseFileIsGoneFailsNamingIt() async throws {
        let fixture = try await CatalogFixture(rows: 3, dimensions: 2)
        let path = fixture.write("v.ndjson", "{\"id\": \"r0\", \"vector\": [1, 2]}\n")
        await expectCatalogError(.io) {
            try await fixture.catalog.startVectorImport(.ndjson(path: fixture.folder.file("missing.ndjson")), into: "vecs", in: "test")
        }
        let space = try await fixture.catalog.space("vecs", in: "test")
        let now = Date()
        let orphan = try await fixture.catalog.store.createJob(Job(
            id: "gone", kind: .importVectors, datasetID: space.datasetID, spaceID: space.id, state: .pending, done: 0, total: 0,
            failedItems: 0, error: nil, createdAt: now, updatedAt: now))
        try await fixture.catalog.store.putJobParameters(
            jobID: orphan.id, parameters: try JSONEncoder().encode(VectorImportParameters(.ndjson(path: path), removesFiles: false)))
        try FileManager.default.removeItem(atPath: path)
        let reopened = try await fixture.reopen()
        let job = try await reopened.waitForJob(orphan.id)
        #expect(job.state == .failed && job.error?.contains("v.ndjson") == true, "\(job)")
        #expect(try await reopened.importReport(job: job.id) == nil)
        await reopened.close()
    }
}
