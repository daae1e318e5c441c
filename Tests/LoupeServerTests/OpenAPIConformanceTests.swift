import Catalog
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LoupeServer
import Testing

@Suite("OpenAPI document")
struct OpenAPIConformanceTests {
    /// The operations of the served document: (METHOD, path) → operation object.
    static func documentedOperations(_ document: [String: Any]) -> [String: [String: Any]] {
        var operations: [String: [String: Any]] = [:]
        for (path, item) in document["paths"] as? [String: Any] ?? [:] {
            for (method, operation) in item as? [String: Any] ?? [:] where method != "parameters" {
                operations["\(method.uppercased()) \(path)"] = operation as? [String: Any]
            }
        }
        return operations
    }

    static func servedDocument() async throws -> [String: Any] {
        let server = try TestServer()
        return try await server.test { client in
            let response = try await client.send(.get, "/openapi.json")
            #expect(response.status == .ok)
            return try #require(try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any])
        }
    }

    @Test("The document is valid JSON with the OpenAPI 3.1 fields, and every $ref resolves")
    func wellFormed() async throws {
        let document = try await Self.servedDocument()
        #expect(document["openapi"] as? String == "3.1.0")
        let info = try #require(document["info"] as? [String: Any])
        #expect(info["title"] is String && info["version"] is String)
        let paths = try #require(document["paths"] as? [String: Any])
        #expect(!paths.isEmpty)
        for (path, operation) in Self.documentedOperations(document) {
            #expect(operation["responses"] is [String: Any], "\(path) has no responses")
            #expect(operation["summary"] is String, "\(path) has no summary")
        }
        // Every reference points at something that exists.
        let text = String(decoding: try JSONSerialization.data(withJSONObject: document), as: UTF8.self)
        let components = try #require(document["components"] as? [String: Any])
        let refs = text.matches(of: /"\$ref":"#\\\/components\\\/(\w+)\\\/(\w+)"/)
        #expect(!refs.isEmpty)
        for match in refs {
            let section = components[String(match.output.1)] as? [String: Any]
            #expect(section?[String(match.output.2)] != nil, "dangling $ref \(match.output.1)/\(match.output.2)")
        }
        // Path parameters are declared for every {name} in a path.
        for (path, item) in paths {
            let names = path.matches(of: /\{(\w+)\}/).map { String($0.output.1) }
            let declared = ((item as? [String: Any])?["parameters"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
            for name in names { #expect(declared.contains(name), "\(path) does not declare {\(name)}") }
        }
    }

    @Test("Every route of the real router is documented, and every documented operation is routed")
    func routesMatchDocument() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("loupe-openapi-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let catalog = try await Catalog.open(CatalogConfiguration(dataDirectory: directory.path, runsJobs: false))
        let router = buildRouter(
            service: catalog, keys: APIKeyStore(directory: directory), limits: RequestLimits(), spoolDirectory: directory)
        await catalog.close()
        let routed = Set(router.routes.map { "\($0.method.rawValue) \($0.path.description)" })
        let documented = Set(Self.documentedOperations(try await Self.servedDocument()).keys)
        #expect(routed.count > 30)
        #expect(routed.subtracting(documented).sorted() == [], "routes missing from /openapi.json")
        #expect(documented.subtracting(routed).sorted() == [], "documented operations with no route")
    }

    @Test("Each operation's x-scope is the scope the server enforces")
    func scopesMatch() async throws {
        let operations = Self.documentedOperations(try await Self.servedDocument()).map { operation, description in
            (operation: operation, scope: description["x-scope"] as? String, isPublic: (description["security"] as? [Any])?.isEmpty == true)
        }
        let server = try TestServer()
        var keys: [APIScope: String] = [:]
        for scope in APIScope.allCases { keys[scope] = try server.keys.create(name: scope.rawValue, scope: scope).key }
        let frozenKeys = keys
        try await server.test { client in
            for (operation, scopeName, isPublic) in operations.sorted(by: { $0.operation < $1.operation }) {
                let parts = operation.split(separator: " ", maxSplits: 1)
                let method = HTTPRequest.Method(String(parts[0]))!
                // Fill path parameters with ids that don't exist: the scope check comes first.
                let path = String(parts[1]).replacing(/\{\w+\}/, with: "missing")
                guard let scopeName else {
                    #expect(isPublic, "\(operation) has no x-scope but is not public")
                    let status = try await client.send(method, path).status
                    #expect(![.unauthorized, .forbidden].contains(status), "\(operation) is documented as public: \(status)")
                    continue
                }
                let scope = try #require(APIScope(rawValue: scopeName))
                expectError(try await client.send(method, path), .unauthorized, "unauthorized")
                for lower in APIScope.allCases where lower < scope {
                    let response = try await client.send(method, path, key: frozenKeys[lower])
                    #expect(response.status == .forbidden, "\(operation) with a \(lower) key: \(response.status)")
                }
                let allowed = try await client.send(method, path, key: frozenKeys[scope])
                #expect(![.unauthorized, .forbidden].contains(allowed.status), "\(operation) with a \(scope) key: \(allowed.status)")
            }
        }
    }
}
