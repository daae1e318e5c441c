import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// One structured log line per request — request id, method, path, status, duration in
/// milliseconds — and the request id echoed in `X-Request-Id`.
struct RequestLogMiddleware: RouterMiddleware {
    static let requestIDHeader = HTTPField.Name("X-Request-Id")!

    func handle(
        _ request: Request, context: LoupeRequestContext,
        next: (Request, LoupeRequestContext) async throws -> Response
    ) async throws -> Response {
        let start = ContinuousClock.now
        var response: Response
        do {
            response = try await next(request, context)
        } catch {
            // Errors normally become responses in APIErrorMiddleware below; this is the fallback.
            response = try APIError(error).response(from: request, context: context)
        }
        let elapsed = ContinuousClock.now - start
        let milliseconds = Double(elapsed.components.seconds) * 1e3 + Double(elapsed.components.attoseconds) * 1e-15
        context.logger.info(
            "request",
            metadata: [
                "method": .string(request.method.rawValue),
                "path": .string(request.uri.path),
                "status": .stringConvertible(response.status.code),
                "duration_ms": .string(String(format: "%.3f", milliseconds)),
            ])
        response.headers[Self.requestIDHeader] = context.id
        return response
    }
}
