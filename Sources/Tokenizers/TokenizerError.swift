/// An error from loading a tokenizer: what went wrong, in words a user can act on.
///
/// Tokenizing text never throws: every string, however odd its Unicode, has token ids. Only
/// reading vocabulary files and checking arguments can fail.
public struct TokenizerError: Error, Sendable, CustomStringConvertible {
    /// The kind of failure; new codes may be added.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// The code's stable name (`file_unreadable`, …).
        public let name: String
        private init(_ name: String) { self.name = name }
        /// The code and message (and the cause, if any), for logs and command-line output.
    public var description: String { name }

        /// A vocabulary, merges or `tokenizer.json` file does not exist or cannot be read.
        public static let fileUnreadable = Code("file_unreadable")
        /// A file exists but is not what it should be: bad UTF-8, bad JSON, a bad line.
        public static let malformedFile = Code("malformed_file")
        /// The vocabulary lacks a token the tokenizer needs (`[CLS]`, `<|endoftext|>`, a byte).
        public static let missingToken = Code("missing_token")
        /// An argument is out of range (a maximum length too small to hold the special tokens).
        public static let invalidArgument = Code("invalid_argument")
    }

    /// What kind of failure this is.
    public var code: Code
    /// What went wrong and what to do about it.
    public var message: String
    /// The error that caused this one, if any (a file-system or JSON error).
    public var underlying: (any Error & Sendable)?

    /// Creates an error with a code, a message and an optional cause.
    public init(_ code: Code, _ message: String, underlying: (any Error & Sendable)? = nil) {
        self.code = code
        self.message = message
        self.underlying = underlying
    }

    /// The code and message (and the cause, if any), for logs and command-line output.
    public var description: String {
        if let underlying { return "\(code): \(message) (\(underlying))" }
        return "\(code): \(message)"
    }
}
