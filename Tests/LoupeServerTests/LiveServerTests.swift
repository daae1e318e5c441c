import Catalog
import Foundation
import HTTPTypes
import HummingbirdTesting
import LoupeServer
import NIOCore
import Testing

/// The server over a real socket (HummingbirdTesting's `.live`): a streamed import, a search
/// and a streamed export, with an API key.
@Suite("Live server")
struct LiveServerTests {
    @Test("Import, search and export over a socket")
    func overSocket() async throws {
        let server = try TestServer()
        let key = try server.keys.create(name: "live", scope: .admin).key
        try await server.test(setup: .live) { client in
            expectError(try await client.send(.get, "/v1/datasets"), .unauthorized, "unauthorized")
            let dataset = try await client.send(.post, "/v1/datasets", json: APIDatasetInput(name: "live"), key: key).decode(Dataset.self)
            let base = "/v1/datasets/\(dataset.id)"
            let rows = (0..<300).map { "{\"id\": \"r\($0)\", \"row_data\": \"row \($0)\"}" }.joined(separator: "\n")
            let imported = try await client.send(.post, "\(base)/rows/import", body: ByteBuffer(string: rows), contentType: "application/x-ndjson", key: key)
            #expect(try imported.decode(ImportReport.self).stored == 300, "\(imported.text)")
            _ = try await client.send(.post, "\(base)/spaces", json: APISpaceInput(name: "v", dimensions: 4), key: key)
            let vectors = (0..<300).map { "{\"id\": \"r\($0)\", \"vector\": [\(Float($0 % 7)), 1, \(Float($0 % 3)), 0.5]}" }.joined(separator: "\n")
            let report = try await client.send(.post, "\(base)/spaces/v/vectors", body: ByteBuffer(string: vectors), contentType: "application/x-ndjson", key: key)
            #expect(try report.decode(ImportReport.self).stored == 300, "\(report.text)")
            let hits = try await client.send(.post, "\(base)/spaces/v/search", json: APISearchBody(positive: ["r0"], k: 5), key: key).decode(SearchResponse.self)
            #expect(hits.hits.count == 5 && hits.hits.allSatisfy { Int($0.rowID.dropFirst())! % 21 == 0 }, "\(hits.hits.map(\.rowID))")
            let export = try await client.send(.get, "\(base)/export?embeddings=v", key: key)
            #expect(export.status == .ok && export.text.split(separator: "\n").count == 300)
        }
    }
}
