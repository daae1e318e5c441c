/// An error from an index: what went wrong, in words a user can act on.
public struct VectorIndexError: Error, Sendable, CustomStringConvertible {
    /// The kind of failure; new codes may be added.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }

        /// A vector or query has the wrong length, a NaN or infinity, or is all zeros under cosine.
        public static let invalidVector = Code("invalid_vector")
        /// An argument is out of range (k ≤ 0, mismatched id and vector counts, bad parameters).
        public static let invalidArgument = Code("invalid_argument")
        /// A file is not an index file, is truncated, or fails its checksum.
        public static let corruptFile = Code("corrupt_file")
        /// A file was written by an incompatible version or holds another kind of index.
        public static let incompatibleFile = Code("incompatible_file")
        /// The operating system refused a read or write.
        public static let io = Code("io")
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
