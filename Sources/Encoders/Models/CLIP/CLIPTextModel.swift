import NeuralNet

/// CLIP's text tower as Hugging Face `CLIPTextModelWithProjection` computes `text_embeds`: token +
/// position embeddings, pre-LN layers with a causal mask, the final layer norm at the pooled
/// token, and the projection (no bias). The result is not normalised.
///
/// The pooled token is the first end-of-text id (49407), or for legacy configs with
/// `eos_token_id` 2 the first largest id, as in transformers. Because the mask is causal, the
/// tokens after it cannot change it: only the tokens up to it are computed, so padding (0 or
/// 49407) costs nothing.
public struct CLIPTextModel: Sendable {
    /// The tower's sizes.
    public let configuration: CLIPConfiguration.Text
    /// The width of `embeddings`' vectors.
    public let projectionDimension: Int
    let tokenEmbedding: Embedding
    let positionEmbedding: Embedding
    let layers: [TransformerLayer]
    let finalNorm: LayerNorm
    let projection: Linear

    /// Reads `text_model.*` and `text_projection.weight` through `reader`.
    /// - Throws: `NeuralNetError` naming a missing or misshapen tensor.
    init(configuration c: CLIPConfiguration.Text, projectionDimension: Int, reader: WeightReader) throws {
        configuration = c
        self.projectionDimension = projectionDimension
        let width = c.hiddenSize
        tokenEmbedding = try Embedding(reader, "text_model.embeddings.token_embedding.weight", count: c.vocabularySize, width: width)
        positionEmbedding = try Embedding(reader, "text_model.embeddings.position_embedding.weight", count: c.maxPositions, width: width)
        layers = try (0..<c.layerCount).map {
            try TransformerLayer(
                clip: reader, "text_model.encoder.layers.\($0).", width: width, heads: c.headCount, intermediate: c.intermediateSize,
                activation: c.activation, epsilon: c.layerNormEpsilon)
        }
        finalNorm = try LayerNorm(reader, "text_model.final_layer_norm", width: width, epsilon: c.layerNormEpsilon)
        projection = try Linear(reader, "text_projection", inputs: width, outputs: projectionDimension, hasBias: false)
    }

    /// Where the tower pools a sequence of ids: the first end-of-text id (position 0 when there
    /// is none, as transformers' argmax gives), or for `endOfTextID` 2 the first largest id.
    public func pooledPosition(of ids: [Int32]) -> Int {
        if configuration.endOfTextID == 2 {
            guard let largest = ids.max() else { return 0 }
            return ids.firstIndex(of: largest) ?? 0
        }
        return ids.firstIndex(of: configuration.endOfTextID) ?? 0
    }

    /// The projected, unnormalised embeddings of id sequences (`CLIPTokenizer.encode`, with or
    /// without padding): `ids.count × projectionDimension` floats, row-major.
    /// - Parameter batchSize: the most sequences in one forward pass.
    /// - Throws: `NeuralNetError` `.invalidInput` for an empty sequence, a pooled position past
    ///   `maxPositions` or an id outside the vocabulary.
    public func embeddings(ids: [[Int32]], batchSize: Int = 64) throws -> [Float] {
        let width = configuration.hiddenSize
        var prefixes: [[Int32]] = []
        prefixes.reserveCapacity(ids.count)
        for (index, sequence) in ids.enumerated() {
            guard !sequence.isEmpty else {
                throw NeuralNetError(.invalidInput, "text \(index) has no ids (it needs at least the start and end ids)")
            }
            let pooled = pooledPosition(of: sequence)
            guard pooled < configuration.maxPositions else {
                throw NeuralNetError(
                    .invalidInput, "text \(index) pools at position \(pooled); the model has \(configuration.maxPositions) positions")
            }
            prefixes.append(Array(sequence[...pooled]))
        }
        let lengths = prefixes.map(\.count)
        let batches = LengthBatches.cut(lengths: lengths, size: max(1, batchSize), tokenLimit: max(1, batchSize) * configuration.maxPositions)
        let capacity = LengthBatches.largest(batches, lengths: lengths)
        let scratch = TransformerScratch(tokens: capacity, width: width, intermediate: configuration.intermediateSize, sequences: max(1, batchSize))
        let hidden = scratch.hidden.pointer
        let pooled = scratch.pooled.pointer
        let projected = ScratchBuffer(capacity: max(1, batchSize) * projectionDimension)
        var output = [Float](repeating: 0, count: ids.count * projectionDimension)
        for batch in batches {
            let layout = SequenceLayout(lengths: batch.map { lengths[$0] })
            let batchIDs = batch.flatMap { prefixes[$0] }
            let positions = layout.lengths.flatMap { (0..<Int32($0)).map { $0 } }
            try batchIDs.withUnsafeBufferPointer { try tokenEmbedding.lookUp($0, into: hidden, accumulate: false) }
            try positions.withUnsafeBufferPointer { try positionEmbedding.lookUp($0, into: hidden, accumulate: true) }
            for layer in layers {
                layer.forward(hidden, layout: layout, causal: true, scratch: scratch)
            }
            // The final layer norm works row by row, so only the pooled (last) rows need it.
            Pooling.select(hidden, layout: layout, positions: layout.lengths.map { $0 - 1 }, width: width, into: pooled)
            finalNorm.apply(pooled, rows: batch.count, into: pooled)
            projection.apply(pooled, rows: batch.count, into: projected.pointer)
            output.withUnsafeMutableBufferPointer { output in
                for (row, text) in batch.enumerated() {
                    (output.baseAddress! + text * projectionDimension)
                        .update(from: projected.pointer + row * projectionDimension, count: projectionDimension)
                }
            }
        }
        return output
    }
}
