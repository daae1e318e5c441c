import Catalog
import CatalogTestSupport
import Foundation
import Synchronization
import Testing
import TestSupport
import VectorMath

/// Counts the texts a model was asked to embed.
final class CountingModel: EmbeddingModel {
    let inner: TrigramModel
    let texts = Mutex(0)
    var name: String { inner.name }
    var dimensions: Int { inner.dimensions }
    var metric: Metric { inner.metric }
    var mediaTypes: Set<MediaType> { inner.mediaTypes }

    init(delay: Duration = .zero) { inner = TrigramModel(delayPerBatch: delay) }

    func embed(texts: [String]) async throws -> [[Float]] {
        self.texts.withLock { $0 += texts.count }
        return try await inner.embed(texts: texts)
    }

    func embed(images: [[UInt8]]) async throws -> [[Float]] { try await inner.embed(images: images) }
}

@Suite struct JobTests {
    @Test func embeddingJobFillsRowsThatLackVectorsAndCountsFailures() async throws {
        let model = CountingModel()
        let fixture = try await CatalogFixture(rows: 150, models: [model])
        _ = try await fixture.catalog.addRows([NewDataRow(id: "missing-image", rowData: "/no/such/file.png", mediaType: .image)], to: "test")
        _ = try await fixture.catalog.createSpace(NewEmbeddingSpace(name: "tri", kind: .model("trigram")), in: "test")
        _ = try await fixture.catalog.putVectors([("r0", try await model.embed(texts: ["row number 0"])[0])], into: "tri", in: "test")
        model.texts.withLock { $0 = 0 }
        let job = try await fixture.catalog.computeEmbeddings(space: "tri", in: "test")
        let done = try await fixture.catalog.waitForJob(job.id)
        #expect(done.state == .succeeded)
        #expect(done.total == 150 && done.done == 150 && done.failedItems == 1)
        #expect(done.error?.contains("/no/such/file.png") == true)
        #expect(model.texts.withLock { $0 } == 149)
        #expect(try await fixture.catalog.space("tri", in: "test").vectorCount == 150)
        #expect(try await fixture.catalog.jobs().map(\.id) == [job.id])
        await expectCatalogError(.unsupported) {
            _ = try await fixture.catalog.createSpace(NewEmbeddingSpace(name: "custom", dimensions: 4), in: "test")
            return try await fixture.catalog.computeEmbeddings(space: "custom", in: "test")
        }
        await expectCatalogError(.notFound) {
            try await fixture.catalog.createSpace(NewEmbeddingSpace(name: "x", kind: .model("unknown-model")), in: "test")
        }
        await expectCatalogError(.dimensionMismatch) {
            try await fixture.catalog.createSpace(NewEmbeddingSpace(name: "y", dimensions: 5, kind: .model("trigram")), in: "test")
        }
    }

    @Test func jobsCanBeCancelledAndOnlyOneFillsASpace() async throws {
        let fixture = try await CatalogFixture(rows: 400, models: [CountingModel(delay: .milliseconds(100))])
        _ = try await fixture.catalog.createSpace(NewEmbeddingSpace(name: "tri", kind: .model("trigram")), in: "test")
        let job = try await fixture.catalog.computeEmbeddings(space: "tri", in: "test")
        await expectCatalogError(.conflict) { try await fixture.catalog.computeEmbeddings(space: "tri", in: "test") }
        while try await fixture.catalog.job(job.id).done == 0 { try await Task.sleep(for: .milliseconds(10)) }
        let cancelled = try await fixture.catalog.cancelJob(job.id)
        #expect(cancelled.state == .cancelled)
        #expect(cancelled.done < 400)
        let count = try await fixture.catalog.space("tri", in: "test").vectorCount
        try await Task.sleep(for: .milliseconds(300))
        #expect(try await fixture.catalog.space("tri", in: "test").vectorCount == count)
        await expectCatalogError(.notFound) { try await fixture.catalog.cancelJob("nope") }
    }

    @Test func pendingJobsResumeAtOpenAndSkipEmbeddedRows() async throws {
        let model = CountingModel(delay: .milliseconds(200))
        let fixture = try await CatalogFixture(rows: 300, models: [model])
        _ = try await fixture.catalog.createSpace(NewEmbeddingSpace(name: "tri", kind: .model("trigram")), in: "test")
        let job = try await fixture.catalog.computeEmbeddings(space: "tri", in: "test")
        while try await fixture.catalog.job(job.id).done < 64 { try await Task.sleep(for: .milliseconds(10)) }
        // Closing stops the job where it is and leaves it pending.
        await fixture.catalog.close()
        let stopped = try await fixture.catalog.job(job.id)
        #expect(stopped.state == .pending)
        let embedded = try await fixture.catalog.space("tri", in: "test").vectorCount
        #expect(embedded >= 64 && embedded < 300)
        let fresh = CountingModel()
        let reopened = try await fixture.reopen(models: [fresh])
        let finished = try await reopened.waitForJob(job.id)
        #expect(finished.state == .succeeded)
        #expect(try await reopened.space("tri", in: "test").vectorCount == 300)
        #expect(fresh.texts.withLock { $0 } == 300 - embedded)
    }
}

@Suite struct ImageJobTests {
    static let images = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("EncodersTests/Fixtures/images")

    @Test("One bad image in a batch fails only its row: a decompression bomb among real pictures, with EfficientNet-Lite0")
    func badImageFailsOnlyItsRow() async throws {
        let folder = try TemporaryFolder()
        let catalog = try await Catalog.open(CatalogConfiguration(dataDirectory: folder.path, models: BuiltInModels.registry(), threads: 2))
        let dataset = try await catalog.createDataset(NewDataset(name: "pictures"))
        let files = ["chessboard_RGB.png", "bomb.png", "checker_bilevel.png", "gray.jpg"]
        _ = try await catalog.addRows(
            files.map { NewDataRow(id: $0, rowData: Self.images.appendingPathComponent($0).path, mediaType: .image) }, to: dataset.id)
        _ = try await catalog.createSpace(NewEmbeddingSpace(name: "features", kind: .model("efficientnet-lite0")), in: dataset.id)
        let job = try await catalog.waitForJob(try await catalog.computeEmbeddings(space: "features", in: dataset.id).id)
        #expect(job.state == .succeeded)
        #expect(job.done == 4 && job.failedItems == 1)
        #expect(job.error?.contains("row 'bomb.png'") == true && job.error?.contains("decompression bomb") == true, "\(job.error ?? "")")
        #expect(try await catalog.space("features", in: dataset.id).vectorCount == 3)
        await catalog.close()
    }
}
