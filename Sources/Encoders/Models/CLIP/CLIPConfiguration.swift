import Foundation
import NeuralNet

/// The sizes of a CLIP model, from a Hugging Face `config.json` (`CLIPConfig`, with its
/// `text_config` and `vision_config`); absent keys take transformers' defaults (ViT-B/32).
public struct CLIPConfiguration: Sendable, Equatable {
    /// The text tower (`CLIPTextConfig`).
    public struct Text: Sendable, Equatable {
        /// Token ids (`vocab_size`).
        public var vocabularySize = 49_408
        /// Width of every token's state (`hidden_size`).
        public var hiddenSize = 512
        /// Encoder layers (`num_hidden_layers`).
        public var layerCount = 12
        /// Attention heads (`num_attention_heads`).
        public var headCount = 8
        /// MLP width (`intermediate_size`).
        public var intermediateSize = 2_048
        /// MLP non-linearity (`hidden_act`).
        public var activation = Activation.quickGELU
        /// ε of every layer norm (`layer_norm_eps`).
        public var layerNormEpsilon: Float = 1e-5
        /// The context length (77).
        public var maxPositions = 77
        /// The end-of-text id where the tower pools (49407). Legacy configs say 2, and such a
        /// model pools at the largest id of the sequence instead, as transformers does.
        public var endOfTextID: Int32 = 49_407

        /// transformers' defaults.
        public init() {}
    }

    /// The vision tower (`CLIPVisionConfig`).
    public struct Vision: Sendable, Equatable {
        /// Width of every token's state (`hidden_size`).
        public var hiddenSize = 768
        /// Encoder layers (`num_hidden_layers`).
        public var layerCount = 12
        /// Attention heads (`num_attention_heads`).
        public var headCount = 12
        /// MLP width (`intermediate_size`).
        public var intermediateSize = 3_072
        /// MLP non-linearity (`hidden_act`).
        public var activation = Activation.quickGELU
        /// ε of every layer norm (`layer_norm_eps`).
        public var layerNormEpsilon: Float = 1e-5
        /// The side of the square input image, in pixels.
        public var imageSize = 224
        /// The side of a square patch; divides `imageSize`.
        public var patchSize = 32
        /// Input channels (`num_channels`).
        public var channelCount = 3

        /// Patches per side.
        public var gridSize: Int { imageSize / patchSize }
        /// Tokens per image: the class token and one per patch.
        public var tokenCount: Int { gridSize * gridSize + 1 }

        /// transformers' defaults.
        public init() {}
    }

    /// The text tower's sizes.
    public var text = Text()
    /// The vision tower's sizes.
    public var vision = Vision()
    /// The width of the shared embedding space (`projection_dim`).
    public var projectionDimension = 512

    /// transformers' defaults.
    public init() {}

    /// Reads a `config.json`.
    /// - Throws: `NeuralNetError` `.unreadableFile`, or `.badConfiguration` naming the file and
    ///   key of a value with the wrong type, an unknown activation, a width not divisible by the
    ///   heads, or an image size not divisible by the patch size.
    public init(contentsOf url: URL) throws {
        let config = try ConfigurationObject(url: url)
        projectionDimension = try config.positiveInt("projection_dim", default: projectionDimension)
        if let text = try config.object("text_config") {
            self.text.vocabularySize = try text.positiveInt("vocab_size", default: self.text.vocabularySize)
            self.text.hiddenSize = try text.positiveInt("hidden_size", default: self.text.hiddenSize)
            self.text.layerCount = try text.positiveInt("num_hidden_layers", default: self.text.layerCount)
            self.text.headCount = try text.positiveInt("num_attention_heads", default: self.text.headCount)
            self.text.intermediateSize = try text.positiveInt("intermediate_size", default: self.text.intermediateSize)
            self.text.activation = try text.activation("hidden_act", default: "quick_gelu")
            self.text.layerNormEpsilon = try text.float("layer_norm_eps", default: self.text.layerNormEpsilon)
            self.text.maxPositions = try text.positiveInt("max_position_embeddings", default: self.text.maxPositions)
            self.text.endOfTextID = Int32(try text.int("eos_token_id", default: Int(self.text.endOfTextID)))
            try Self.checkHeads(self.text.hiddenSize, self.text.headCount, in: text)
        }
        if let vision = try config.object("vision_config") {
            self.vision.hiddenSize = try vision.positiveInt("hidden_size", default: self.vision.hiddenSize)
            self.vision.layerCount = try vision.positiveInt("num_hidden_layers", default: self.vision.layerCount)
            self.vision.headCount = try vision.positiveInt("num_attention_heads", default: self.vision.headCount)
            self.vision.intermediateSize = try vision.positiveInt("intermediate_size", default: self.vision.intermediateSize)
            self.vision.activation = try vision.activation("hidden_act", default: "quick_gelu")
            self.vision.layerNormEpsilon = try vision.float("layer_norm_eps", default: self.vision.layerNormEpsilon)
            self.vision.imageSize = try vision.positiveInt("image_size", default: self.vision.imageSize)
            self.vision.patchSize = try vision.positiveInt("patch_size", default: self.vision.patchSize)
            self.vision.channelCount = try vision.positiveInt("num_channels", default: self.vision.channelCount)
            try Self.checkHeads(self.vision.hiddenSize, self.vision.headCount, in: vision)
            guard self.vision.imageSize % self.vision.patchSize == 0 else {
                throw NeuralNetError(
                    .badConfiguration,
                    "'\(vision.source)': image_size \(self.vision.imageSize) is not divisible by patch_size \(self.vision.patchSize)")
            }
        }
    }

    private static func checkHeads(_ hidden: Int, _ heads: Int, in config: ConfigurationObject) throws {
        guard hidden % heads == 0 else {
            throw NeuralNetError(.badConfiguration, "'\(config.source)': hidden_size \(hidden) is not divisible by num_attention_heads \(heads)")
        }
    }
}

extension TransformerLayer {
    /// A pre-LN CLIP encoder layer `prefix` (`text_model.encoder.layers.3.`) from `reader`.
    init(
        clip reader: WeightReader, _ prefix: String, width: Int, heads: Int, intermediate: Int, activation: Activation, epsilon: Float
    ) throws {
        func linear(_ name: String, _ inputs: Int, _ outputs: Int) throws -> Linear {
            try Linear(reader, prefix + name, inputs: inputs, outputs: outputs)
        }
        try self.init(
            placement: .pre, heads: heads,
            query: linear("self_attn.q_proj", width, width),
            key: linear("self_attn.k_proj", width, width),
            value: linear("self_attn.v_proj", width, width),
            attentionOutput: linear("self_attn.out_proj", width, width),
            norm1: LayerNorm(reader, prefix + "layer_norm1", width: width, epsilon: epsilon),
            norm2: LayerNorm(reader, prefix + "layer_norm2", width: width, epsilon: epsilon),
            up: linear("mlp.fc1", width, intermediate),
            down: linear("mlp.fc2", intermediate, width),
            activation: activation)
    }
}
