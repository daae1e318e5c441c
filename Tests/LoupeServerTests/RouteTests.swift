import Foundation
import HTTPTypes
import HummingbirdTesting
import LoupeServer
import NIOCore
import Testing

/// Every endpoint through the router, on a catalog service chosen by each test (see
/// `RouteScenario`). The same scenario runs on the real catalog in `CatalogRouteTests`.
@Suite("Routes on the memory catalog")
struct RouteTests {
    @Test("Datasets, rows, spaces, vectors, search, export, labels, metrics, selections, slices, jobs")
    func everyEndpoint() async throws {
        try await TestServer().test(MemoryCatalog()) { client in try await RouteScenario.run(client) }
    }

    @Test("Bad input gives the right status and a JSON error naming the problem")
    func badInput() async throws {
        try await TestServer(limits: RequestLimits(jsonBody: 4096, streamedBody: 64 * 1024)).test(MemoryCatalog()) { client in
            try await RouteScenario.badInput(client)
        }
    }
}

/// The requests every catalog service must answer the same way.
enum RouteScenario {
    static func run(_ client: any TestClientProtocol) async throws {
        // Datasets.
        let created = try await client.send(.post, "/v1/datasets", json: APIDatasetInput(name: "Ünïcødé 😀 set", description: "odd name"))
        #expect(created.status == .created, "\(created.text)")
        let dataset = try created.decode(APIDataset.self)
        #expect(dataset.name == "Ünïcødé 😀 set")
        #expect(try await client.send(.get, "/v1/datasets").decode(APIList<APIDataset>.self).items.map(\.id) == [dataset.id])
        #expect(try await client.send(.get, "/v1/datasets/\(dataset.id)").decode(APIDataset.self).name == dataset.name)

        // Rows: JSON batch, NDJSON and CSV imports.
        let rows = try await client.send(
            .post, "/v1/datasets/\(dataset.id)/rows",
            json: APIRowBatch(rows: [
                APIRowInput(id: "a", rowData: "a red apple", mediaType: "text", metadata: ["colour": "red"], labels: ["fruit"]),
                APIRowInput(id: "b", rowData: "a green pear", mediaType: "text", metadata: ["colour": "green"], labels: ["fruit"]),
            ]))
        #expect(rows.status == .created, "\(rows.text)")
        let ndjson = """
            {"id": "c", "rowData": "a blue car", "mediaType": "text", "labels": ["vehicle"]}
            {"id": "d", "rowData": "日本語のテキスト", "mediaType": "text"}
            {not json
            """
        let imported = try await client.send(
            .post, "/v1/datasets/\(dataset.id)/rows/import", body: ByteBuffer(string: ndjson), contentType: "application/x-ndjson")
        #expect(imported.status == .ok, "\(imported.text)")
        let report = try imported.decode(APIImportReport.self)
        #expect(report.imported == 2 && report.failed == 1)
        #expect(report.errors.first?.line == 3)
        let csv = "id,rowData,mediaType\ne,a yellow bus,text\n"
        let csvReport = try await client.send(
            .post, "/v1/datasets/\(dataset.id)/rows/import", body: ByteBuffer(string: csv), contentType: "text/csv; charset=utf-8")
        #expect(try csvReport.decode(APIImportReport.self).imported == 1, "\(csvReport.text)")
        let page = try await client.send(.get, "/v1/datasets/\(dataset.id)/rows?limit=2").decode(APIRowPage.self)
        #expect(page.rows.count == 2 && page.total == 5 && page.nextOffset == 2)
        let fruit = try await client.send(.get, "/v1/datasets/\(dataset.id)/rows?label=fruit").decode(APIRowPage.self)
        #expect(Set(fruit.rows.map(\.id)) == ["a", "b"])
        #expect(try await client.send(.get, "/v1/datasets/\(dataset.id)/rows/d").decode(APIRow.self).rowData == "日本語のテキスト")

        // Spaces and vectors: NDJSON (with bad lines) and .npy with ids.
        let spaceResponse = try await client.send(
            .post, "/v1/datasets/\(dataset.id)/spaces", json: APISpaceInput(name: "custom", dims: 3, metric: "cosine"))
        #expect(spaceResponse.status == .created, "\(spaceResponse.text)")
        let space = try spaceResponse.decode(APISpace.self)
        let vectorLines = """
            {"id": "a", "vector": [1, 0, 0]}
            {"id": "b", "vector": [0.9, 0.1, 0]}
            {"id": "nobody", "vector": [1, 0, 0]}
            {"id": "c", "vector": [1, 0]}
            {"id": "c", "vector": [
            """
        let vectorReport = try await client.send(
            .post, "/v1/spaces/\(space.id)/vectors", body: ByteBuffer(string: vectorLines), contentType: "application/x-ndjson"
        ).decode(APIImportReport.self)
        #expect(vectorReport.imported == 2 && vectorReport.failed == 3)
        #expect(vectorReport.errors.map(\.line) == [3, 4, 5])
        let (npyBody, npyType) = multipart([
            ("ids", "ids.txt", Data("c\nd\ne\n".utf8)),
            ("vectors", "v.npy", npyData([0, 1, 0, 0, 0.9, 0.1, 0, 0, 1], rows: 3, columns: 3)),
        ])
        let npyReport = try await client.send(.post, "/v1/spaces/\(space.id)/vectors", body: npyBody, contentType: npyType)
        #expect(npyReport.status == .ok, "\(npyReport.text)")
        #expect(try npyReport.decode(APIImportReport.self).imported == 3)
        #expect(try await client.send(.get, "/v1/spaces/\(space.id)").decode(APISpace.self).vectorCount == 5)
        #expect(try await client.send(.get, "/v1/datasets/\(dataset.id)/spaces").decode(APIList<APISpace>.self).items.count == 1)

        // Background import: 202 with a job, then the job's report.
        let background = try await client.send(
            .post, "/v1/spaces/\(space.id)/vectors?background=true", body: ByteBuffer(string: "{\"id\": \"e\", \"vector\": [0, 0, 2]}\n"),
            contentType: "application/x-ndjson")
        #expect(background.status == .accepted, "\(background.text)")
        let importJob = try background.decode(APIJob.self)
        let finished = try await waitForJob(client, importJob.id)
        #expect(finished.state == "succeeded" && finished.report?.imported == 1, "\(finished)")
        #expect(try await client.send(.get, "/v1/jobs").decode(APIList<APIJob>.self).items.contains { $0.id == importJob.id })
        expectError(try await client.send(.post, "/v1/jobs/\(importJob.id)/cancel"), .conflict, "conflict")

        // Search: by anchors, by vector, with a filter, a threshold and pagination.
        let byAnchor = try await client.send(.post, "/v1/spaces/\(space.id)/search", json: APISearchRequest(positive: ["a"], k: 2))
        #expect(byAnchor.status == .ok, "\(byAnchor.text)")
        let anchorHits = try byAnchor.decode(APISearchResponse.self)
        #expect(anchorHits.hits.first?.id == "a" && anchorHits.hits.count == 2 && anchorHits.candidatesScored >= 5)
        #expect(anchorHits.hits[0].score >= anchorHits.hits[1].score)
        let second = try await client.send(
            .post, "/v1/spaces/\(space.id)/search", json: APISearchRequest(vector: [1, 0, 0], k: 1, offset: 1)
        ).decode(APISearchResponse.self)
        #expect(second.hits.map(\.id) == [anchorHits.hits[1].id] && second.offset == 1)
        let filtered = try await client.send(
            .post, "/v1/spaces/\(space.id)/search",
            json: APISearchRequest(vector: [1, 0, 0], filter: APIRowFilter(labels: ["vehicle"]), k: 5)
        ).decode(APISearchResponse.self)
        #expect(filtered.hits.map(\.id) == ["c"])
        let thresholded = try await client.send(
            .post, "/v1/spaces/\(space.id)/search", json: APISearchRequest(vector: [1, 0, 0], k: 10, minScore: 0.9)
        ).decode(APISearchResponse.self)
        #expect(thresholded.hits.allSatisfy { $0.score >= 0.9 } && thresholded.threshold == 0.9)

        // Export: NDJSON, filtered, with embeddings.
        let export = try await client.send(.get, "/v1/datasets/\(dataset.id)/export?label=fruit&embeddings=\(space.id)")
        #expect(export.status == .ok)
        #expect(export.headers[.contentType] == "application/x-ndjson")
        let lines = export.text.split(separator: "\n")
        #expect(lines.count == 2)
        for line in lines {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            #expect(object["id"] as? String != nil && object["embeddings"] != nil)
        }

        // Labels, metrics, selections, slices.
        let labelled = try await client.send(
            .post, "/v1/datasets/\(dataset.id)/labels", json: APILabelBatch(labels: [APILabelInput(row: "c", class: "blue", confidence: 0.8)]))
        #expect(labelled.status == .ok, "\(labelled.text)")
        let classes = try await client.send(.get, "/v1/datasets/\(dataset.id)/labels").decode(APIList<APIClassCount>.self).items
        #expect(classes.contains(APIClassCount(class: "fruit", count: 2)))
        #expect(try await client.send(
            .post, "/v1/datasets/\(dataset.id)/metrics",
            json: APIMetricBatch(metrics: [APIMetricInput(row: "a", name: "area", value: 2), APIMetricInput(row: "b", name: "area", value: 4)])
        ).status == .ok)
        let metrics = try await client.send(.get, "/v1/datasets/\(dataset.id)/metrics").decode(APIList<APIMetricSummary>.self).items
        #expect(metrics.first { $0.name == "area" }.map { $0.count == 2 && $0.mean == 3 } == true, "\(metrics)")
        let selection = try await client.send(
            .post, "/v1/datasets/\(dataset.id)/selections", json: APISelectionInput(name: "picked", rows: ["a", "c"]))
        #expect(selection.status == .created, "\(selection.text)")
        let selectionID = try selection.decode(APISelection.self).id
        #expect(try await client.send(.get, "/v1/datasets/\(dataset.id)/selections").decode(APIList<APISelection>.self).items.count == 1)
        #expect(try await client.send(.get, "/v1/datasets/\(dataset.id)/selections/\(selectionID)").decode(APISelection.self).rows == ["a", "c"])
        let inSelection = try await client.send(.get, "/v1/datasets/\(dataset.id)/rows?selection=\(selectionID)").decode(APIRowPage.self)
        #expect(Set(inSelection.rows.map(\.id)) == ["a", "c"])
        #expect(try await client.send(.delete, "/v1/datasets/\(dataset.id)/selections/\(selectionID)").status == .noContent)
        let slice = try await client.send(
            .post, "/v1/datasets/\(dataset.id)/slices", json: APISliceInput(name: "fruit", filter: APIRowFilter(labels: ["fruit"])))
        #expect(slice.status == .created, "\(slice.text)")
        let sliceValue = try slice.decode(APISlice.self)
        #expect(sliceValue.rowCount == 2)
        #expect(try await client.send(.get, "/v1/datasets/\(dataset.id)/slices").decode(APIList<APISlice>.self).items.count == 1)
        #expect(try await client.send(.get, "/v1/datasets/\(dataset.id)/slices/\(sliceValue.id)").decode(APISlice.self).name == "fruit")
        #expect(try await client.send(.delete, "/v1/datasets/\(dataset.id)/slices/\(sliceValue.id)").status == .noContent)

        // Deletes.
        #expect(try await client.send(.delete, "/v1/datasets/\(dataset.id)/rows/e").status == .noContent)
        expectError(try await client.send(.get, "/v1/datasets/\(dataset.id)/rows/e"), .notFound, "not_found")
        #expect(try await client.send(.delete, "/v1/spaces/\(space.id)").status == .noContent)
        expectError(try await client.send(.get, "/v1/spaces/\(space.id)"), .notFound, "not_found")
        #expect(try await client.send(.delete, "/v1/datasets/\(dataset.id)").status == .noContent)
        expectError(try await client.send(.get, "/v1/datasets/\(dataset.id)"), .notFound, "not_found")
    }

    static func waitForJob(_ client: any TestClientProtocol, _ id: String) async throws -> APIJob {
        for _ in 0..<500 {
            let job = try await client.send(.get, "/v1/jobs/\(id)").decode(APIJob.self)
            if ["succeeded", "failed", "cancelled"].contains(job.state) { return job }
            try await Task.sleep(for: .milliseconds(20))
        }
        Issue.record("job \(id) did not finish")
        return try await client.send(.get, "/v1/jobs/\(id)").decode(APIJob.self)
    }

    /// Needs a server with a 4 KiB JSON limit and a 64 KiB streamed limit.
    static func badInput(_ client: any TestClientProtocol) async throws {
        expectError(try await client.send(.get, "/v1/nothing-here"), .notFound, "not_found")
        expectError(try await client.send(.get, "/v1/datasets/unknown"), .notFound, "not_found")
        expectError(try await client.send(.get, "/v1/spaces/unknown"), .notFound, "not_found")
        expectError(try await client.send(.get, "/v1/jobs/unknown"), .notFound, "not_found")
        expectError(try await client.send(.post, "/v1/jobs/unknown/cancel"), .notFound, "not_found")
        // Content types.
        expectError(
            try await client.send(.post, "/v1/datasets", body: ByteBuffer(string: "{\"name\": \"x\"}"), contentType: "text/plain"),
            .unsupportedMediaType, "unsupported_media_type")
        expectError(try await client.send(.post, "/v1/datasets", body: ByteBuffer(string: "{\"name\": \"x\"}")), .unsupportedMediaType, "unsupported_media_type")
        // Malformed and mistyped JSON.
        let malformed = try await client.send(.post, "/v1/datasets", body: ByteBuffer(string: "{\"name\": "), contentType: "application/json")
        expectError(malformed, .badRequest, "invalid_request")
        let mistyped = try await client.send(.post, "/v1/datasets", body: ByteBuffer(string: "{\"name\": 5}"), contentType: "application/json")
        expectError(mistyped, .badRequest, "invalid_request")
        #expect(mistyped.errorMessage?.contains("'name'") == true, "\(mistyped.text)")
        expectError(try await client.send(.post, "/v1/datasets", json: ["nom": "x"]), .badRequest, "invalid_request")
        // Oversized JSON and streamed bodies.
        let big = String(repeating: "x", count: 5000)
        expectError(try await client.send(.post, "/v1/datasets", json: APIDatasetInput(name: big)), .contentTooLarge, "payload_too_large")

        let dataset = try await client.send(.post, "/v1/datasets", json: APIDatasetInput(name: "bad-input")).decode(APIDataset.self)
        expectError(try await client.send(.post, "/v1/datasets", json: APIDatasetInput(name: "bad-input")), .conflict, "conflict")
        let hugeNDJSON = String(repeating: "{\"id\": \"x\", \"rowData\": \"\(String(repeating: "y", count: 100))\"}\n", count: 1000)
        expectError(
            try await client.send(.post, "/v1/datasets/\(dataset.id)/rows/import", body: ByteBuffer(string: hugeNDJSON), contentType: "application/x-ndjson"),
            .contentTooLarge, "payload_too_large")
        expectError(
            try await client.send(.post, "/v1/datasets/\(dataset.id)/rows/import", body: ByteBuffer(string: "{}"), contentType: "application/json"),
            .unsupportedMediaType, "unsupported_media_type")
        expectError(try await client.send(.post, "/v1/datasets/\(dataset.id)/rows", json: APIRowBatch(rows: [])), .unprocessableContent, "validation_failed")
        _ = try await client.send(.post, "/v1/datasets/\(dataset.id)/rows", json: APIRowBatch(rows: [APIRowInput(id: "r1", rowData: "x")]))
        // Bad query parameters.
        expectError(try await client.send(.get, "/v1/datasets/\(dataset.id)/rows?limit=lots"), .badRequest, "invalid_request")
        expectError(try await client.send(.get, "/v1/datasets/\(dataset.id)/rows?limit=0"), .unprocessableContent, "validation_failed")
        expectError(try await client.send(.get, "/v1/datasets/\(dataset.id)/rows?filter=%7Bnope"), .badRequest, "invalid_request")
        // Odd Unicode in path ids: percent-encoded, found or cleanly not found.
        expectError(try await client.send(.get, "/v1/datasets/\(dataset.id)/rows/%F0%9F%98%80%E2%80%8B"), .notFound, "not_found")
        expectError(try await client.send(.get, "/v1/datasets/\(dataset.id)/rows/%ZZ"), .badRequest, "invalid_request")

        // Spaces and vectors.
        expectError(try await client.send(.post, "/v1/datasets/\(dataset.id)/spaces", json: APISpaceInput(name: "big", dims: 5000)), .unprocessableContent, "validation_failed")
        let space = try await client.send(.post, "/v1/datasets/\(dataset.id)/spaces", json: APISpaceInput(name: "s", dims: 2)).decode(APISpace.self)
        let nanLine = "{\"id\": \"r1\", \"vector\": [NaN, 1]}\n{\"id\": \"r1\", \"vector\": [1e39, 1]}\n"
        let nanReport = try await client.send(
            .post, "/v1/spaces/\(space.id)/vectors", body: ByteBuffer(string: nanLine), contentType: "application/x-ndjson"
        ).decode(APIImportReport.self)
        #expect(nanReport.failed == 2 && nanReport.imported == 0 && nanReport.errors.map(\.line) == [1, 2])
        expectError(try await client.send(.post, "/v1/spaces/\(space.id)/vectors", body: ByteBuffer(string: "x"), contentType: "text/plain"), .unsupportedMediaType, "unsupported_media_type")
        let (vectorsFirst, type) = multipart([("vectors", "v.npy", npyData([1, 2], rows: 1, columns: 2)), ("ids", nil, Data("r1\n".utf8))])
        expectError(try await client.send(.post, "/v1/spaces/\(space.id)/vectors", body: vectorsFirst, contentType: type), .badRequest, "invalid_request")
        expectError(
            try await client.send(.post, "/v1/spaces/\(space.id)/vectors", body: ByteBuffer(string: "--x\r\n"), contentType: "multipart/form-data"),
            .badRequest, "invalid_request")
        let (truncated, truncatedType) = multipart([("ids", nil, Data("r1\n".utf8))])
        var cut = truncated
        cut.moveWriterIndex(to: cut.writerIndex - 12)
        expectError(try await client.send(.post, "/v1/spaces/\(space.id)/vectors", body: cut, contentType: truncatedType), .badRequest, "invalid_request")
        expectError(
            try await client.send(.post, "/v1/spaces/unknown/vectors?background=true", body: ByteBuffer(string: "{}\n"), contentType: "application/x-ndjson"),
            .notFound, "not_found")

        // Search rules.
        let search = "/v1/spaces/\(space.id)/search"
        expectError(try await client.send(.post, search, json: APISearchRequest()), .unprocessableContent, "validation_failed")
        expectError(try await client.send(.post, search, json: APISearchRequest(vector: [1, 0], text: "both")), .unprocessableContent, "validation_failed")
        expectError(try await client.send(.post, search, json: APISearchRequest(positive: (0..<21).map(String.init))), .unprocessableContent, "validation_failed")
        expectError(try await client.send(.post, search, json: APISearchRequest(negative: ["r1"])), .unprocessableContent, "validation_failed")
        expectError(try await client.send(.post, search, json: APISearchRequest(vector: [1, 0], k: 0)), .unprocessableContent, "validation_failed")
        expectError(try await client.send(.post, search, json: APISearchRequest(vector: [1, 0], k: 5000)), .unprocessableContent, "validation_failed")
        expectError(try await client.send(.post, search, json: APISearchRequest(vector: [1, 0], percentile: 101)), .unprocessableContent, "validation_failed")
        expectError(try await client.send(.post, search, json: APISearchRequest(vector: [1, 0], minScore: 0.5, percentile: 50)), .unprocessableContent, "validation_failed")
        expectError(try await client.send(.post, search, json: APISearchRequest(vector: [1, 0, 0])), .unprocessableContent, "validation_failed")
        expectError(try await client.send(.post, search, body: ByteBuffer(string: "{\"vector\": [NaN, 1]}"), contentType: "application/json"), .badRequest, "invalid_request")
        expectError(try await client.send(.post, search, json: APISearchRequest(text: "   ")), .unprocessableContent, "validation_failed")
        expectError(try await client.send(.post, "/v1/spaces/unknown/search", json: APISearchRequest(vector: [1, 0])), .notFound, "not_found")
        expectError(try await client.send(.post, "\(search)/image", body: ByteBuffer(string: "GIF89a"), contentType: "image/gif"), .unsupportedMediaType, "unsupported_media_type")
        expectError(try await client.send(.post, "\(search)/image", body: ByteBuffer(), contentType: "image/png"), .unprocessableContent, "validation_failed")
        expectError(try await client.send(.post, "\(search)/image?k=abc", body: ByteBuffer(string: "x"), contentType: "image/png"), .badRequest, "invalid_request")
        // Inference.
        expectError(try await client.send(.post, "/v1/infer", json: APIInferRequest(text: "")), .unprocessableContent, "validation_failed")
        expectError(try await client.send(.post, "/v1/infer", body: ByteBuffer(string: "plain"), contentType: "text/plain"), .unsupportedMediaType, "unsupported_media_type")
        expectError(try await client.send(.post, "/v1/infer", body: ByteBuffer(bytes: Array(repeating: 7, count: 8000)), contentType: "image/jpeg"), .contentTooLarge, "payload_too_large")
        // Annotations.
        expectError(try await client.send(.post, "/v1/datasets/\(dataset.id)/labels", json: APILabelBatch(labels: [APILabelInput(row: "r1", class: "x", confidence: 2)])), .unprocessableContent, "validation_failed")
        expectError(try await client.send(.post, "/v1/datasets/\(dataset.id)/labels", json: APILabelBatch(labels: [APILabelInput(row: "ghost", class: "x")])), .notFound, "not_found")
        expectError(try await client.send(.get, "/v1/datasets/\(dataset.id)/selections/ghost"), .notFound, "not_found")
        expectError(try await client.send(.get, "/v1/datasets/\(dataset.id)/slices/ghost"), .notFound, "not_found")
    }
}
