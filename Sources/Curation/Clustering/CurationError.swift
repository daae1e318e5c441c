/// An error from a curation algorithm: what went wrong, in words a user can act on.
public struct CurationError: Error, Sendable, CustomStringConvertible {
    /// The kind of failure; new codes may be added.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }

        /// A row has a NaN or infinite component, or rows and dimensions do not fit together.
        public static let invalidVector = Code("invalid_vector")
        /// A parameter is out of range (k = 0, k > n, a negative tolerance, …).
        public static let invalidArgument = Code("invalid_argument")
        /// There are no rows, or fewer than the algorithm needs.
        public static let notEnoughRows = Code("not_enough_rows")
        /// A numerical routine (LAPACK, the neighbour index) failed.
        public static let computationFailed = Code("computation_failed")
    }

    public var code: Code
    public var message: String
    public var underlying: (any Error & Sendable)?

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
