/// An error from a curation algorithm: what was wrong with the input (or what failed), in words a
/// user can act on.
public struct CurationError: Error, Sendable, CustomStringConvertible {
    /// The kind of failure; new codes may be added.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// The code's stable name.
        public let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }

        /// An argument is out of range: a count of zero, a threshold outside its interval, an
        /// unknown option value.
        public static let invalidArgument = Code("invalid_argument")
        /// Vectors are malformed: not whole rows, NaN or infinity, an all-zero row under cosine.
        public static let invalidVector = Code("invalid_vector")
        /// A row slot is outside the rows given, or per-row inputs disagree in length.
        public static let unknownRow = Code("unknown_row")
        /// There are fewer candidate rows than the selection asks for (and clamping was not
        /// allowed), or no candidates at all.
        public static let notEnoughRows = Code("not_enough_rows")
        /// A value cannot enter an aggregate (for example zero or a negative value in a
        /// geometric mean).
        public static let invalidValue = Code("invalid_value")
        /// An answer would exceed a size limit the caller set (for example more near-duplicate
        /// pairs than `maxPairs`): tighten the threshold or raise the limit.
        public static let limitExceeded = Code("limit_exceeded")
        /// A numerical routine (LAPACK, the neighbour index) failed.
        public static let computationFailed = Code("computation_failed")
    }

    /// What kind of failure this is.
    public var code: Code
    /// What went wrong and, where there is one, what to do about it.
    public var message: String
    /// The error that caused this one, if any (for example an index error).
    public var underlying: (any Error & Sendable)?

    /// An error of `code` with a message naming the offending input.
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
