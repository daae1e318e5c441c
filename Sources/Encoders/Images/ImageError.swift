/// An error from reading, decoding, resizing or encoding an image: what went wrong, naming the
/// file, in words a user can act on.
///
/// Decoding never traps on bad input: an empty, truncated, corrupt, unknown or absurdly large file
/// is one of these errors.
public struct ImageError: Error, Sendable, CustomStringConvertible {
    /// The kind of failure; new codes may be added.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// The code's stable name (`truncated`, …).
        public let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }

        /// The file does not exist or cannot be read.
        public static let unreadable = Code("unreadable")
        /// The file or buffer holds zero bytes.
        public static let empty = Code("empty")
        /// The bytes are not a JPEG, PNG or WebP (another image format, or not an image at all,
        /// such as a text file named `.jpg`), or use a feature the codec cannot decode.
        public static let unsupportedFormat = Code("unsupported_format")
        /// The data ends before the image does.
        public static let truncated = Code("truncated")
        /// The codec rejected the data: a bad header, checksum or compressed stream.
        public static let corrupt = Code("corrupt")
        /// The image (or file) is larger than the configured limit: a likely decompression bomb.
        public static let tooLarge = Code("too_large")
        /// An argument is out of range: a zero or negative size, a crop outside the image, a JPEG
        /// quality outside 1...100, pixel bytes that do not match the size.
        public static let invalidArgument = Code("invalid_argument")
        /// The encoder failed (out of memory, an internal codec error).
        public static let encodingFailed = Code("encoding_failed")
    }

    /// What kind of failure this is.
    public var code: Code
    /// What went wrong and what to do about it; names the file or buffer when there is one.
    public var message: String
    /// The error that caused this one, if any (a file-system error).
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
