import Foundation
import NeuralNet

/// The sizes of a BERT encoder, from a Hugging Face `config.json` (`BertConfig`); absent keys take
/// `BertConfig`'s defaults.
public struct BertConfiguration: Sendable, Equatable {
    /// Word-piece vocabulary size (`vocab_size`).
    public var vocabularySize: Int
    /// Width of every token's hidden state (`hidden_size`).
    public var hiddenSize: Int
    /// Encoder layers (`num_hidden_layers`).
    public var layerCount: Int
    /// Attention heads per layer (`num_attention_heads`); divides `hiddenSize`.
    public var headCount: Int
    /// Width of the MLP (`intermediate_size`).
    public var intermediateSize: Int
    /// The MLP's non-linearity (`hidden_act`).
    public var activation: Activation
    /// ε of every layer norm (`layer_norm_eps`).
    public var layerNormEpsilon: Float
    /// Rows of the position table: the longest input (`max_position_embeddings`).
    public var maxPositions: Int
    /// Rows of the token-type table (`type_vocab_size`); only type 0 is used.
    public var typeVocabularySize: Int

    /// all-MiniLM-L6-v2's sizes, or any others.
    public init(
        vocabularySize: Int = 30_522, hiddenSize: Int = 384, layerCount: Int = 6, headCount: Int = 12,
        intermediateSize: Int = 1_536, activation: Activation = .gelu, layerNormEpsilon: Float = 1e-12,
        maxPositions: Int = 512, typeVocabularySize: Int = 2
    ) {
        self.vocabularySize = vocabularySize
        self.hiddenSize = hiddenSize
        self.layerCount = layerCount
        self.headCount = headCount
        self.intermediateSize = intermediateSize
        self.activation = activation
        self.layerNormEpsilon = layerNormEpsilon
        self.maxPositions = maxPositions
        self.typeVocabularySize = typeVocabularySize
    }

    /// Reads a `config.json`.
    /// - Throws: `NeuralNetError` `.unreadableFile`, or `.badConfiguration` naming the file and
    ///   key when a value has the wrong type or is unsupported (relative position embeddings, a
    ///   hidden size not divisible by the heads, an unknown activation).
    public init(contentsOf url: URL) throws {
        try self.init(ConfigurationObject(url: url))
    }

    init(_ config: ConfigurationObject) throws {
        let defaults = BertConfiguration(hiddenSize: 768, layerCount: 12, headCount: 12, intermediateSize: 3_072)
        let positionType = try config.string("position_embedding_type", default: "absolute")
        guard positionType == "absolute" else {
            throw NeuralNetError(.badConfiguration, "'\(config.source)': position_embedding_type \"\(positionType)\" is not supported (absolute)")
        }
        self.init(
            vocabularySize: try config.positiveInt("vocab_size", default: defaults.vocabularySize),
            hiddenSize: try config.positiveInt("hidden_size", default: defaults.hiddenSize),
            layerCount: try config.positiveInt("num_hidden_layers", default: defaults.layerCount),
            headCount: try config.positiveInt("num_attention_heads", default: defaults.headCount),
            intermediateSize: try config.positiveInt("intermediate_size", default: defaults.intermediateSize),
            activation: try config.activation("hidden_act", default: "gelu"),
            layerNormEpsilon: try config.float("layer_norm_eps", default: defaults.layerNormEpsilon),
            maxPositions: try config.positiveInt("max_position_embeddings", default: defaults.maxPositions),
            typeVocabularySize: try config.positiveInt("type_vocab_size", default: defaults.typeVocabularySize))
        guard hiddenSize % headCount == 0 else {
            throw NeuralNetError(
                .badConfiguration, "'\(config.source)': hidden_size \(hiddenSize) is not divisible by num_attention_heads \(headCount)")
        }
    }
}
