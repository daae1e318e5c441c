import Catalog
import CatalogTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LoupeServer
import NIOCore
import Testing

/// A server for one test: its own data directory with a real catalog (SQLite, indexes, job
/// runner) whose models are deterministic test models, and optional API keys.
struct TestServer {
    let directory: URL
    let configuration: ServerConfiguration
    let keys: APIKeyStore

    init(limits: RequestLimits = RequestLimits(), hostname: String = "127.0.0.1") throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("loupe-server-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        configuration = ServerConfiguration(hostname: hostname, port: 0, dataDirectory: directory.path, logLevel: .warning, limits: limits)
        keys = APIKeyStore(directory: directory)
    }

    /// The models the test catalog knows: `trigram` (texts and images, 64-d, classifies images)
    /// and `trigram-slow` (its jobs take long enough to be caught running).
    static let models = ModelRegistry(loaded: [
        TrigramModel(name: "trigram", dimensions: 64),
        TrigramModel(name: "trigram-slow", dimensions: 16, delayPerBatch: .milliseconds(200)),
    ])

    /// Opens the catalog of this server's data directory.
    func openCatalog() async throws -> Catalog {
        try await Catalog.open(CatalogConfiguration(dataDirectory: directory.path, models: Self.models, runsJobs: true, threads: 1))
    }

    /// Runs `body` against the app on the real catalog through `setup` (the router by default),
    /// then closes the catalog and removes the data directory.
    func test<Value>(
        setup: TestingSetup = .router, _ body: @Sendable (any TestClientProtocol) async throws -> Value
    ) async throws -> Value {
        defer { try? FileManager.default.removeItem(at: directory) }
        let catalog = try await openCatalog()
        do {
            let app = try buildApplication(configuration, service: catalog)
            let value = try await app.test(setup, body)
            await catalog.close()
            return value
        } catch {
            await catalog.close()
            throw error
        }
    }
}

extension TestClientProtocol {
    /// Sends a request with an optional JSON-encodable body (or raw bytes) and bearer key.
    @discardableResult
    func send(
        _ method: HTTPRequest.Method, _ path: String, json: (any Encodable)? = nil, body: ByteBuffer? = nil,
        contentType: String? = nil, key: String? = nil
    ) async throws -> TestResponse {
        var headers = HTTPFields()
        var payload = body
        if let json {
            let encoder = JSONEncoder()
            encoder.dateEncodingStrategy = .iso8601
            encoder.keyEncodingStrategy = .convertToSnakeCase
            payload = ByteBuffer(bytes: try encoder.encode(json))
            headers[.contentType] = "application/json"
        }
        if let contentType { headers[.contentType] = contentType }
        if let key { headers[.authorization] = "Bearer \(key)" }
        return try await execute(uri: path, method: method, headers: headers, body: payload)
    }
}

extension TestResponse {
    /// The body decoded as `type` (snake_case keys).
    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(T.self, from: Data(body.readableBytesView))
    }

    /// The API error body's code, or `nil` if the body is not one.
    var errorCode: String? {
        struct Body: Decodable {
            struct Detail: Decodable {
                let code: String
                let message: String
            }
            let error: Detail
        }
        return try? decode(Body.self).error.code
    }

    /// The API error body's message, or `nil`.
    var errorMessage: String? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any],
              let error = object["error"] as? [String: Any] else { return nil }
        return error["message"] as? String
    }

    var text: String { String(buffer: body) }
}

/// Expects `response` to be an API error with `status` and `code`.
func expectError(
    _ response: TestResponse, _ status: HTTPResponse.Status, _ code: String, sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(response.status == status, "body: \(response.text)", sourceLocation: sourceLocation)
    #expect(response.errorCode == code, "body: \(response.text)", sourceLocation: sourceLocation)
    #expect(response.headers[.contentType]?.hasPrefix("application/json") == true, sourceLocation: sourceLocation)
}

/// A `multipart/form-data` body with the given parts, and its Content-Type.
func multipart(_ parts: [(name: String, filename: String?, data: Data)], boundary: String = "loupe-test-boundary") -> (ByteBuffer, String) {
    var body = Data()
    for part in parts {
        body.append(Data("--\(boundary)\r\n".utf8))
        let filename = part.filename.map { "; filename=\"\($0)\"" } ?? ""
        body.append(Data("Content-Disposition: form-data; name=\"\(part.name)\"\(filename)\r\n".utf8))
        body.append(Data("Content-Type: application/octet-stream\r\n\r\n".utf8))
        body.append(part.data)
        body.append(Data("\r\n".utf8))
    }
    body.append(Data("--\(boundary)--\r\n".utf8))
    return (ByteBuffer(bytes: body), "multipart/form-data; boundary=\(boundary)")
}

/// Lists as the API sends them.
struct Items<Item: Decodable>: Decodable {
    var items: [Item]
}
