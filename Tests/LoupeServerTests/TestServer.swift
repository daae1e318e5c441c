import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LoupeServer
import NIOCore
import Testing

/// A server for one test: its own data directory, any catalog service, optional API keys.
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

    /// Runs `body` against the app built on `service` through `setup` (the router by default), then
    /// removes the data directory.
    func test<Value>(
        _ service: some CatalogService = MemoryCatalog(), setup: TestingSetup = .router,
        _ body: @Sendable (any TestClientProtocol) async throws -> Value
    ) async throws -> Value {
        defer { try? FileManager.default.removeItem(at: directory) }
        let app = try buildApplication(configuration, service: service)
        return try await app.test(setup, body)
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
            payload = ByteBuffer(bytes: try encoder.encode(json))
            headers[.contentType] = "application/json"
        }
        if let contentType { headers[.contentType] = contentType }
        if let key { headers[.authorization] = "Bearer \(key)" }
        return try await execute(uri: path, method: method, headers: headers, body: payload)
    }
}

extension TestResponse {
    /// The body decoded as `type`.
    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
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

/// A `.npy` file (version 1.0, little-endian float32, C order) of `rows` × `columns`.
func npyData(_ values: [Float], rows: Int, columns: Int) -> Data {
    var header = "{'descr': '<f4', 'fortran_order': False, 'shape': (\(rows), \(columns)), }"
    let total = 10 + header.utf8.count + 1
    header += String(repeating: " ", count: (64 - total % 64) % 64) + "\n"
    var data = Data([0x93]) + Data("NUMPY".utf8) + Data([1, 0])
    let length = UInt16(header.utf8.count)
    data.append(contentsOf: [UInt8(length & 0xff), UInt8(length >> 8)])
    data.append(Data(header.utf8))
    for value in values { withUnsafeBytes(of: value.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
    return data
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
