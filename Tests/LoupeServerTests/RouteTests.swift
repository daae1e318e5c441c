import Catalog
import CatalogTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import LoupeServer
import NIOCore
import Testing

/// Every endpoint through the router on a real catalog (SQLite in a temporary data directory,
/// deterministic test models).
@Suite("Routes")
struct RouteTests {
    @Test("Datasets, rows, spaces, vectors, search, export, labels, metrics, selections, slices, jobs, models, infer")
    func everyEndpoint() async throws {
        try await TestServer().test { client in try await RouteScenario.run(client) }
    }

    @Test("Bad input gives the right status and a JSON error naming the problem")
    func badInput() async throws {
        try await TestServer(limits: RequestLimits(jsonBody: 4096, streamedBody: 64 * 1024)).test { client in
            try await RouteScenario.badInput(client)
        }
    }

    @Test("Embedding jobs: start, progress, cancel; a finished job can't be cancelled")
    func embeddingJobs() async throws {
        try await TestServer().test { client in
            let dataset = try await client.send(.post, "/v1/datasets", json: APIDatasetInput(name: "jobs")).decode(Dataset.self)
            let rows = (0..<40).map { APIRowInput(id: "r\($0)", rowData: "text number \($0)") }
            _ = try await client.send(.post, "/v1/datasets/\(dataset.id)/rows", json: APIRowBatch(rows: rows))
            for name in ["fast", "slow"] {
                let model = name == "fast" ? "trigram" : "trigram-slow"
                let created = try await client.send(.post, "/v1/datasets/\(dataset.id)/spaces", json: APISpaceInput(name: name, model: model))
                #expect(created.status == .created, "\(created.text)")
            }
            let started = try await client.send(.post, "/v1/datasets/\(dataset.id)/spaces/fast/embed")
            #expect(started.status == .accepted, "\(started.text)")
            let job = try started.decode(Job.self)
            #expect(job.kind == .computeEmbeddings)
            let done = try await RouteScenario.waitForJob(client, job.id)
            #expect(done["state"] as? String == "succeeded", "\(done)")
            #expect(try await client.send(.get, "/v1/datasets/\(dataset.id)/spaces/fast").decode(EmbeddingSpace.self).vectorCount == 40)
            expectError(try await client.send(.post, "/v1/jobs/\(job.id)/cancel"), .conflict, "conflict")
            // Text search through the space's model.
            let hits = try await client.send(
                .post, "/v1/datasets/\(dataset.id)/spaces/fast/search", json: APISearchBody(text: "text number 7", k: 3)
            ).decode(SearchResponse.self)
            #expect(hits.hits.first?.rowID == "r7", "\(hits.hits.map(\.rowID))")

            let slow = try await client.send(.post, "/v1/datasets/\(dataset.id)/spaces/slow/embed").decode(Job.self)
            let cancelled = try await client.send(.post, "/v1/jobs/\(slow.id)/cancel")
            #expect(cancelled.status == .ok, "\(cancelled.text)")
            let final = try await RouteScenario.waitForJob(client, slow.id)
            #expect(final["state"] as? String == "cancelled", "\(final)")
            let listed = try await client.send(.get, "/v1/jobs?state=cancelled").text
            #expect(listed.contains(slow.id) && !listed.contains(job.id))
            expectError(try await client.send(.get, "/v1/jobs?state=sleeping"), .badRequest, "invalid_request")
        }
    }

