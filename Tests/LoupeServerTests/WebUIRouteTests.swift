import Catalog
import Encoders
import Foundation
import HTTPTypes
import HummingbirdTesting
@testable import LoupeServer
import NIOCore
import Testing
import VectorIndex
import VectorMath

/// The web UI's routes through the router on a real catalog: thumbnails, the cluster map with its
/// R-tree selections, and smart select — with their bad inputs.
@Suite("Web UI routes")
struct WebUIRouteTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("EncodersTests/Fixtures/images")

    /// 60 rows in three tight, seeded blobs of a 4-d space (labels a, b, c; metric "rank" = row
    /// number), plus image rows (a real PNG, a missing file, a corrupt file) and a text row.
    static func seed(_ client: any TestClientProtocol, scratch: URL) async throws -> String {
        let dataset = try await client.send(.post, "/v1/datasets", json: APIDatasetInput(name: "ui")).decode(Dataset.self)
        let base = "/v1/datasets/\(dataset.id)"
        let corrupt = scratch.appendingPathComponent("corrupt.png")
        try Data("not a png at all".utf8).write(to: corrupt)
        var rows = (0..<60).map { APIRowInput(id: "r\($0)", rowData: "row \($0)", labels: [["a", "b", "c"][$0 % 3]]) }
        rows.append(APIRowInput(id: "picture", rowData: fixtures.appendingPathComponent("chessboard_RGB.png").path, mediaType: .image))
        rows.append(APIRowInput(id: "missing", rowData: scratch.appendingPathComponent("gone.png").path, mediaType: .image))
        rows.append(APIRowInput(id: "corrupt", rowData: corrupt.path, mediaType: .image))
        #expect(try await client.send(.post, "\(base)/rows", json: APIRowBatch(rows: rows)).status == .ok)
        #expect(try await client.send(.post, "\(base)/spaces", json: APISpaceInput(name: "blobs", dimensions: 4, metric: "cosine")).status == .created)
        var random = SplitMix64(seed: 1)
        var lines = ""
        for row in 0..<60 {
            let vector = (0..<4).map { Float($0 == row % 3 ? 1 : 0) + 0.01 * random.nextGaussian() }
            lines += "{\"id\": \"r\(row)\", \"vector\": [\(vector.map { "\($0)" }.joined(separator: ","))]}\n"
        }
        let imported = try await client.send(.post, "\(base)/spaces/blobs/vectors", body: ByteBuffer(string: lines), contentType: "application/x-ndjson")
        #expect(imported.status == .ok, "\(imported.text)")
        let metrics = (0..<60).map { APIMetricInput(rowId: "r\($0)", name: "rank", value: Double($0)) }
        #expect(try await client.send(.post, "\(base)/metrics", json: APIMetricBatch(metrics: metrics)).status == .ok)
        return base
    }

    /// Runs `body` on a fresh server with the seeded dataset (`base` is its route prefix).
    static func withSeededServer(_ body: @Sendable @escaping (any TestClientProtocol, String) async throws -> Void) async throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("loupe-webui-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        try await TestServer().test { client in try await body(client, try await Self.seed(client, scratch: scratch)) }
    }

    @Test("Thumbnails: a JPEG no larger than asked, cached with an ETag; text, missing and corrupt images refused")
    func thumbnails() async throws {
        try await Self.withSeededServer { client, base in
            let response = try await client.send(.get, "\(base)/rows/picture/thumbnail?size=32")
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "image/jpeg")
            let image = try ImageDecoder().decode(data: Data(response.body.readableBytesView), name: "thumbnail")
            #expect(image.width == 32 && image.height == 32)
            let etag = try #require(response.headers[.eTag])
            var headers = HTTPFields()
            headers[.ifNoneMatch] = etag
            #expect(try await client.execute(uri: "\(base)/rows/picture/thumbnail?size=32", method: .get, headers: headers).status == .notModified)
            // The second answer comes from the cache and is the same file.
            #expect(try await client.send(.get, "\(base)/rows/picture/thumbnail?size=32").body == response.body)
            expectError(try await client.send(.get, "\(base)/rows/picture/thumbnail?size=5"), .unprocessableContent, "validation_failed")
            expectError(try await client.send(.get, "\(base)/rows/r1/thumbnail"), .notFound, "not_found")
            expectError(try await client.send(.get, "\(base)/rows/missing/thumbnail"), .notFound, "not_found")
            let corrupt = try await client.send(.get, "\(base)/rows/corrupt/thumbnail")
            expectError(corrupt, .unprocessableContent, "validation_failed")
            #expect(corrupt.errorMessage?.contains("corrupt.png") == true, "\(corrupt.text)")
            expectError(try await client.send(.get, "\(base)/rows/nobody/thumbnail"), .notFound, "not_found")
        }
    }

    @Test("Map: computed on request, coloured, and box and lasso selections equal a scan of the coordinates")
    func map() async throws {
        try await Self.withSeededServer { client, dataset in
            let base = dataset + "/spaces/blobs/map"
            expectError(try await client.send(.get, base), .notFound, "not_found")
            expectError(try await client.send(.post, "\(base)/compute", json: APIMapComputeRequest(clusters: 1)), .unprocessableContent, "validation_failed")
            expectError(try await client.send(.post, "\(base)/compute", json: APIMapComputeRequest(method: "tsne")), .unprocessableContent, "validation_failed")
            let computed = try await client.send(.post, "\(base)/compute", json: APIMapComputeRequest(clusters: 3))
            #expect(computed.status == .ok, "\(computed.text)")
            #expect(try computed.decode(APIMapComputed.self).points == 60)

            let map = try await client.send(.get, base).decode(APIMap.self)
            #expect(map.ids.count == 60 && map.x.count == 60 && map.clusterNames.count == 3)
            // k-means finds the three blobs: each cluster holds one label.
            let labelled = try await client.send(.get, "\(base)?colour=label").decode(APIMap.self)
            #expect(labelled.colour.categories == ["a", "b", "c"])
            for cluster in 0..<3 {
                let labels = Set(map.ids.indices.filter { map.clusters[$0] == Int32(cluster) }.map { labelled.colour.values[$0] })
                #expect(labels.count == 1)
                let summary = try await client.send(.get, "\(base)/clusters/\(cluster)").decode(MapClusterBody.self)
                #expect(summary.size == 20 && summary.central.count == 8)
            }
            let ranks = try await client.send(.get, "\(base)?colour=metric:rank").decode(APIMap.self)
            #expect(ranks.colour.min == 0 && ranks.colour.max == 59)
            expectError(try await client.send(.get, "\(base)?colour=metric:none"), .unprocessableContent, "validation_failed")
            expectError(try await client.send(.get, "\(base)?colour=size"), .unprocessableContent, "validation_failed")
            expectError(try await client.send(.get, "\(base)/clusters/9"), .notFound, "not_found")

            let b = map.bounds
            let everything = try await client.send(.post, "\(base)/select", json: APIMapSelectRequest(box: b)).decode(APIMapSelection.self)
            #expect(everything.count == 60)
            let triangle: [Float] = [b.minX, b.minY, b.maxX, b.minY, b.minX, b.maxY]
            let lassoed = try await client.send(.post, "\(base)/select", json: APIMapSelectRequest(polygon: triangle)).decode(APIMapSelection.self)
            let polygon = try Polygon2D(xy: triangle)
            #expect(Set(lassoed.ids) == Set(map.ids.indices.filter { polygon.contains(x: map.x[$0], y: map.y[$0]) }.map { map.ids[$0] }))
            expectError(try await client.send(.post, "\(base)/select", json: APIMapSelectRequest(box: b, polygon: triangle)), .unprocessableContent, "validation_failed")
            expectError(try await client.send(.post, "\(base)/select", json: APIMapSelectRequest()), .unprocessableContent, "validation_failed")
            expectError(try await client.send(.post, "\(base)/select", json: APIMapSelectRequest(polygon: [0, 0, 1, 1])), .unprocessableContent, "validation_failed")
        }
    }

    @Test("Smart select: each strategy saves a selection; bad requests are refused with the reason")
    func smartSelect() async throws {
        try await Self.withSeededServer { client, base in
            func select(_ body: APISmartSelectRequest) async throws -> SmartSelectionBody {
                let response = try await client.send(.post, "\(base)/smart-select", json: body)
                #expect(response.status == .created, "\(response.text)")
                return try response.decode(SmartSelectionBody.self)
            }
            func label(_ id: String) -> String { ["a", "b", "c"][Int(id.dropFirst())! % 3] }

            let random = try await select(APISmartSelectRequest(name: "random", strategy: "random", count: 10, seed: 3))
            #expect(random.selection.rowIDs.count == 10 && Set(random.selection.rowIDs).count == 10)
            #expect(try await select(APISmartSelectRequest(name: "again", strategy: "random", count: 10, seed: 3)).selection.rowIDs == random.selection.rowIDs)
            let ordered = try await select(APISmartSelectRequest(name: "top", strategy: "ordered", count: 3, orderBy: "metric:rank", descending: true))
            #expect(ordered.selection.rowIDs == ["r59", "r58", "r57"])
            let diverse = try await select(APISmartSelectRequest(name: "diverse", strategy: "diverse", count: 3, space: "blobs"))
            #expect(Set(diverse.selection.rowIDs.map(label)) == ["a", "b", "c"])
            // Cluster picks use the space's map clusters (here three, one per blob).
            #expect(try await client.send(.post, "\(base)/spaces/blobs/map/compute", json: APIMapComputeRequest(clusters: 3)).status == .ok)
            let clusters = try await select(APISmartSelectRequest(name: "clusters", strategy: "cluster", count: 6, space: "blobs", perCluster: "equal"))
            #expect(Dictionary(grouping: clusters.selection.rowIDs, by: label).mapValues(\.count) == ["a": 2, "b": 2, "c": 2])
            let distinct = try await select(APISmartSelectRequest(name: "distinct", strategy: "random", count: 10, space: "blobs", duplicateScore: 0.9))
            #expect(distinct.selection.rowIDs.count == 3 && distinct.duplicatesSkipped > 0)
            let filtered = try await select(APISmartSelectRequest(
                name: "only a", strategy: "random", count: 5, filter: APIRowFilter(labels: [APILabelCondition(anyOf: ["a"])])))
            #expect(filtered.candidates == 20 && filtered.selection.rowIDs.allSatisfy { label($0) == "a" })

            for (body, words) in [
                (APISmartSelectRequest(name: "x", strategy: "ordered", count: 3), "order_by"),
                (APISmartSelectRequest(name: "x", strategy: "diverse", count: 3), "space"),
                (APISmartSelectRequest(name: "x", strategy: "best", count: 3), "strategy"),
                (APISmartSelectRequest(name: "x", strategy: "random", count: 0), "count"),
                (APISmartSelectRequest(name: " ", strategy: "random", count: 3), "name"),
                (APISmartSelectRequest(name: "x", strategy: "random", count: 3, space: "blobs", duplicateScore: 2), "duplicate_score"),
                (APISmartSelectRequest(name: "x", strategy: "ordered", count: 3, orderBy: "rank"), "order_by"),
            ] {
                let response = try await client.send(.post, "\(base)/smart-select", json: body)
                expectError(response, .unprocessableContent, "validation_failed")
                #expect(response.errorMessage?.contains(words) == true, "\(response.text)")
            }
            expectError(try await client.send(.post, "/v1/datasets/nothing/smart-select", json: APISmartSelectRequest(name: "x", strategy: "random", count: 1)),
                        .notFound, "not_found")
        }
    }
}

/// What smart select answers, as the API sends it (decoded apart from the catalog's types).
struct SmartSelectionBody: Decodable {
    struct Saved: Decodable {
        let id: String
        let name: String
        let rowIDs: [String]
        // `row_ids` reads as `rowIds` under the snake_case strategy.
        enum CodingKeys: String, CodingKey { case id, name, rowIDs = "rowIds" }
    }
    let selection: Saved
    let candidates: Int
    let duplicatesSkipped: Int
}

/// A cluster summary as the API sends it.
struct MapClusterBody: Decodable {
    let id: Int
    let name: String
    let size: Int
    let central: [String]
}
