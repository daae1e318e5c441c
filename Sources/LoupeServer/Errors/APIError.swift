import Foundation
import HTTPTypes
import Hummingbird

/// An error as the HTTP API shows it: a status, a stable machine-readable code and a message for
/// people, sent as `{"error": {"code": "...", "message": "..."}}`.
///
/// Only this module turns errors into `APIError`s (``APIError/init(_:)``): the catalog below it
/// throws domain errors that know nothing about HTTP.
public struct APIError: Error, HTTPResponseError, Sendable, Equatable {
    /// A stable, machine-readable error code; new codes may be added.
    public struct Code: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// The request is malformed: bad JSON, a bad query parameter, a body that can't be parsed.
        public static let invalidRequest = Code(rawValue: "invalid_request")
        /// The request is well formed but its values break a rule (wrong dimensions, NaN, too many anchors).
        public static let validationFailed = Code(rawValue: "validation_failed")
        /// A dataset, row, space, job, key or route that does not exist.
        public static let notFound = Code(rawValue: "not_found")
        /// The request clashes with what is stored (a name or global key already taken, a job already finished).
        public static let conflict = Code(rawValue: "conflict")
        /// The body is larger than the route allows.
        public static let payloadTooLarge = Code(rawValue: "payload_too_large")
        /// The body's `Content-Type` is not one the route reads.
        public static let unsupportedMediaType = Code(rawValue: "unsupported_media_type")
        /// No API key, or one that is unknown or revoked.
        public static let unauthorized = Code(rawValue: "unauthorized")
        /// The API key is valid but its scope does not allow this route.
        public static let forbidden = Code(rawValue: "forbidden")
        /// The route exists but not with this method.
        public static let methodNotAllowed = Code(rawValue: "method_not_allowed")
        /// Something failed inside the server; the message says what, the log says more.
        public static let internalError = Code(rawValue: "internal_error")
        /// A needed resource (a model's weights) is not installed on this server.
        public static let unavailable = Code(rawValue: "unavailable")
    }

    /// The HTTP status sent.
    public var status: HTTPResponse.Status
    /// The machine-readable code.
    public var code: Code
    /// What went wrong and, where possible, what to do about it.
    public var message: String

    /// An error with an explicit status, code and message.
    public init(_ status: HTTPResponse.Status, _ code: Code, _ message: String) {
        self.status = status
        self.code = code
        self.message = message
    }

    /// 400: the request could not be read.
    public static func invalid(_ message: String) -> APIError { .init(.badRequest, .invalidRequest, message) }
    /// 422: the request was read but its values are not acceptable.
    public static func validation(_ message: String) -> APIError { .init(.unprocessableContent, .validationFailed, message) }
    /// 404: the named thing does not exist.
    public static func notFound(_ message: String) -> APIError { .init(.notFound, .notFound, message) }
    /// 409: the request clashes with stored state.
    public static func conflict(_ message: String) -> APIError { .init(.conflict, .conflict, message) }
    /// 413: the body is over `limit` bytes.
    public static func tooLarge(limit: Int) -> APIError {
        .init(.contentTooLarge, .payloadTooLarge, "The request body is larger than this route's limit of \(limit) bytes.")
    }
    /// 415: the body's content type is not one of `accepted`.
    public static func unsupportedMediaType(_ got: String?, accepted: [String]) -> APIError {
        .init(
            .unsupportedMediaType, .unsupportedMediaType,
            "Content-Type \(got.map { "'\($0)'" } ?? "(none)") is not accepted here; send one of: \(accepted.joined(separator: ", ")).")
    }

    private struct Body: Encodable {
        struct Detail: Encodable {
            let code: String
            let message: String
        }
        let error: Detail
    }

    /// The JSON body `{"error": {"code", "message"}}` with this error's status.
    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let data = try JSONEncoder().encode(Body(error: .init(code: code.rawValue, message: message)))
        return Response(
            status: status,
            headers: [.contentType: "application/json; charset=utf-8", .contentLength: String(data.count)],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

extension APIError: CustomStringConvertible {
    public var description: String { "\(status.code) \(code): \(message)" }
}