    @Test("Row imports: CSV columns chosen by the query, and a folder on the server with sub-folder labels and a sidecar")
    func csvOptionsAndFolderImport() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("loupe-folder-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        for (path, text) in [("cats/one.txt", "a tabby cat"), ("cats/two.txt", "a black cat"), ("dogs/three.txt", "a sheepdog")] {
            let file = folder.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: file)
        }
        let sidecar = folder.appendingPathComponent("meta.csv")
        try Data("file,owner\ncats/one.txt,ann\ndogs/three.txt,bob\n".utf8).write(to: sidecar)
        try await TestServer().test { client in
            let base = "/v1/datasets/" + (try await client.send(.post, "/v1/datasets", json: APIDatasetInput(name: "imports")).decode(Dataset.self).id)
            let csv = "key;words;kind\nk1;first text;a|b\nk2;second text;b\n"
            let report = try await client.send(
                .post, "\(base)/rows/import?delimiter=;&id_column=key&row_data_column=words&label_column=kind&media_type=text",
                body: ByteBuffer(string: csv), contentType: "text/csv")
            #expect(try report.decode(ImportReport.self).stored == 2, "\(report.text)")
            let k1 = try await client.send(.get, "\(base)/rows/k1").decode(DataRow.self)
            #expect(k1.rowData == "first text" && Set(k1.labels.map(\.className)) == ["a", "b"])
            expectError(try await client.send(.post, "\(base)/rows/import?delimiter=;;", body: ByteBuffer(string: csv), contentType: "text/csv"),
                        .unprocessableContent, "validation_failed")
            expectError(try await client.send(.post, "\(base)/rows/import?media_type=audio", body: ByteBuffer(string: csv), contentType: "text/csv"),
                        .unprocessableContent, "validation_failed")

            let imported = try await client.send(
                .post, "\(base)/rows/import/folder", json: APIFolderImport(path: folder.path, sidecar: sidecar.path))
            #expect(try imported.decode(ImportReport.self).stored == 3, "\(imported.text)")
            let cats = try await client.send(.get, "\(base)/rows?label=cats").decode(RowPage.self)
            #expect(cats.rows.count == 2)
            let annotated = try await client.send(.get, "\(base)/rows?filter=%7B%22metadata%22%3A%5B%7B%22field%22%3A%22owner%22%2C%22test%22%3A%7B%22type%22%3A%22equals%22%2C%22value%22%3A%22bob%22%7D%7D%5D%7D").decode(RowPage.self)
            #expect(annotated.rows.map(\.rowData) == ["a sheepdog"], "\(annotated.rows)")
            expectError(try await client.send(.post, "\(base)/rows/import/folder", json: APIFolderImport(path: "relative/folder")),
                        .unprocessableContent, "validation_failed")
            expectError(try await client.send(.post, "\(base)/rows/import/folder", json: APIFolderImport(path: folder.path, sidecar: "/no/such.csv")),
                        .unprocessableContent, "validation_failed")
            expectError(try await client.send(.post, "/v1/datasets/ghost/rows/import/folder", json: APIFolderImport(path: folder.path)),
                        .notFound, "not_found")
        }
    }
}

/// The requests of the route tests.
enum RouteScenario {
    static func run(_ client: any TestClientProtocol) async throws {
        // Datasets.
        let created = try await client.send(.post, "/v1/datasets", json: APIDatasetInput(name: "Ünïcødé 😀 set", description: "odd name"))
        #expect(created.status == .created, "\(created.text)")
        #expect(created.text.contains("\"row_count\":0"), "snake_case keys: \(created.text)")
        let dataset = try created.decode(Dataset.self)
        #expect(dataset.name == "Ünïcødé 😀 set")
        #expect(try await client.send(.get, "/v1/datasets").decode(Items<Dataset>.self).items.map(\.id) == [dataset.id])
        let byName = "/v1/datasets/" + dataset.name.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(["/"]))!
        #expect(try await client.send(.get, byName).decode(Dataset.self).id == dataset.id)
        let base = "/v1/datasets/\(dataset.id)"

        // Rows: a JSON batch, NDJSON and CSV imports (each bad line reported by number).
        let batch = try await client.send(
            .post, "\(base)/rows",
            json: APIRowBatch(rows: [
                APIRowInput(id: "a", rowData: "a red apple", mediaType: .text, metadata: ["colour": .string("red"), "camelKey": .number(1)], labels: ["fruit"]),
                APIRowInput(id: "b", rowData: "a green pear", metadata: ["colour": .string("green")], labels: ["fruit"]),
            ]))
        #expect(batch.status == .ok, "\(batch.text)")
        #expect(try batch.decode(ImportReport.self).stored == 2)
        let ndjson = """
            {"id": "c", "row_data": "a blue car", "media_type": "text", "labels": ["vehicle"]}
            {"id": "d", "row_data": "日本語のテキスト", "media_type": "text"}
            {not json
            """
        let imported = try await client.send(.post, "\(base)/rows/import", body: ByteBuffer(string: ndjson), contentType: "application/x-ndjson")
        #expect(imported.status == .ok, "\(imported.text)")
        let report = try imported.decode(ImportReport.self)
        #expect(report.stored == 2 && report.rejected == 1 && report.errors.first?.line == 3, "\(report)")
        let csv = "id,row_data,media_type\ne,a yellow bus,text\n"
        let csvReport = try await client.send(.post, "\(base)/rows/import", body: ByteBuffer(string: csv), contentType: "text/csv; charset=utf-8")
        #expect(try csvReport.decode(ImportReport.self).stored == 1, "\(csvReport.text)")
        let page = try await client.send(.get, "\(base)/rows?limit=2").decode(RowPage.self)
        #expect(page.rows.count == 2 && page.total == 5 && page.nextCursor != nil)
        let next = try await client.send(.get, "\(base)/rows?limit=2&cursor=\(page.nextCursor ?? "")").decode(RowPage.self)
        #expect(next.rows.count == 2 && Set(next.rows.map(\.id)).isDisjoint(with: page.rows.map(\.id)))
        let fruit = try await client.send(.get, "\(base)/rows?label=fruit").decode(RowPage.self)
        #expect(Set(fruit.rows.map(\.id)) == ["a", "b"])
        let red = try await client.send(.get, "\(base)/rows?filter=%7B%22metadata%22%3A%5B%7B%22field%22%3A%22colour%22%2C%22test%22%3A%7B%22type%22%3A%22equals%22%2C%22value%22%3A%22red%22%7D%7D%5D%7D").decode(RowPage.self)
        #expect(red.rows.map(\.id) == ["a"])
        let rowA = try await client.send(.get, "\(base)/rows/a")
        #expect(rowA.text.contains("\"camelKey\""), "metadata keys stay as written: \(rowA.text)")
        #expect(try await client.send(.get, "\(base)/rows/d").decode(DataRow.self).rowData == "日本語のテキスト")

