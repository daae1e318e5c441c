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
/// Beside these names, any Hugging Face model folder (CLIP, ResNet, BERT sentence encoders) can
/// be named by its path (`FolderModels`).
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
            (efficientNet, { @Sendable in
                try await ImageFeatureModel(descriptor: efficientNet, encoder: loaded.efficientNet(), preprocessor: .efficientNetLite)
            }),
            (conse, { @Sendable in
                let text = try await loaded.miniLM()
                let classifier = try await loaded.efficientNet()
                let classEmbeddings = try await offload { try text.embed(ConSE.classPhrases(classifier.classNames.names)) }
                let conse = try ConSE(classEmbeddings: classEmbeddings.flatMap { $0 }, classCount: classEmbeddings.count)
                return ConSEModel(descriptor: BuiltInModels.conse, text: text, classifier: classifier, preprocessor: .efficientNetLite, conse: conse)
            }),
        ], resolver: FolderModels.entry(named:))
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
