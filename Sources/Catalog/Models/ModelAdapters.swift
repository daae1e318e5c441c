import Dispatch
import Encoders
import Foundation
import NeuralNet
import VectorMath

// The encoders of `Encoders` as the catalog's `EmbeddingModel`s: a text encoder, an image
// encoder (with its classes when it has a head), a joint text-and-image model such as CLIP, and
// ConSE. The built-in models and the Hugging Face folders a user names are all made of these.

/// Runs CPU-heavy model work on a Dispatch thread instead of a Swift concurrency thread, so that
/// the server's request handling is not starved while a batch is encoded.
func offload<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global(qos: .userInitiated).async {
            continuation.resume(with: Result { try work() })
        }
    }
}

/// Image bytes to a model's input through `preprocessor`, with every image named in errors.
private func inputBatch(_ images: [[UInt8]], _ preprocessor: ImagePreprocessor) throws -> Tensor {
    do {
        return try ImagePipeline(preprocessor: preprocessor)
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

/// The `top` classes of each of `images` by `classifier`, or `unsupported` when it has no head.
private func classes(
    of images: [[UInt8]], top: Int, by classifier: any ImageClassifier, preprocessor: ImagePreprocessor, model: String
) async throws -> [[ClassScore]] {
    guard classifier.classNames.count > 0 else { throw CatalogError(.unsupported, "model '\(model)' has no classification head") }
    return try await offload { topClasses(try classifier.classify(inputBatch(images, preprocessor)), top: top) }
}

/// A text encoder as a catalog model.
struct TextModel: EmbeddingModel {
    let descriptor: ModelDescriptor
    let encoder: any TextEncoder
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

/// An image encoder's features as a catalog model (no text side); its classes too when it is a
/// classifier with a head.
struct ImageFeatureModel: EmbeddingModel {
    let descriptor: ModelDescriptor
    let encoder: any ImageEncoder
    let preprocessor: ImagePreprocessor
    var name: String { descriptor.name }
    var dimensions: Int { descriptor.dimensions }
    var metric: Metric { descriptor.metric }
    var mediaTypes: Set<MediaType> { descriptor.mediaTypes }

    func embed(texts: [String]) async throws -> [[Float]] {
        throw CatalogError(.unsupported, "model '\(name)' embeds images, not texts; use a conse-minilm or CLIP space to search images by words")
    }

    func embed(images: [[UInt8]]) async throws -> [[Float]] {
        let (encoder, preprocessor) = (encoder, preprocessor)
        return try await offload { try encoder.embed(inputBatch(images, preprocessor)) }
    }

    func classify(images: [[UInt8]], top: Int) async throws -> [[ClassScore]] {
        guard let classifier = encoder as? any ImageClassifier else { throw CatalogError(.unsupported, "model '\(name)' does not classify") }
        return try await classes(of: images, top: top, by: classifier, preprocessor: preprocessor, model: name)
    }
}

/// A model with a text and an image tower in one space (CLIP): images are embedded, and texts
/// search them.
struct JointModel: EmbeddingModel {
    let descriptor: ModelDescriptor
    let text: any TextEncoder
    let image: any ImageEncoder
    let preprocessor: ImagePreprocessor
    var name: String { descriptor.name }
    var dimensions: Int { descriptor.dimensions }
    var metric: Metric { descriptor.metric }
    var mediaTypes: Set<MediaType> { descriptor.mediaTypes }
    var acceptsTextQueries: Bool { true }
    var acceptsImageQueries: Bool { true }

    func embed(texts: [String]) async throws -> [[Float]] {
        let text = text
        return try await offload { try text.embed(texts) }
    }

    func embed(images: [[UInt8]]) async throws -> [[Float]] {
        let (image, preprocessor) = (image, preprocessor)
        return try await offload { try image.embed(inputBatch(images, preprocessor)) }
    }
}

/// Images in a text encoder's space through ConSE over a classifier's class probabilities; texts
/// through the text encoder itself.
struct ConSEModel: EmbeddingModel {
    let descriptor: ModelDescriptor
    let text: any TextEncoder
    let classifier: any ImageClassifier
    let preprocessor: ImagePreprocessor
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
        let (classifier, conse, preprocessor) = (classifier, conse, preprocessor)
        return try await offload {
            let classification = try classifier.classify(inputBatch(images, preprocessor))
            return try (0..<classification.count).map { try conse.embed(probabilities: classification.probabilities(ofImage: $0)) }
        }
    }

    func classify(images: [[UInt8]], top: Int) async throws -> [[ClassScore]] {
        try await classes(of: images, top: top, by: classifier, preprocessor: preprocessor, model: name)
    }
}
