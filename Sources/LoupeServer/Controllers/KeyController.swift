import Foundation
import HTTPTypes
import Hummingbird

/// `/v1/keys` (admin): list, create and revoke API keys, the HTTP side of `loupe keys`; and
/// `/v1/session`, which lets a browser hold a key in an HTTP-only cookie, so that the web UI's
/// requests, thumbnails included, carry it.
public struct KeyController: Sendable {
    let keys: APIKeyStore

    /// The cookie the web UI's key travels in.
    static let cookieName = "loupe_key"

    /// Adds `/v1/keys` to `v1` (behind `read`; these routes need `admin`) and `/v1/session` to
    /// `router` (open: presenting a key is how a caller gets a scope).
    public func addRoutes(v1: RouterGroup<LoupeRequestContext>, router: Router<LoupeRequestContext>) {
        let admin = v1.group("keys").add(middleware: RequireScope(.admin))
        admin.get(use: list)
        admin.post(use: create)
        admin.delete(":key", use: revoke)
        router.post("v1/session", use: startSession)
        router.delete("v1/session", use: endSession)
    }

    /// Every key, revoked ones included, oldest first (never the key or its hash).
    @Sendable func list(_ request: Request, context: LoupeRequestContext) async throws -> APIList<APIKeyInfo> {
        APIList(try keys.list().map(APIKeyInfo.init))
    }

    /// Creates a key: `{"name", "scope"}`; the answer holds the key, shown this once.
    @Sendable func create(_ request: Request, context: LoupeRequestContext) async throws -> EditedResponse<CreatedKey> {
        let body = try await request.decodeJSON(NewKey.self, context: context)
        let (key, record) = try keys.create(name: body.name, scope: body.scope ?? .read)
        return EditedResponse(status: .created, response: CreatedKey(key: key, record: APIKeyInfo(record)))
    }

    /// Revokes a key by id; its record stays, marked revoked.
    @Sendable func revoke(_ request: Request, context: LoupeRequestContext) async throws -> APIKeyInfo {
        APIKeyInfo(try keys.revoke(id: try context.parameters.decoded("key")))
    }

    /// `POST /v1/session {"key"}`: checks the key and sets it as an HTTP-only, same-site cookie.
    @Sendable func startSession(_ request: Request, context: LoupeRequestContext) async throws -> EditedResponse<APIKeyInfo> {
        let key = try await request.decodeJSON(SessionKey.self, context: context).key.trimmingCharacters(in: .whitespaces)
        guard let record = try keys.authenticate(key) else {
            throw APIError(.unauthorized, .unauthorized, "Unknown or revoked API key.")
        }
        var headers = HTTPFields()
        headers[.setCookie] = "\(Self.cookieName)=\(key); Path=/; HttpOnly; SameSite=Strict"
        return EditedResponse(headers: headers, response: APIKeyInfo(record))
    }

    /// `DELETE /v1/session`: forgets the cookie.
    @Sendable func endSession(_ request: Request, context: LoupeRequestContext) async throws -> Response {
        var headers = HTTPFields()
        headers[.setCookie] = "\(Self.cookieName)=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0"
        return Response(status: .noContent, headers: headers)
    }

    /// The key in a request's `Cookie` header, if any.
    static func cookieKey(in request: Request) -> String? {
        for header in request.headers[values: .cookie] {
            for pair in header.split(separator: ";") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                if parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces) == cookieName {
                    let value = parts[1].trimmingCharacters(in: .whitespaces)
                    return value.isEmpty ? nil : value
                }
            }
        }
        return nil
    }
}

/// A key as the API lists it: everything but the hash.
public struct APIKeyInfo: ResponseCodable, Sendable {
    public var id: String
    public var name: String
    public var scope: APIScope
    public var created: Date
    public var revoked: Date?

    init(_ key: APIKey) {
        (id, name, scope, created, revoked) = (key.id, key.name, key.scope, key.created, key.revoked)
    }
}

/// `POST /v1/keys`'s answer: the key (shown once) and its record.
public struct CreatedKey: ResponseCodable, Sendable {
    public var key: String
    public var record: APIKeyInfo
}

struct NewKey: Decodable {
    var name: String
    var scope: APIScope?
}

struct SessionKey: Decodable {
    var key: String
}