        // Spaces and vectors: NDJSON (with bad lines) and .npy with ids.
        let spaceResponse = try await client.send(.post, "\(base)/spaces", json: APISpaceInput(name: "custom", dimensions: 3, metric: "cosine"))
        #expect(spaceResponse.status == .created, "\(spaceResponse.text)")
        let space = try spaceResponse.decode(EmbeddingSpace.self)
        let spaceBase = "\(base)/spaces/\(space.id)"
        let vectorLines = """
            {"id": "a", "vector": [1, 0, 0]}
            {"id": "b", "vector": [0.9, 0.1, 0]}
            {"id": "nobody", "vector": [1, 0, 0]}
            {"id": "c", "vector": [1, 0]}
            {"id": "c", "vector": [
            """
        let vectorReport = try await client.send(
            .post, "\(spaceBase)/vectors", body: ByteBuffer(string: vectorLines), contentType: "application/x-ndjson"
        ).decode(ImportReport.self)
        #expect(vectorReport.stored == 2 && vectorReport.rejected == 3, "\(vectorReport)")
        #expect(vectorReport.errors.map(\.line) == [3, 4, 5])
        let (npyBody, npyType) = multipart([
            ("ids", "ids.txt", Data("c\nd\ne\n".utf8)),
            ("vectors", "v.npy", NpyWriter.data(values: [0, 1, 0, 0, 0.9, 0.1, 0, 0, 1], rows: 3, columns: 3)),
        ])
        let npyReport = try await client.send(.post, "\(spaceBase)/vectors", body: npyBody, contentType: npyType)
        #expect(npyReport.status == .ok, "\(npyReport.text)")
        #expect(try npyReport.decode(ImportReport.self).stored == 3)
        #expect(try await client.send(.get, "\(base)/spaces/custom").decode(EmbeddingSpace.self).vectorCount == 5)
        #expect(try await client.send(.get, "\(base)/spaces").decode(Items<EmbeddingSpace>.self).items.count == 1)

        // Background import: 202 with a job, then the job's report.
        let background = try await client.send(
            .post, "\(spaceBase)/vectors?background=true", body: ByteBuffer(string: "{\"id\": \"e\", \"vector\": [0, 0, 2]}\n{\"id\": \"zz\", \"vector\": [1, 1, 1]}\n"),
            contentType: "application/x-ndjson")
        #expect(background.status == .accepted, "\(background.text)")
        let importJob = try background.decode(Job.self)
        #expect(importJob.kind == .importVectors && importJob.spaceID != nil)
        let finished = try await waitForJob(client, importJob.id)
        #expect(finished["state"] as? String == "succeeded", "\(finished)")
        #expect((finished["report"] as? [String: Any])?["stored"] as? Int == 1 && finished["failed_items"] as? Int == 1, "\(finished)")
        #expect(try await client.send(.get, "/v1/jobs").text.contains(importJob.id))
        expectError(try await client.send(.post, "/v1/jobs/\(importJob.id)/cancel"), .conflict, "conflict")
        // An .npy upload in the background too; the job deletes its spooled parts when done.
        let (backgroundNPY, backgroundType) = multipart([
            ("ids", "ids.txt", Data("c\nnobody\n".utf8)),
            ("vectors", "v.npy", NpyWriter.data(values: [0, 0, 1, 1, 1, 1], rows: 2, columns: 3)),
        ])
        let npyJob = try await client.send(.post, "\(spaceBase)/vectors?background=true", body: backgroundNPY, contentType: backgroundType)
        #expect(npyJob.status == .accepted, "\(npyJob.text)")
        let npyFinished = try await waitForJob(client, try npyJob.decode(Job.self).id)
        #expect(npyFinished["state"] as? String == "succeeded" && npyFinished["failed_items"] as? Int == 1, "\(npyFinished)")
        #expect(((npyFinished["report"] as? [String: Any])?["errors"] as? [[String: Any]])?.first?["line"] as? Int == 2, "\(npyFinished)")

