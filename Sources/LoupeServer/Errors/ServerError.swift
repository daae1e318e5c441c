/// Why the server could not start, or could not read or change its API key file. (Request
/// errors are ``APIError``s.)
public struct ServerError: Error, CustomStringConvertible, Sendable {
    /// What kind of failure.
    public struct Code: Hashable, Sendable {
        let rawValue: String
        /// Binding beyond loopback without any API key.
        public static let unguardedExposure = Code(rawValue: "unguarded_exposure")
        /// A key name that is empty.
        public static let invalidName = Code(rawValue: "invalid_name")
        /// No key with that id.
        public static let unknownKey = Code(rawValue: "unknown_key")
        /// The key file exists but can't be read or is not a key file.
        public static let unreadable = Code(rawValue: "unreadable")
        /// The key file can't be written.
        public static let unwritable = Code(rawValue: "unwritable")
    }
    public let code: Code
    /// What went wrong, naming the file or address, and what to do.
    public let message: String

    init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
