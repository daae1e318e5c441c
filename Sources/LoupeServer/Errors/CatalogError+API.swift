import Catalog
import HTTPTypes

/// The catalog's errors at the HTTP edge: the status follows the code, and the body carries the
/// catalog's code name (`not_found`, `dimension_mismatch`, …) and message.
extension CatalogError: APIErrorConvertible {
    public var apiError: APIError {
        APIError(status, APIError.Code(rawValue: code.name), message)
    }

    private var status: HTTPResponse.Status {
        switch code {
        case .notFound: .notFound
        case .conflict, .cancelled: .conflict
        case .invalidArgument, .dimensionMismatch, .invalidVector, .limitExceeded, .unsupported, .corruptData:
            .unprocessableContent
        default: .internalServerError
        }
    }
}
