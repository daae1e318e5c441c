import Foundation
import NeuralNet

/// A BERT encoder as Hugging Face `BertModel` computes `last_hidden_state`: word + position +
/// token-type-0 embeddings and a layer norm, then post-LN transformer layers with exact GELU.
///
/// Sequences are packed (`SequenceLayout`): a batch costs its real tokens only, and the result
/// equals a right-padded batch with an attention mask.
public struct BertModel: Sendable {
    /// The sizes the model was built with.
    public let configuration: BertConfiguration
    let wordEmbeddings: Embedding
    let positionEmbeddings: Embedding
    /// Row 0 of `token_type_embeddings`: every token is type 0.
    let tokenType0: [Float]
    let embeddingNorm: LayerNorm
    let layers: [TransformerLayer]

    /// Reads the weights from `archive`, with or without the `bert.` prefix of task checkpoints
    /// (`BertForMaskedLM`, …). The pooler and task heads are not used and not required.
    /// - Throws: `NeuralNetError` naming the first missing or misshapen tensor, or
    ///   `.unexpectedTensor` listing tensors the model does not know (other than the pooler's and
    ///   `embeddings.position_ids`).
    public init(configuration: BertConfiguration, weights archive: any WeightArchive) throws {
        let prefix = archive.shape(of: "bert.embeddings.word_embeddings.weight") != nil ? "bert." : ""
        let reader = WeightReader(archive, prefix: prefix)
        let c = configuration
        let width = c.hiddenSize
        self.configuration = configuration
        wordEmbeddings = try Embedding(reader, "embeddings.word_embeddings.weight", count: c.vocabularySize, width: width)
        positionEmbeddings = try Embedding(reader, "embeddings.position_embeddings.weight", count: c.maxPositions, width: width)
        tokenType0 = Array(try reader.tensor("embeddings.token_type_embeddings.weight", shape: [c.typeVocabularySize, width]).storage[0..<width])
        embeddingNorm = try LayerNorm(reader, "embeddings.LayerNorm", width: width, epsilon: c.layerNormEpsilon)
        layers = try (0..<c.layerCount).map { index in
            let name = "encoder.layer.\(index)."
            func linear(_ part: String, _ inputs: Int, _ outputs: Int) throws -> Linear {
                try Linear(reader, name + part, inputs: inputs, outputs: outputs)
            }
            return try TransformerLayer(
                placement: .post, heads: c.headCount,
                query: linear("attention.self.query", width, width),
                key: linear("attention.self.key", width, width),
                value: linear("attention.self.value", width, width),
                attentionOutput: linear("attention.output.dense", width, width),
                norm1: LayerNorm(reader, name + "attention.output.LayerNorm", width: width, epsilon: c.layerNormEpsilon),
                norm2: LayerNorm(reader, name + "output.LayerNorm", width: width, epsilon: c.layerNormEpsilon),
                up: linear("intermediate.dense", width, c.intermediateSize),
                down: linear("output.dense", c.intermediateSize, width),
                activation: c.activation)
        }
        try reader.checkAllUsed { name in
            let local = name.dropFirst(prefix.count)
            return local.hasPrefix("pooler.") || local == "embeddings.position_ids"
        }
    }

    /// Reads `config.json` and `model.safetensors` from a Hugging Face model folder.
    /// - Throws: `NeuralNetError` naming the file or tensor that is missing or wrong.
    public init(folder: URL) throws {
        let configuration = try BertConfiguration(contentsOf: folder.appendingPathComponent("config.json"))
        try self.init(configuration: configuration, weights: SafeTensorsFile(url: folder.appendingPathComponent("model.safetensors")))
    }

    /// The last hidden states of packed sequences: `layout.tokenCount × hiddenSize` floats.
    ///
    /// - Parameters:
    ///   - ids: `layout.tokenCount` token ids, sequence after sequence.
    ///   - positions: each token's position (0 at its sequence's start for right-padded input);
    ///     nil means 0, 1, 2, … in every sequence.
    /// - Throws: `NeuralNetError` `.invalidInput` for an id outside the vocabulary or a position
    ///   past `maxPositions`.
    public func hiddenStates(ids: [Int32], positions: [Int32]? = nil, layout: SequenceLayout) throws -> [Float] {
        let scratch = TransformerScratch(tokens: layout.tokenCount, width: configuration.hiddenSize, intermediate: configuration.intermediateSize)
        try forward(ids: ids, positions: positions, layout: layout, scratch: scratch, into: scratch.hidden.pointer)
        return Array(UnsafeBufferPointer(start: scratch.hidden.pointer, count: layout.tokenCount * configuration.hiddenSize))
    }

    /// The forward pass into `hidden` (`layout.tokenCount × hiddenSize`), using `scratch`.
    func forward(
        ids: [Int32], positions: [Int32]?, layout: SequenceLayout, scratch: TransformerScratch,
        into hidden: UnsafeMutablePointer<Float>
    ) throws {
        let tokens = layout.tokenCount
        guard ids.count == tokens, positions.map({ $0.count == tokens }) ?? true else {
            throw NeuralNetError(.shapeMismatch, "\(ids.count) ids and \(positions?.count ?? ids.count) positions for \(tokens) packed tokens")
        }
        guard tokens > 0 else { return }
        let positions = positions ?? layout.lengths.flatMap { (0..<Int32($0)).map { $0 } }
        try ids.withUnsafeBufferPointer { try wordEmbeddings.lookUp($0, into: hidden, accumulate: false) }
        try positions.withUnsafeBufferPointer { try positionEmbeddings.lookUp($0, into: hidden, accumulate: true) }
        tokenType0.withUnsafeBufferPointer { Linear.addRows($0.baseAddress!, to: hidden, rows: tokens, columns: configuration.hiddenSize) }
        embeddingNorm.apply(hidden, rows: tokens, into: hidden)
        for layer in layers {
            layer.forward(hidden, layout: layout, causal: false, scratch: scratch)
        }
    }
}
