extension ServerError: APIErrorConvertible {
    /// A key-store failure as the API sends it: a bad name is 422, an unknown key 404, a file
    /// that can't be read or written 500 (with the store's message, which names the file).
    public var apiError: APIError {
        switch code {
        case .invalidName: .validation(message)
        case .unknownKey: .notFound(message)
        default: APIError(.internalServerError, .internalError, message)
        }
    }
}
