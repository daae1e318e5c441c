import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

extension APIError {
    /// The API's view of any error thrown while handling a request.
    ///
    /// API errors pass through; Hummingbird's own errors (unknown route, body over the limit,
    /// undecodable JSON) keep their status under the API's codes; JSON decoding errors become 400s
    /// naming the field; catalog errors are mapped by their code (``APIError/init(catalog:)``);
    /// anything else is a 500 whose message names the error's type, never its internals.
    public init(_ error: any Error) {
        switch error {
        case let error as APIError:
            self = error
        case let error as any APIErrorConvertible:
            self = error.apiError
        case is NIOTooManyBytesError:
            self.init(.contentTooLarge, .payloadTooLarge, "The request body is larger than this route allows.")
        case let error as DecodingError:
            self = .invalid(Self.describe(error))
        case let error as HTTPError:
            self.init(error.status, Self.code(for: error.status), error.body ?? Self.defaultMessage(for: error.status))
        case let error as any HTTPResponseError:
            self.init(error.status, Self.code(for: error.status), Self.defaultMessage(for: error.status))
        default:
            self.init(.internalServerError, .internalError, "Internal error (\(type(of: error))); see the server log.")
        }
    }

    /// The code used for a bare HTTP status.
    static func code(for status: HTTPResponse.Status) -> Code {
        switch status.code {
        case 400: .invalidRequest
        case 401: .unauthorized
        case 403: .forbidden
        case 404: .notFound
        case 405: .methodNotAllowed
        case 409: .conflict
        case 413: .payloadTooLarge
        case 415: .unsupportedMediaType
        case 422: .validationFailed
        case 503: .unavailable
        default: status.code >= 500 ? .internalError : .invalidRequest
        }
    }

    static func defaultMessage(for status: HTTPResponse.Status) -> String {
        status == .notFound ? "No such route; see /openapi.json for the API." : status.reasonPhrase
    }

    /// A JSON decoding error as one sentence naming the field.
    static func describe(_ error: DecodingError) -> String {
        func path(_ codingPath: [any CodingKey]) -> String {
            let text = codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return text.isEmpty ? "the body" : "'\(text.hasPrefix(".") ? String(text.dropFirst()) : text)'"
        }
        switch error {
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty {
                return "The body is not valid JSON (\(context.underlyingError.map { "\($0)" } ?? context.debugDescription))."
            }
            return "Invalid value at \(path(context.codingPath)): \(context.debugDescription)"
        case .keyNotFound(let key, let context):
            return "Missing field \(path(context.codingPath + [key]))."
        case .valueNotFound(let type, let context):
            return "Field \(path(context.codingPath)) must not be null (expected \(type))."
        case .typeMismatch(let type, let context):
            return "Field \(path(context.codingPath)) has the wrong type (expected \(Self.jsonName(of: type)))."
        @unknown default:
            return "The body could not be decoded: \(error)"
        }
    }

    private static func jsonName(of type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type, is Int64.Type, is UInt32.Type: "an integer"
        case is Double.Type, is Float.Type: "a number"
        case is Bool.Type: "a boolean"
        default: "\(type)"
        }
    }
}

/// A domain error that knows its API form. Conformances live in this module, next to the
/// mapping, so that nothing below the server knows about HTTP.
public protocol APIErrorConvertible: Error {
    /// The error as the API sends it.
    var apiError: APIError { get }
}
