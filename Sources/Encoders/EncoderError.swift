/// An error from an encoder: a bad input (image, text batch, probabilities) or a model folder that
/// does not hold what the model needs. The message names the input or file.
public struct EncoderError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is; extensible, so switch with a `default`.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }
        /// An argument is out of range or inconsistent with another.
        public static let invalidArgument = Code("invalidArgument")
        /// A model folder lacks a file or has one the model cannot use.
        public static let badModelFolder = Code("badModelFolder")
    }

    public let code: Code
    public let message: String
    public let underlying: (any Error)?

    public init(_ code: Code, _ message: String, underlying: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.underlying = underlying
    }

    public var description: String { message }
}
