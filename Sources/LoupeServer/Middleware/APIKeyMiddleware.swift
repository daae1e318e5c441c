import HTTPTypes
import Hummingbird

/// Reads `Authorization: Bearer <key>` (or, without that header, the web UI's `loupe_key`
/// cookie set by `POST /v1/session`) and puts the key's scope into the context.
///
/// When the store has no active key the server is open (it only starts so on loopback, see
/// ``ServerConfiguration/checkExposure(keys:)``) and every caller gets `admin`. Otherwise a request
/// without a key gets no scope (routes behind ``RequireScope`` then answer 401), and a request
/// with an unknown, malformed or revoked key is refused with 401 at once (a stale cookie only
/// counts as no key, so the UI can ask for a new one).
struct APIKeyMiddleware: RouterMiddleware {
    let keys: APIKeyStore

    func handle(
        _ request: Request, context: LoupeRequestContext,
        next: (Request, LoupeRequestContext) async throws -> Response
    ) async throws -> Response {
        var context = context
        guard try keys.hasActiveKeys() else {
            context.scope = .admin
            return try await next(request, context)
        }
        if let header = request.headers[.authorization] {
            let parts = header.split(separator: " ", maxSplits: 1)
            guard parts.count == 2, parts[0].lowercased() == "bearer" else {
                throw APIError(.unauthorized, .unauthorized, "The Authorization header must be 'Bearer <API key>'.")
            }
            guard let key = try keys.authenticate(String(parts[1]).trimmingCharacters(in: .whitespaces)) else {
                throw APIError(.unauthorized, .unauthorized, "Unknown or revoked API key.")
            }
            context.scope = key.scope
            context.logger[metadataKey: "key"] = .string(key.id)
        } else if let cookie = KeyController.cookieKey(in: request), let key = try keys.authenticate(cookie) {
            context.scope = key.scope
            context.logger[metadataKey: "key"] = .string(key.id)
        }
        return try await next(request, context)
    }
}

/// Lets a request through only if the context's scope allows `required`: 401 without a key,
/// 403 with a key of a lower scope.
struct RequireScope: RouterMiddleware {
    let required: APIScope

    init(_ required: APIScope) { self.required = required }

    func handle(
        _ request: Request, context: LoupeRequestContext,
        next: (Request, LoupeRequestContext) async throws -> Response
    ) async throws -> Response {
        guard let scope = context.scope else {
            throw APIError(.unauthorized, .unauthorized, "This route needs an API key with '\(required.rawValue)' scope: send 'Authorization: Bearer <key>'.")
        }
        guard scope.allows(required) else {
            throw APIError(.forbidden, .forbidden, "This route needs an API key with '\(required.rawValue)' scope; this key has '\(scope.rawValue)'.")
        }
        return try await next(request, context)
    }
}