        // Search: by anchors, by vector, with a filter, a threshold and pagination.
        let byAnchor = try await client.send(.post, "\(spaceBase)/search", json: APISearchBody(positive: ["a"], k: 2))
        #expect(byAnchor.status == .ok, "\(byAnchor.text)")
        #expect(byAnchor.text.contains("\"is_exact\"") && byAnchor.text.contains("\"candidates_scored\""))
        let anchorHits = try byAnchor.decode(SearchResponse.self)
        #expect(anchorHits.hits.count == 2 && !anchorHits.hits.contains { $0.rowID == "a" }, "anchors are left out")
        #expect(anchorHits.hits.first?.rowID == "b" && anchorHits.hits.first?.row?.rowData == "a green pear")
        #expect(anchorHits.isExact && anchorHits.candidatesScored >= 4)
        let first = try await client.send(.post, "\(spaceBase)/search", json: APISearchBody(vector: [1, 0, 0], k: 1)).decode(SearchResponse.self)
        let second = try await client.send(.post, "\(spaceBase)/search", json: APISearchBody(vector: [1, 0, 0], k: 1, offset: 1)).decode(SearchResponse.self)
        let viaCursor = try await client.send(
            .post, "\(spaceBase)/search", json: APISearchBody(vector: [1, 0, 0], k: 1, cursor: first.nextCursor)
        ).decode(SearchResponse.self)
        #expect(first.hits.first?.rowID == "a" && second.hits.map(\.rowID) == viaCursor.hits.map(\.rowID) && second.hits.count == 1)
        let filtered = try await client.send(
            .post, "\(spaceBase)/search",
            json: APISearchBody(vector: [1, 0, 0], filter: APIRowFilter(labels: [APILabelCondition(anyOf: ["vehicle"])]), k: 5)
        ).decode(SearchResponse.self)
        #expect(filtered.hits.map(\.rowID) == ["c"] && filtered.filteredCount == 1)
        let thresholded = try await client.send(
            .post, "\(spaceBase)/search", json: APISearchBody(vector: [1, 0, 0], k: 10, minScore: 0.9)
        ).decode(SearchResponse.self)
        #expect(!thresholded.hits.isEmpty && thresholded.hits.allSatisfy { $0.score >= 0.9 } && thresholded.scoreThreshold == 0.9)
        let percentile = try await client.send(
            .post, "\(spaceBase)/search", json: APISearchBody(vector: [1, 0, 0], k: 10, percentile: 50)
        ).decode(SearchResponse.self)
        #expect(percentile.scoreThreshold != nil && percentile.hits.count < 6)
        let bare = try await client.send(.post, "\(spaceBase)/search", json: APISearchBody(vector: [1, 0, 0], includeRows: false)).decode(SearchResponse.self)
        #expect(bare.hits.allSatisfy { $0.row == nil })

        // Export: NDJSON, filtered, with embeddings.
        let export = try await client.send(.get, "\(base)/export?label=fruit&embeddings=custom")
        #expect(export.status == .ok)
        #expect(export.headers[.contentType] == "application/x-ndjson")
        let lines = export.text.split(separator: "\n")
        #expect(lines.count == 2)
        for line in lines {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            #expect(object["id"] as? String != nil && (object["embeddings"] as? [String: Any])?["custom"] != nil, "\(line)")
        }
        expectError(try await client.send(.get, "\(base)/export?embeddings=nope"), .notFound, "not_found")

