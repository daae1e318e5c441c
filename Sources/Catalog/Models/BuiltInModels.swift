import Dispatch
import Encoders
import Foundation
import NeuralNet
import VectorMath

/// The models Loupe ships, as the catalog's `EmbeddingModel`s, loaded from the model store on
/// first use:
///
/// | name | rows | vectors | text queries |
/// |---|---|---|---|
/// | `minilm` | texts | all-MiniLM-L6-v2, 384-d | yes |
/// | `efficientnet-lite0` | images | EfficientNet-Lite0 features, 1280-d (+ ImageNet classes) | no |
/// | `conse-minilm` | images | ConSE over EfficientNet-Lite0's classes in MiniLM's space, 384-d (+ classes) | yes: MiniLM |
///
/// `conse-minilm` is how words find images without CLIP (Norouzi et al., 2014; see `ConSE`).
public enum BuiltInModels {
    public static let miniLM = ModelDescriptor(
        name: "minilm", dimensions: 384, metric: .cosine, mediaTypes: [.text],
        summary: "all-MiniLM-L6-v2 sentence embeddings of text rows (384-d)")
    public static let efficientNet = ModelDescriptor(
        name: "efficientnet-lite0", dimensions: 1280, metric: .cosine, mediaTypes: [.image],
        summary: "EfficientNet-Lite0 image features (1280-d) and ImageNet-1k classes")
    public static let conse = ModelDescriptor(
        name: "conse-minilm", dimensions: 384, metric: .cosine, mediaTypes: [.image],
        summary: "images in MiniLM's text space through ConSE over EfficientNet-Lite0's classes: search images by words")

    /// A registry of the three models, read from `store` when first used (a missing model's error
    /// says `loupe models fetch …`).
    public static func registry(store: ModelStore = ModelStore()) -> ModelRegistry {
        let loaded = SharedEncoders(store: store)
        return ModelRegistry([
            (miniLM, { @Sendable in try await TextModel(descriptor: miniLM, encoder: loaded.miniLM()) }),
            (efficientNet, { @Sendable in try await ImageFeatureModel(descriptor: efficientNet, classifier: loaded.efficientNet()) }),
            (conse, { @Sendable in
                let text = try await loaded.miniLM()
                let classifier = try await loaded.efficientNet()
                let classEmbeddings = try await offload { try text.embed(ConSE.classPhrases(classifier.classNames.names)) }
                let conse = try ConSE(classEmbeddings: classEmbeddings.flatMap { $0 }, classCount: classEmbeddings.count)
                return ConSEModel(descriptor: BuiltInModels.conse, text: text, classifier: classifier, conse: conse)
            }),
        ])
    }

}

/// Loads each encoder once, however many models share it.
private actor SharedEncoders {
    let store: ModelStore
    private var text: MiniLMEncoder?
    private var image: EfficientNetLite0Encoder?

    init(store: ModelStore) { self.store = store }

    func miniLM() async throws -> MiniLMEncoder {
        if let text { return text }
        let folder = try store.resolve(ModelPackage.miniLM.name)
        let encoder = try await offload { try MiniLMEncoder(folder: folder) }
        text = encoder
        return encoder
    }

    func efficientNet() async throws -> EfficientNetLite0Encoder {
        if let image { return image }
        let store = store
        let encoder = try await offload { try EfficientNetLite0Encoder(store: store) }
        image = encoder
        return encoder
    }
}

/// Runs CPU-heavy model work on a Dispatch thread instead of a Swift concurrency thread, so that
/// the server's request handling is not starved while a batch is encoded.
func offload<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global(qos: .userInitiated).async {
            continuation.resume(with: Result { try work() })
        }
    }
}

/// Image bytes to the classifier's input, with every image named in errors.
private func inputBatch(_ images: [[UInt8]]) throws -> Tensor {
    do {
        return try ImagePipeline(preprocessor: .efficientNetLite)
            .batch(encoded: images, names: images.indices.map { "image \($0 + 1)" })
    } catch let error as ImageError {
        throw CatalogError(.invalidArgument, error.message, underlying: error)
    }
}

/// The `top` classes of each image of a classification.
private func topClasses(_ classification: ImageClassification, top: Int) -> [[ClassScore]] {
    (0..<classification.count).map { image in
        classification.top(top, ofImage: image).map {
            ClassScore(className: $0.cleanName ?? $0.name, probability: Double($0.probability))
        }
    }
}

/// A text encoder as a catalog model.
struct TextModel: EmbeddingModel {
    let descriptor: ModelDescriptor
    let encoder: MiniLMEncoder
    var name: String { descriptor.name }
    var dimensions: Int { descriptor.dimensions }
    var metric: Metric { descriptor.metric }
    var mediaTypes: Set<MediaType> { descriptor.mediaTypes }

    func embed(texts: [String]) async throws -> [[Float]] {
        let encoder = encoder
        return try await offload { try encoder.embed(texts) }
    }

    func embed(images: [[UInt8]]) async throws -> [[Float]] {
        throw CatalogError(.unsupported, "model '\(name)' embeds texts, not images")
    }
}

/// An image classifier's features as a catalog model (no text side).
struct ImageFeatureModel: EmbeddingModel {
    let descriptor: ModelDescriptor
    let classifier: EfficientNetLite0Encoder
    var name: String { descriptor.name }
    var dimensions: Int { descriptor.dimensions }
    var metric: Metric { descriptor.metric }
    var mediaTypes: Set<MediaType> { descriptor.mediaTypes }

    func embed(texts: [String]) async throws -> [[Float]] {
        throw CatalogError(.unsupported, "model '\(name)' embeds images, not texts; use a conse-minilm space to search images by words")
    }

    func embed(images: [[UInt8]]) async throws -> [[Float]] {
        let classifier = classifier
        return try await offload { try classifier.embed(inputBatch(images)) }
    }

    func classify(images: [[UInt8]], top: Int) async throws -> [[ClassScore]] {
        let classifier = classifier
        return try await offload { topClasses(try classifier.classify(inputBatch(images)), top: top) }
    }
}

/// Images in a text encoder's space through ConSE over a classifier's class probabilities; texts
/// through the text encoder itself.
struct ConSEModel: EmbeddingModel {
    let descriptor: ModelDescriptor
    let text: MiniLMEncoder
    let classifier: EfficientNetLite0Encoder
    let conse: ConSE
    var name: String { descriptor.name }
    var dimensions: Int { descriptor.dimensions }
    var metric: Metric { descriptor.metric }
    var mediaTypes: Set<MediaType> { descriptor.mediaTypes }
    var acceptsTextQueries: Bool { true }

    func embed(texts: [String]) async throws -> [[Float]] {
        let text = text
        return try await offload { try text.embed(texts) }
    }

    func embed(images: [[UInt8]]) async throws -> [[Float]] {
        let (classifier, conse) = (classifier, conse)
        return try await offload {
            let classification = try classifier.classify(inputBatch(images))
            return try (0..<classification.count).map { try conse.embed(probabilities: classification.probabilities(ofImage: $0)) }
        }
    }

    func classify(images: [[UInt8]], top: Int) async throws -> [[ClassScore]] {
        let classifier = classifier
        return try await offload { topClasses(try classifier.classify(inputBatch(images)), top: top) }
    }
}
