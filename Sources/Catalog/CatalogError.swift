/// An error from the catalog: what went wrong, in words a user can act on.
///
/// The server maps `code` to an HTTP status at its edge (`notFound` → 404, `conflict` → 409,
/// `invalidArgument` and `dimensionMismatch` → 400 or 422, `unsupported` → 400/501, `io` and
/// `storage` → 500, `corruptData` → 500 or 422 for uploaded files, `cancelled` → 409).
public struct CatalogError: Error, Sendable, CustomStringConvertible {
    /// The kind of failure; new codes may be added.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// A short machine-readable name (`not_found`, `conflict`, …).
        public let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }

        /// A dataset, row, space, label, selection, slice, job or model does not exist.
        public static let notFound = Code("not_found")
        /// The thing exists already (a dataset or space name, a row id or global key).
        public static let conflict = Code("conflict")
        /// An argument or a record is malformed or out of range.
        public static let invalidArgument = Code("invalid_argument")
        /// A vector or query has the wrong number of dimensions for its space.
        public static let dimensionMismatch = Code("dimension_mismatch")
        /// A vector holds NaN or infinity, or is all zeros under cosine.
        public static let invalidVector = Code("invalid_vector")
        /// The space's model cannot do this (a text query to an image-only model, no model at all).
        public static let unsupported = Code("unsupported")
        /// A file is truncated or damaged (an .npy header, an index file).
        public static let corruptData = Code("corrupt_data")
        /// The operating system refused a read or write.
        public static let io = Code("io")
        /// The database failed (SQLite error, failed migration).
        public static let storage = Code("storage")
        /// The operation was cancelled.
        public static let cancelled = Code("cancelled")
        /// A limit was exceeded (too many anchors, a page too deep).
        public static let limitExceeded = Code("limit_exceeded")
    }

    /// What kind of failure.
    public var code: Code
    /// What went wrong and, where it helps, what to do.
    public var message: String
    /// The error underneath, if any (a SQLite error, a file-system error, an index error).
    public var underlying: (any Error & Sendable)?

    /// An error with a code, a message and an optional cause.
    public init(_ code: Code, _ message: String, underlying: (any Error & Sendable)? = nil) {
        self.code = code
        self.message = message
        self.underlying = underlying
    }

    public var description: String {
        if let underlying { return "\(code): \(message) (\(underlying))" }
        return "\(code): \(message)"
    }
}

extension CatalogError {
    static func notFound(_ what: String, _ reference: String) -> CatalogError {
        CatalogError(.notFound, "\(what) '\(reference)' does not exist")
    }

    static func invalid(_ message: String) -> CatalogError { CatalogError(.invalidArgument, message) }
}
