import Foundation
import Hummingbird
import Logging

/// Per-request state shared by the middleware and the routes: the caller's scope once the API key
/// was checked, and the body size limits of this server.
public struct LoupeRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// What the caller may do; set by ``APIKeyMiddleware``. `nil` until then.
    public var scope: APIScope?
    /// Body size limits; set by ``RequestLimitsMiddleware``.
    public var limits: RequestLimits

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.scope = nil
        self.limits = RequestLimits()
    }

    /// Decoded JSON bodies may be at most this large; streamed imports use `limits.streamedBody`.
    public var maxUploadSize: Int { limits.jsonBody }
    /// snake_case keys, ISO 8601 dates.
    public var requestDecoder: JSONDecoder { APIJSON.decoder }
    /// snake_case keys, ISO 8601 dates, sorted keys.
    public var responseEncoder: JSONEncoder { APIJSON.encoder }
}

/// How large request bodies may be.
public struct RequestLimits: Sendable, Equatable {
    /// JSON request bodies (search, create, infer with an inline image), in bytes.
    public var jsonBody: Int
    /// Streamed bodies (row and vector imports, uploaded images), in bytes.
    public var streamedBody: Int

    /// - Parameters:
    ///   - jsonBody: limit for decoded JSON bodies, default 4 MiB.
    ///   - streamedBody: limit for streamed imports, default 4 GiB.
    public init(jsonBody: Int = 4 << 20, streamedBody: Int = 4 << 30) {
        self.jsonBody = jsonBody
        self.streamedBody = streamedBody
    }
}

/// Puts the server's ``RequestLimits`` into every request's context.
struct RequestLimitsMiddleware: RouterMiddleware {
    let limits: RequestLimits

    func handle(
        _ request: Request, context: LoupeRequestContext,
        next: (Request, LoupeRequestContext) async throws -> Response
    ) async throws -> Response {
        var context = context
        context.limits = limits
        return try await next(request, context)
    }
}
