import Catalog
import Foundation
import HTTPTypes
import HummingbirdTesting
import LoupeServer
import Testing

@Suite("API keys")
struct APIKeyTests {
    @Test("SHA-256 matches the FIPS 180-4 test vectors")
    func sha256() {
        #expect(APIKey.hash("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(APIKey.hash("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(
            APIKey.hash("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(APIKey.hash(String(repeating: "a", count: 1_000_000)) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
        #expect(APIKey.hash("Ünïcødé 😀") == APIKey.hash("Ünïcødé 😀") && APIKey.hash("a") != APIKey.hash("b"))
    }

    @Test("Keys are stored hashed, authenticate until revoked, and the file is private")
    func storeLifecycle() throws {
        let server = try TestServer()
        defer { try? FileManager.default.removeItem(at: server.directory) }
        let (key, record) = try server.keys.create(name: "ci", scope: .write)
        #expect(key.hasPrefix("loupe_\(record.id)_"))
        let file = try String(contentsOf: server.keys.fileURL, encoding: .utf8)
        #expect(!file.contains(key))
        #expect(file.contains(APIKey.hash(key)))
        let mode = try FileManager.default.attributesOfItem(atPath: server.keys.fileURL.path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        #expect(try server.keys.authenticate(key)?.id == record.id)
        #expect(try server.keys.authenticate(key + "x") == nil)
        #expect(try server.keys.authenticate(String(key.dropLast()) + (key.hasSuffix("Z") ? "Y" : "Z")) == nil)
        #expect(try server.keys.authenticate("loupe_\(record.id)_wrongwrongwrongwrong") == nil)
        #expect(try server.keys.authenticate("not a key") == nil)
        try server.keys.revoke(id: record.id)
        #expect(try server.keys.authenticate(key) == nil)
        #expect(try server.keys.list().first?.revoked != nil)
        #expect(try server.keys.hasActiveKeys() == false)
    }

    @Test("Revoking an unknown id and a damaged key file are clear errors")
    func storeErrors() throws {
        let server = try TestServer()
        defer { try? FileManager.default.removeItem(at: server.directory) }
        #expect(throws: ServerError.self) { try server.keys.revoke(id: "deadbeef") }
        #expect(throws: ServerError.self) { try server.keys.create(name: "  ", scope: .read) }
        try Data("{not json".utf8).write(to: server.keys.fileURL)
        do {
            _ = try server.keys.list()
            Issue.record("a damaged key file loaded")
        } catch let error as ServerError {
            #expect(error.description.contains("api-keys.json"))
        }
    }

    @Test("A key file changed by another process is seen on the next request")
    func reloadsChangedFile() throws {
        let server = try TestServer()
        defer { try? FileManager.default.removeItem(at: server.directory) }
        #expect(try server.keys.hasActiveKeys() == false)
        let other = APIKeyStore(directory: server.directory)  // as `loupe keys create` would
        let (key, _) = try other.create(name: "late", scope: .read)
        #expect(try server.keys.authenticate(key) != nil)
    }

    @Test("Scopes: none → 401, read → reads only, write → no admin deletes, admin → all")
    func scopes() async throws {
        let server = try TestServer()
        let read = try server.keys.create(name: "r", scope: .read).key
        let write = try server.keys.create(name: "w", scope: .write).key
        let admin = try server.keys.create(name: "a", scope: .admin).key
        try await server.test { client in
            // Health and the document need no key.
            #expect(try await client.send(.get, "/v1/health").status == .ok)
            #expect(try await client.send(.get, "/openapi.json").status == .ok)
            expectError(try await client.send(.get, "/v1/datasets"), .unauthorized, "unauthorized")
            expectError(try await client.send(.get, "/v1/datasets", key: "loupe_00000000_nonsensenonsense1234"), .unauthorized, "unauthorized")
            var wrongScheme = HTTPFields()
            wrongScheme[.authorization] = "Basic \(read)"
            expectError(try await client.execute(uri: "/v1/datasets", method: .get, headers: wrongScheme), .unauthorized, "unauthorized")

            #expect(try await client.send(.get, "/v1/datasets", key: read).status == .ok)
            expectError(try await client.send(.post, "/v1/datasets", json: APIDatasetInput(name: "x"), key: read), .forbidden, "forbidden")
            let created = try await client.send(.post, "/v1/datasets", json: APIDatasetInput(name: "x"), key: write)
            #expect(created.status == .created)
            let id = try created.decode(Dataset.self).id
            expectError(try await client.send(.delete, "/v1/datasets/\(id)", key: write), .forbidden, "forbidden")
            #expect(try await client.send(.delete, "/v1/datasets/\(id)", key: admin).status == .noContent)
            let health = try await client.send(.get, "/v1/health", key: write).text
            #expect(health.contains("\"auth\":\"keys\"") && health.contains("\"scope\":\"write\""))
        }
    }

    @Test("Keys over HTTP: the open server makes the first key, then only admin keys list, create and revoke")
    func keyRoutes() async throws {
        let server = try TestServer()
        try await server.test { client in
            let first = try await client.send(.post, "/v1/keys", json: ["name": "first admin", "scope": "admin"])
            #expect(first.status == .created)
            let admin = try first.decode(CreatedKey.self)
            #expect(admin.key.hasPrefix("loupe_\(admin.record.id)_") && admin.record.scope == .admin)
            #expect(!first.text.contains("sha256"))
            // From now on a key is required.
            expectError(try await client.send(.get, "/v1/keys"), .unauthorized, "unauthorized")
            let reader = try await client.send(.post, "/v1/keys", json: ["name": "reader"], key: admin.key).decode(CreatedKey.self)
            #expect(reader.record.scope == .read)
            expectError(try await client.send(.get, "/v1/keys", key: reader.key), .forbidden, "forbidden")
            let listed = try await client.send(.get, "/v1/keys", key: admin.key).decode(KeyList.self)
            #expect(listed.items.map(\.name) == ["first admin", "reader"])
            expectError(try await client.send(.post, "/v1/keys", json: ["name": " "], key: admin.key), .unprocessableContent, "validation_failed")
            expectError(try await client.send(.post, "/v1/keys", json: ["name": "x", "scope": "root"], key: admin.key), .badRequest, "invalid_request")
            expectError(try await client.send(.delete, "/v1/keys/deadbeef", key: admin.key), .notFound, "not_found")
            let revoked = try await client.send(.delete, "/v1/keys/\(reader.record.id)", key: admin.key).decode(APIKeyInfo.self)
            #expect(revoked.revoked != nil)
            expectError(try await client.send(.get, "/v1/datasets", key: reader.key), .unauthorized, "unauthorized")
        }
    }

    @Test("A browser session: POST /v1/session checks the key and sets an HTTP-only cookie that then stands for it")
    func sessionCookie() async throws {
        let server = try TestServer()
        let (key, record) = try server.keys.create(name: "ui", scope: .read)
        try await server.test { client in
            expectError(try await client.send(.post, "/v1/session", json: ["key": key + "x"]), .unauthorized, "unauthorized")
            let session = try await client.send(.post, "/v1/session", json: ["key": key])
            #expect(session.status == .ok)
            #expect(try session.decode(APIKeyInfo.self).id == record.id)
            let cookie = try #require(session.headers[.setCookie])
            #expect(cookie.hasPrefix("loupe_key=\(key);") && cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"))

            var headers = HTTPFields()
            headers[.cookie] = "theme=dark; loupe_key=\(key)"
            #expect(try await client.execute(uri: "/v1/datasets", method: .get, headers: headers).status == .ok)
            let health = try await client.execute(uri: "/v1/health", method: .get, headers: headers)
            #expect(String(buffer: health.body).contains("\"scope\":\"read\""))
            // The cookie gives the key's scope, no more.
            expectError(try await client.execute(uri: "/v1/datasets", method: .post, headers: headers), .forbidden, "forbidden")
            // A stale cookie counts as no key.
            headers[.cookie] = "loupe_key=loupe_00000000_nonsensenonsense1234"
            expectError(try await client.execute(uri: "/v1/datasets", method: .get, headers: headers), .unauthorized, "unauthorized")
            let signOut = try await client.send(.delete, "/v1/session")
            #expect(signOut.status == .noContent && signOut.headers[.setCookie]?.contains("Max-Age=0") == true)
        }
    }

    @Test("With no key configured the loopback server is open")
    func openOnLoopback() async throws {
        let server = try TestServer()
        try await server.test { client in
            let created = try await client.send(.post, "/v1/datasets", json: APIDatasetInput(name: "open"))
            #expect(created.status == .created)
            let health = try await client.send(.get, "/v1/health")
            #expect(health.text.contains("\"auth\":\"open\""))
        }
    }

    @Test("Binding beyond loopback needs a key", arguments: ["0.0.0.0", "192.0.2.1", "::"])
    func refusesUnguardedExposure(host: String) async throws {
        let server = try TestServer(hostname: host)
        defer { try? FileManager.default.removeItem(at: server.directory) }
        #expect(!server.configuration.bindsLoopbackOnly)
        do {
            _ = try await buildApplication(server.configuration, models: ModelRegistry())
            Issue.record("built an unguarded server on \(host)")
        } catch let error as ServerError {
            #expect(error.code == .unguardedExposure)
            #expect(error.description.contains("loupe keys create"))
        }
        _ = try server.keys.create(name: "guard", scope: .read)
        _ = try await buildApplication(server.configuration, models: ModelRegistry())
    }

    @Test("Loopback addresses", arguments: ["127.0.0.1", "127.1.2.3", "localhost", "::1"])
    func loopback(host: String) {
        #expect(ServerConfiguration(hostname: host).bindsLoopbackOnly)
    }
}

/// `GET /v1/keys`'s body.
private struct KeyList: Decodable {
    var items: [APIKeyInfo]
}
