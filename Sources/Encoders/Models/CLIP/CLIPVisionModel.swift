import NeuralNet

/// CLIP's vision tower as Hugging Face `CLIPVisionModelWithProjection` computes `image_embeds`:
/// non-overlapping patches projected by the patch convolution (no bias), a class token in front,
/// position embeddings, `pre_layrnorm`, pre-LN layers without a mask, `post_layernorm` on the
/// class token, and the projection (no bias). The result is not normalised.
///
/// The patch convolution has stride = kernel size, so it is a reshape (each patch's pixels laid
/// out as the kernel's `channel, row, column` order) and one sgemm — no im2col of overlapping
/// windows and no general convolution.
public struct CLIPVisionModel: Sendable {
    /// The tower's sizes.
    public let configuration: CLIPConfiguration.Vision
    /// The width of `embeddings`' vectors.
    public let projectionDimension: Int
    /// `hidden × (channels · patch · patch)`: the patch convolution as a linear layer.
    let patchProjection: Linear
    let classEmbedding: [Float]
    let positionEmbedding: Embedding
    let preNorm: LayerNorm
    let layers: [TransformerLayer]
    let postNorm: LayerNorm
    let projection: Linear

    /// Reads `vision_model.*` and `visual_projection.weight` through `reader`.
    /// - Throws: `NeuralNetError` naming a missing or misshapen tensor.
    init(configuration c: CLIPConfiguration.Vision, projectionDimension: Int, reader: WeightReader) throws {
        configuration = c
        self.projectionDimension = projectionDimension
        let width = c.hiddenSize
        let patchInputs = c.channelCount * c.patchSize * c.patchSize
        patchProjection = try Linear(
            weight: reader.tensor("vision_model.embeddings.patch_embedding.weight", shape: [width, c.channelCount, c.patchSize, c.patchSize]).storage,
            bias: nil, inputs: patchInputs, outputs: width)
        classEmbedding = try reader.tensor("vision_model.embeddings.class_embedding", shape: [width]).storage
        positionEmbedding = try Embedding(reader, "vision_model.embeddings.position_embedding.weight", count: c.tokenCount, width: width)
        preNorm = try LayerNorm(reader, "vision_model.pre_layrnorm", width: width, epsilon: c.layerNormEpsilon)
        layers = try (0..<c.layerCount).map {
            try TransformerLayer(
                clip: reader, "vision_model.encoder.layers.\($0).", width: width, heads: c.headCount, intermediate: c.intermediateSize,
                activation: c.activation, epsilon: c.layerNormEpsilon)
        }
        postNorm = try LayerNorm(reader, "vision_model.post_layernorm", width: width, epsilon: c.layerNormEpsilon)
        projection = try Linear(reader, "visual_projection", inputs: width, outputs: projectionDimension, hasBias: false)
    }

    /// The projected, unnormalised embeddings of `pixels`, a `[N, channels, imageSize, imageSize]`
    /// tensor already preprocessed (resized, cropped, normalised with the model's mean and std):
    /// `N × projectionDimension` floats, row-major.
    /// - Parameter batchSize: the most images in one forward pass.
    /// - Throws: `NeuralNetError` `.shapeMismatch` when `pixels` has another shape.
    public func embeddings(pixels: Tensor, batchSize: Int = 16) throws -> [Float] {
        let c = configuration
        guard pixels.rank == 4, pixels.shape[1] == c.channelCount, pixels.shape[2] == c.imageSize, pixels.shape[3] == c.imageSize else {
            throw NeuralNetError(
                .shapeMismatch,
                "CLIP's vision tower takes pixels of shape [N, \(c.channelCount), \(c.imageSize), \(c.imageSize)], got \(pixels.shape)")
        }
        let count = pixels.shape[0]
        let batchSize = max(1, min(batchSize, count))
        let width = c.hiddenSize
        let tokens = c.tokenCount
        let patches = tokens - 1
        let imageFloats = c.channelCount * c.imageSize * c.imageSize
        let scratch = TransformerScratch(tokens: batchSize * tokens, width: width, intermediate: c.intermediateSize, sequences: batchSize)
        let hidden = scratch.hidden.pointer
        let patchRows = ScratchBuffer(capacity: batchSize * patches * patchProjection.inputs)
        let pooled = scratch.pooled.pointer
        var output = [Float](repeating: 0, count: count * projectionDimension)
        try pixels.withUnsafeBufferPointer { pixels in
            for first in stride(from: 0, to: count, by: batchSize) {
                let images = min(batchSize, count - first)
                for image in 0..<images {
                    gatherPatches(of: pixels.baseAddress! + (first + image) * imageFloats, into: patchRows.pointer + image * patches * patchProjection.inputs)
                    // The patch embeddings go straight to rows 1… of the image's tokens.
                    patchProjection.apply(
                        patchRows.pointer + image * patches * patchProjection.inputs, rows: patches,
                        into: hidden + (image * tokens + 1) * width)
                    (hidden + image * tokens * width).update(from: classEmbedding, count: width)
                }
                let positions = (0..<images * tokens).map { Int32($0 % tokens) }
                try positions.withUnsafeBufferPointer { try positionEmbedding.lookUp($0, into: hidden, accumulate: true) }
                let layout = SequenceLayout(lengths: Array(repeating: tokens, count: images))
                preNorm.apply(hidden, rows: images * tokens, into: hidden)
                for layer in layers {
                    layer.forward(hidden, layout: layout, causal: false, scratch: scratch)
                }
                Pooling.select(hidden, layout: layout, positions: Array(repeating: 0, count: images), width: width, into: pooled)
                postNorm.apply(pooled, rows: images, into: pooled)
                output.withUnsafeMutableBufferPointer { output in
                    projection.apply(pooled, rows: images, into: output.baseAddress! + first * projectionDimension)
                }
            }
        }
        return output
    }

    /// Lays out the patches of one CHW image as rows of `channels · patch · patch` floats in the
    /// convolution kernel's order, patches in row-major grid order.
    private func gatherPatches(of image: UnsafePointer<Float>, into rows: UnsafeMutablePointer<Float>) {
        let c = configuration
        let p = c.patchSize
        let grid = c.gridSize
        var target = rows
        for patchY in 0..<grid {
            for patchX in 0..<grid {
                for channel in 0..<c.channelCount {
                    for y in 0..<p {
                        target.update(from: image + (channel * c.imageSize + patchY * p + y) * c.imageSize + patchX * p, count: p)
                        target += p
                    }
                }
            }
        }
    }
}
