import VectorMath

/// A model that turns texts and/or images into vectors of one space: what a model-backed
/// embedding space computes its vectors with and embeds text and image queries with.
///
/// The catalog does not know how models work; the encoders (MiniLM, EfficientNet, ConSE, CLIP)
/// implement this protocol and are handed to the catalog through a `ModelRegistry`.
public protocol EmbeddingModel: Sendable {
    /// The name spaces refer to it by (`minilm-l6-v2`, `efficientnet-lite0`, `conse-minilm`).
    var name: String { get }
    /// Components of every vector.
    var dimensions: Int { get }
    /// The metric its vectors are meant to be compared with.
    var metric: Metric { get }
    /// The media types of data rows it embeds (a job embeds only rows of these types).
    var mediaTypes: Set<MediaType> { get }
    /// Whether `embed(texts:)` works (an image model with a text side, like ConSE or CLIP, has one).
    var acceptsTextQueries: Bool { get }
    /// Whether `embed(images:)` works.
    var acceptsImageQueries: Bool { get }

    /// One vector per text, in order.
    /// - Throws: `CatalogError(.unsupported)` when the model has no text side.
    func embed(texts: [String]) async throws -> [[Float]]

    /// One vector per encoded image (JPEG, PNG, … bytes), in order.
    /// - Throws: `CatalogError(.unsupported)` when the model has no image side, or an error naming
    ///   the image that could not be decoded.
    func embed(images: [[UInt8]]) async throws -> [[Float]]

    /// The `top` most likely classes of each image, best first (image classifiers only).
    /// - Throws: `CatalogError(.unsupported)` when the model does not classify.
    func classify(images: [[UInt8]], top: Int) async throws -> [[ClassScore]]
}

/// A class and its probability.
public struct ClassScore: Sendable, Hashable, Codable {
    public var className: String
    public var probability: Double

    public init(className: String, probability: Double) {
        self.className = className
        self.probability = probability
    }
}

extension EmbeddingModel {
    public var acceptsTextQueries: Bool { mediaTypes.contains(.text) }
    public var acceptsImageQueries: Bool { mediaTypes.contains(.image) }

    public func classify(images: [[UInt8]], top: Int) async throws -> [[ClassScore]] {
        throw CatalogError(.unsupported, "model '\(name)' does not classify images")
    }
}