        // Labels, metrics, selections, slices.
        let labelled = try await client.send(
            .post, "\(base)/labels", json: APILabelBatch(labels: [APILabelInput(rowId: "c", className: "blue", kind: .prediction, confidence: 0.8)]))
        #expect(labelled.status == .ok, "\(labelled.text)")
        let classes = try await client.send(.get, "\(base)/labels").decode(Items<LabelCount>.self).items
        #expect(classes.contains(LabelCount(className: "fruit", kind: .groundTruth, rows: 2)), "\(classes)")
        #expect(classes.contains(LabelCount(className: "blue", kind: .prediction, rows: 1)), "\(classes)")
        let metricsPut = try await client.send(
            .post, "\(base)/metrics",
            json: APIMetricBatch(metrics: [APIMetricInput(rowId: "a", name: "area", value: 2), APIMetricInput(rowId: "b", name: "area", value: 4)]))
        #expect(try metricsPut.decode(ImportReport.self).stored == 2, "\(metricsPut.text)")
        let metrics = try await client.send(.get, "\(base)/metrics").decode(Items<MetricSummary>.self).items
        #expect(metrics.first { $0.name == "area" }.map { $0.count == 2 && $0.mean == 3 } == true, "\(metrics)")
        let sorted = try await client.send(.get, "\(base)/rows?sort=-area").decode(RowPage.self)
        #expect(sorted.rows.prefix(2).map(\.id) == ["b", "a"], "\(sorted.rows.map(\.id))")
        let selection = try await client.send(.post, "\(base)/selections", json: APISelectionInput(name: "picked", rowIds: ["a", "c"]))
        #expect(selection.status == .created, "\(selection.text)")
        #expect(selection.text.contains("\"row_ids\""))
        let selectionID = try selection.decode(Selection.self).id
        #expect(try await client.send(.get, "\(base)/selections").decode(Items<Selection>.self).items.count == 1)
        #expect(try await client.send(.get, "\(base)/selections/\(selectionID)").decode(Selection.self).rowIDs == ["a", "c"])
        let inSelection = try await client.send(.get, "\(base)/rows?selection=\(selectionID)").decode(RowPage.self)
        #expect(Set(inSelection.rows.map(\.id)) == ["a", "c"])
        #expect(try await client.send(.delete, "\(base)/selections/\(selectionID)").status == .noContent)
        let slice = try await client.send(
            .post, "\(base)/slices", json: APISliceInput(name: "fruit", filter: APIRowFilter(labels: [APILabelCondition(anyOf: ["fruit"])])))
        #expect(slice.status == .created, "\(slice.text)")
        let sliceValue = try slice.decode(Slice.self)
        #expect(sliceValue.filter.labels.first?.anyOf == ["fruit"])
        // A slice's filter, as the API shows it, goes back into a search as it is.
        let sliceJSON = try #require(try JSONSerialization.jsonObject(with: Data(slice.body.readableBytesView)) as? [String: Any])
        let reuse = try JSONSerialization.data(withJSONObject: ["vector": [1, 0, 0], "filter": sliceJSON["filter"] ?? [:]])
        let reused = try await client.send(.post, "\(spaceBase)/search", body: ByteBuffer(bytes: reuse), contentType: "application/json")
        #expect(Set(try reused.decode(SearchResponse.self).hits.map(\.rowID)) == ["a", "b"], "\(reused.text)")
        #expect(try await client.send(.get, "\(base)/slices").decode(Items<Slice>.self).items.count == 1)
        #expect(try await client.send(.get, "\(base)/slices/\(sliceValue.id)").decode(Slice.self).name == "fruit")
        #expect(try await client.send(.delete, "\(base)/slices/\(sliceValue.id)").status == .noContent)

        // Models and inference (nothing stored).
        let models = try await client.send(.get, "/v1/models").decode(Items<ModelDescriptor>.self).items
        #expect(models.map(\.name) == ["trigram", "trigram-slow"])
        let text = try await client.send(.post, "/v1/infer", json: APIInferRequest(text: "a red apple", model: "trigram")).decode(APIInferResponse.self)
        #expect(text.dimensions == 64 && text.embedding.count == 64 && text.classes == nil)
        let image = try await client.send(.post, "/v1/infer?model=trigram&top=1", body: ByteBuffer(bytes: [0x89, 0x50, 0x4E, 0x47, 1, 2, 3]), contentType: "image/png")
        #expect(image.status == .ok, "\(image.text)")
        #expect(try image.decode(APIInferResponse.self).classes?.count == 1)

