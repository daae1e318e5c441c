/// An error from NeuralNet: a bad weight file, a missing or misshapen tensor, or inputs of the
/// wrong shape. The message names the file or tensor involved and says what was expected.
public struct NeuralNetError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is; extensible, so switch with a `default`.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }

        /// A weights file could not be read, or is not in the format its name or header claims.
        public static let unreadableFile = Code("unreadableFile")
        /// A weights file is cut short or its header points outside it.
        public static let corruptFile = Code("corruptFile")
        /// The file stores a tensor in an element type NeuralNet does not convert.
        public static let unsupportedType = Code("unsupportedType")
        /// A model asked for a tensor the weights do not have.
        public static let missingTensor = Code("missingTensor")
        /// The weights have tensors the model does not use (reported, so a wrong file is caught).
        public static let unexpectedTensor = Code("unexpectedTensor")
        /// A tensor or input has a different shape than the operation needs.
        public static let shapeMismatch = Code("shapeMismatch")
        /// A model configuration (config.json) is missing a field or has an unsupported value.
        public static let badConfiguration = Code("badConfiguration")
        /// An input is out of range for the model (a token id outside the vocabulary, a sequence
        /// longer than its position table, pixel data of the wrong size).
        public static let invalidInput = Code("invalidInput")
    }

    public let code: Code
    public let message: String
    /// The lower-level error that caused this one, if any.
    public let underlying: (any Error & Sendable)?

    public init(_ code: Code, _ message: String, underlying: (any Error & Sendable)? = nil) {
        self.code = code
        self.message = message
        self.underlying = underlying
    }

    public var description: String {
        if let underlying { return "\(message) (\(underlying))" }
        return message
    }
}