        // Deletes.
        #expect(try await client.send(.delete, "\(base)/rows/e").status == .noContent)
        expectError(try await client.send(.get, "\(base)/rows/e"), .notFound, "not_found")
        expectError(try await client.send(.delete, "\(base)/rows/e"), .notFound, "not_found")
        #expect(try await client.send(.delete, spaceBase).status == .noContent)
        expectError(try await client.send(.get, spaceBase), .notFound, "not_found")
        #expect(try await client.send(.delete, base).status == .noContent)
        expectError(try await client.send(.get, base), .notFound, "not_found")
    }

    /// Polls a job until it finishes; returns its JSON.
    static func waitForJob(_ client: any TestClientProtocol, _ id: String) async throws -> [String: Any] {
        for _ in 0..<1000 {
            let response = try await client.send(.get, "/v1/jobs/\(id)")
            let job = try #require(try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any])
            if ["succeeded", "failed", "cancelled"].contains(job["state"] as? String ?? "") { return job }
            try await Task.sleep(for: .milliseconds(20))
        }
        Issue.record("job \(id) did not finish")
        return [:]
    }

    /// Needs a server with a 4 KiB JSON limit and a 64 KiB streamed limit.
    static func badInput(_ client: any TestClientProtocol) async throws {
        expectError(try await client.send(.get, "/v1/nothing-here"), .notFound, "not_found")
        expectError(try await client.send(.get, "/v1/datasets/unknown"), .notFound, "not_found")
        expectError(try await client.send(.get, "/v1/datasets/unknown/spaces/x"), .notFound, "not_found")
        expectError(try await client.send(.get, "/v1/jobs/unknown"), .notFound, "not_found")
        expectError(try await client.send(.post, "/v1/jobs/unknown/cancel"), .notFound, "not_found")
        // Content types.
        expectError(
            try await client.send(.post, "/v1/datasets", body: ByteBuffer(string: "{\"name\": \"x\"}"), contentType: "text/plain"),
            .unsupportedMediaType, "unsupported_media_type")
        expectError(try await client.send(.post, "/v1/datasets", body: ByteBuffer(string: "{\"name\": \"x\"}")), .unsupportedMediaType, "unsupported_media_type")
        // Malformed and mistyped JSON.
        expectError(try await client.send(.post, "/v1/datasets", body: ByteBuffer(string: "{\"name\": "), contentType: "application/json"), .badRequest, "invalid_request")
        let mistyped = try await client.send(.post, "/v1/datasets", body: ByteBuffer(string: "{\"name\": 5}"), contentType: "application/json")
        expectError(mistyped, .badRequest, "invalid_request")
        #expect(mistyped.errorMessage?.contains("'name'") == true, "\(mistyped.text)")
        expectError(try await client.send(.post, "/v1/datasets", json: ["nom": "x"]), .badRequest, "invalid_request")
        // Names the catalog refuses.
        expectError(try await client.send(.post, "/v1/datasets", json: APIDatasetInput(name: "  ")), .unprocessableContent, "invalid_argument")
        expectError(try await client.send(.post, "/v1/datasets", json: APIDatasetInput(name: "bell\u{07}")), .unprocessableContent, "invalid_argument")
        // Oversized JSON and streamed bodies.
        expectError(try await client.send(.post, "/v1/datasets", json: APIDatasetInput(name: String(repeating: "x", count: 5000))), .contentTooLarge, "payload_too_large")

        let dataset = try await client.send(.post, "/v1/datasets", json: APIDatasetInput(name: "bad-input")).decode(Dataset.self)
        let base = "/v1/datasets/\(dataset.id)"
        expectError(try await client.send(.post, "/v1/datasets", json: APIDatasetInput(name: "bad-input")), .conflict, "conflict")
        let hugeNDJSON = String(repeating: "{\"id\": \"x\", \"row_data\": \"\(String(repeating: "y", count: 100))\"}\n", count: 1000)
        expectError(try await client.send(.post, "\(base)/rows/import", body: ByteBuffer(string: hugeNDJSON), contentType: "application/x-ndjson"), .contentTooLarge, "payload_too_large")
        expectError(try await client.send(.post, "\(base)/rows/import", body: ByteBuffer(string: "{}"), contentType: "application/json"), .unsupportedMediaType, "unsupported_media_type")
        expectError(try await client.send(.post, "/v1/datasets/ghost/rows/import", body: ByteBuffer(string: "{}"), contentType: "application/x-ndjson"), .notFound, "not_found")
        expectError(try await client.send(.post, "\(base)/rows", json: APIRowBatch(rows: [])), .unprocessableContent, "validation_failed")
        let badRows = try await client.send(.post, "\(base)/rows", json: APIRowBatch(rows: [APIRowInput(id: "r1", rowData: "x"), APIRowInput(id: "", rowData: "y")]))
        #expect(try badRows.decode(ImportReport.self).rejected == 1, "\(badRows.text)")
        // Bad query parameters.
        expectError(try await client.send(.get, "\(base)/rows?limit=lots"), .badRequest, "invalid_request")
        expectError(try await client.send(.get, "\(base)/rows?limit=0"), .unprocessableContent, "validation_failed")
        expectError(try await client.send(.get, "\(base)/rows?filter=%7Bnope"), .badRequest, "invalid_request")
        expectError(try await client.send(.get, "\(base)/rows?media_type=video"), .badRequest, "invalid_request")
        expectError(try await client.send(.get, "\(base)/rows?selection=ghost"), .notFound, "not_found")
        // Odd Unicode in path ids: percent-encoded, found or cleanly not found.
        expectError(try await client.send(.get, "\(base)/rows/%F0%9F%98%80%E2%80%8B"), .notFound, "not_found")
        expectError(try await client.send(.get, "\(base)/rows/%ZZ"), .badRequest, "invalid_request")
        _ = try await client.send(.post, "\(base)/rows", json: APIRowBatch(rows: [APIRowInput(id: "é/😀 x", rowData: "odd id")]))
        #expect(try await client.send(.get, "\(base)/rows/%C3%A9%2F%F0%9F%98%80%20x").decode(DataRow.self).rowData == "odd id")

        // Spaces and vectors.
        expectError(try await client.send(.post, "\(base)/spaces", json: APISpaceInput(name: "big", dimensions: 5000)), .unprocessableContent, "invalid_argument")
        expectError(try await client.send(.post, "\(base)/spaces", json: APISpaceInput(name: "m", dimensions: 2, metric: "manhattan")), .unprocessableContent, "validation_failed")
        expectError(try await client.send(.post, "\(base)/spaces", json: APISpaceInput(name: "nomodel", model: "no-such-model")), .notFound, "not_found")
        let space = try await client.send(.post, "\(base)/spaces", json: APISpaceInput(name: "s", dimensions: 2)).decode(EmbeddingSpace.self)
        let spaceBase = "\(base)/spaces/\(space.id)"
        expectError(try await client.send(.post, "\(base)/spaces", json: APISpaceInput(name: "s", dimensions: 2)), .conflict, "conflict")
        let nanLines = "{\"id\": \"r1\", \"vector\": [NaN, 1]}\n{\"id\": \"r1\", \"vector\": [1e39, 1]}\n{\"id\": \"r1\", \"vector\": [0, 0]}\n"
        let nanReport = try await client.send(.post, "\(spaceBase)/vectors", body: ByteBuffer(string: nanLines), contentType: "application/x-ndjson").decode(ImportReport.self)
        #expect(nanReport.rejected == 3 && nanReport.stored == 0 && nanReport.errors.map(\.line) == [1, 2, 3], "\(nanReport)")
        expectError(try await client.send(.post, "\(spaceBase)/vectors", body: ByteBuffer(string: "x"), contentType: "text/plain"), .unsupportedMediaType, "unsupported_media_type")
        expectError(try await client.send(.post, "\(base)/spaces/ghost/vectors", body: ByteBuffer(string: "{}\n"), contentType: "application/x-ndjson"), .notFound, "not_found")
        let (vectorsFirst, type) = multipart([("vectors", "v.npy", NpyWriter.data(values: [1, 2], rows: 1, columns: 2)), ("ids", nil, Data("r1\n".utf8))])
        expectError(try await client.send(.post, "\(spaceBase)/vectors", body: vectorsFirst, contentType: type), .badRequest, "invalid_request")
        expectError(try await client.send(.post, "\(spaceBase)/vectors", body: ByteBuffer(string: "--x\r\n"), contentType: "multipart/form-data"), .badRequest, "invalid_request")
        let (idsOnly, idsOnlyType) = multipart([("ids", nil, Data("r1\n".utf8))])
        var cut = idsOnly
        cut.moveWriterIndex(to: cut.writerIndex - 12)
        expectError(try await client.send(.post, "\(spaceBase)/vectors", body: cut, contentType: idsOnlyType), .badRequest, "invalid_request")
        let (wrongDims, wrongDimsType) = multipart([("ids", nil, Data("r1\n".utf8)), ("vectors", "v.npy", NpyWriter.data(values: [1, 2, 3], rows: 1, columns: 3))])
        expectError(try await client.send(.post, "\(spaceBase)/vectors", body: wrongDims, contentType: wrongDimsType), .unprocessableContent, "dimension_mismatch")
        let (notNPY, notNPYType) = multipart([("ids", nil, Data("r1\n".utf8)), ("vectors", "v.npy", Data("not an npy file at all".utf8))])
        expectError(try await client.send(.post, "\(spaceBase)/vectors", body: notNPY, contentType: notNPYType), .unprocessableContent, "corrupt_data")
        expectError(try await client.send(.post, "\(spaceBase)/vectors?by=name", body: notNPY, contentType: notNPYType), .badRequest, "invalid_request")
        expectError(try await client.send(.post, "\(spaceBase)/embed"), .unprocessableContent, "unsupported")
        _ = try await client.send(.post, "\(spaceBase)/vectors", body: ByteBuffer(string: "{\"id\": \"r1\", \"vector\": [1, 0]}\n"), contentType: "application/x-ndjson")

        // Search rules.
        let search = "\(spaceBase)/search"
        expectError(try await client.send(.post, search, json: APISearchBody()), .unprocessableContent, "validation_failed")
        expectError(try await client.send(.post, search, json: APISearchBody(vector: [1, 0], text: "both")), .unprocessableContent, "validation_failed")
        expectError(try await client.send(.post, search, json: APISearchBody(positive: (0..<21).map(String.init))), .unprocessableContent, "validation_failed")
        expectError(try await client.send(.post, search, json: APISearchBody(negative: ["r1"])), .unprocessableContent, "validation_failed")
        expectError(try await client.send(.post, search, json: APISearchBody(vector: [1, 0], k: 0)), .unprocessableContent, "validation_failed")
        expectError(try await client.send(.post, search, json: APISearchBody(vector: [1, 0], k: 5000)), .unprocessableContent, "validation_failed")
        expectError(try await client.send(.post, search, json: APISearchBody(vector: [1, 0], k: 10, offset: 9995)), .unprocessableContent, "validation_failed")
        expectError(try await client.send(.post, search, json: APISearchBody(vector: [1, 0], percentile: 101)), .unprocessableContent, "validation_failed")
        expectError(try await client.send(.post, search, json: APISearchBody(vector: [1, 0], minScore: 0.5, percentile: 50)), .unprocessableContent, "validation_failed")
        expectError(try await client.send(.post, search, json: APISearchBody(vector: [1, 0, 0])), .unprocessableContent, "dimension_mismatch")
        expectError(try await client.send(.post, search, body: ByteBuffer(string: "{\"vector\": [NaN, 1]}"), contentType: "application/json"), .badRequest, "invalid_request")
        expectError(try await client.send(.post, search, json: APISearchBody(text: "   ")), .unprocessableContent, "validation_failed")
        expectError(try await client.send(.post, search, json: APISearchBody(text: "words")), .unprocessableContent, "unsupported")
        expectError(try await client.send(.post, search, json: APISearchBody(positive: ["ghost"])), .notFound, "not_found")
        expectError(try await client.send(.post, search, json: APISearchBody(vector: [1, 0], cursor: "garbage")), .unprocessableContent, "invalid_argument")
        expectError(try await client.send(.post, "\(base)/spaces/ghost/search", json: APISearchBody(vector: [1, 0])), .notFound, "not_found")
        expectError(try await client.send(.post, "\(search)/image", body: ByteBuffer(string: "GIF89a"), contentType: "image/gif"), .unsupportedMediaType, "unsupported_media_type")
        expectError(try await client.send(.post, "\(search)/image", body: ByteBuffer(), contentType: "image/png"), .unprocessableContent, "validation_failed")
        expectError(try await client.send(.post, "\(search)/image?k=abc", body: ByteBuffer(string: "x"), contentType: "image/png"), .badRequest, "invalid_request")
        expectError(try await client.send(.post, "\(search)/image", body: ByteBuffer(string: "x"), contentType: "image/png"), .unprocessableContent, "unsupported")
        // Inference.
        expectError(try await client.send(.post, "/v1/infer", json: APIInferRequest(text: "", model: "trigram")), .unprocessableContent, "validation_failed")
        expectError(try await client.send(.post, "/v1/infer", json: APIInferRequest(text: "x", model: "ghost")), .notFound, "not_found")
        expectError(try await client.send(.post, "/v1/infer", body: ByteBuffer(string: "plain"), contentType: "text/plain"), .unsupportedMediaType, "unsupported_media_type")
        expectError(try await client.send(.post, "/v1/infer", body: ByteBuffer(string: "x"), contentType: "image/png"), .badRequest, "invalid_request")
        expectError(try await client.send(.post, "/v1/infer?model=trigram", body: ByteBuffer(bytes: Array(repeating: 7, count: 8000)), contentType: "image/jpeg"), .contentTooLarge, "payload_too_large")
        // Annotations.
        let badLabels = try await client.send(.post, "\(base)/labels", json: APILabelBatch(labels: [APILabelInput(rowId: "ghost", className: "x")]))
        #expect(try badLabels.decode(ImportReport.self).rejected == 1, "\(badLabels.text)")
        expectError(try await client.send(.get, "\(base)/selections/ghost"), .notFound, "not_found")
        expectError(try await client.send(.get, "\(base)/slices/ghost"), .notFound, "not_found")
        expectError(try await client.send(.delete, "\(base)/slices/ghost"), .notFound, "not_found")
    }
}
