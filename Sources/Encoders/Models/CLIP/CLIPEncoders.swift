import Foundation
import NeuralNet
import Tokenizers

/// CLIP's text tower as a `TextEncoder`: `CLIPTokenizer` ids (open_clip's, at most 77), the
/// tower's projected embedding, L2-normalised — the vectors that `CLIPImageEncoder`'s are compared
/// with.
public struct CLIPTextEncoder: TextEncoder {
    /// The text tower.
    public let model: CLIPTextModel
    /// open_clip's tokenizer, 77 ids at most.
    public let tokenizer: CLIPTokenizer
    /// The most texts in one forward pass.
    public let batchSize: Int

    /// The width of the shared embedding space.
    public var dimensions: Int { model.projectionDimension }

    /// An encoder from a loaded tower and tokenizer.
    public init(model: CLIPTextModel, tokenizer: CLIPTokenizer, batchSize: Int = 64) {
        self.model = model
        self.tokenizer = tokenizer
        self.batchSize = max(1, batchSize)
    }

    /// Loads the text tower from a Hugging Face CLIP folder: `config.json`, `model.safetensors`
    /// (only `text_model.*` and `text_projection` are read and checked) and `vocab.json` +
    /// `merges.txt` (or else `tokenizer.json`).
    /// - Throws: `NeuralNetError` or `TokenizerError` naming the file, key or tensor at fault.
    public init(folder: URL, batchSize: Int = 64) throws {
        let model = try loadTower(from: folder, prefixes: ["text_model.", "text_projection."]) {
            try CLIPTextModel(configuration: $0.text, projectionDimension: $0.projectionDimension, reader: $1)
        }
        let vocabulary = folder.appendingPathComponent("vocab.json")
        let merges = folder.appendingPathComponent("merges.txt")
        let tokenizer: CLIPTokenizer
        if FileManager.default.fileExists(atPath: vocabulary.path), FileManager.default.fileExists(atPath: merges.path) {
            tokenizer = try CLIPTokenizer(vocabularyFile: vocabulary, mergesFile: merges, contextLength: model.configuration.maxPositions)
        } else {
            tokenizer = try CLIPTokenizer(tokenizerJSON: folder.appendingPathComponent("tokenizer.json"), contextLength: model.configuration.maxPositions)
        }
        self.init(model: model, tokenizer: tokenizer, batchSize: batchSize)
    }

    /// The unit-length embeddings of `texts`, in order.
    public func embed(_ texts: [String]) throws -> [[Float]] {
        try embed(tokenIDs: texts.map(tokenizer.encode))
    }

    /// The unit-length embeddings of id sequences (padded or not).
    /// - Throws: `NeuralNetError` `.invalidInput` for an empty sequence or a bad id.
    public func embed(tokenIDs: [[Int32]]) throws -> [[Float]] {
        try normalizedRows(model.embeddings(ids: tokenIDs, batchSize: batchSize), width: dimensions)
    }
}

/// CLIP's vision tower as an image encoder: preprocessed pixels in, L2-normalised embeddings in
/// the space of `CLIPTextEncoder` out.
public struct CLIPImageEncoder: Sendable {
    /// The vision tower.
    public let model: CLIPVisionModel
    /// The most images in one forward pass.
    public let batchSize: Int

    /// The width of the shared embedding space.
    public var dimensions: Int { model.projectionDimension }
    /// The side of the square input, in pixels.
    public var imageSize: Int { model.configuration.imageSize }

    /// An encoder from a loaded tower.
    public init(model: CLIPVisionModel, batchSize: Int = 16) {
        self.model = model
        self.batchSize = max(1, batchSize)
    }

    /// Loads the vision tower from a Hugging Face CLIP folder (`config.json`, `model.safetensors`;
    /// only `vision_model.*` and `visual_projection` are read and checked).
    /// - Throws: `NeuralNetError` naming the file, key or tensor at fault.
    public init(folder: URL, batchSize: Int = 16) throws {
        let model = try loadTower(from: folder, prefixes: ["vision_model.", "visual_projection."]) {
            try CLIPVisionModel(configuration: $0.vision, projectionDimension: $0.projectionDimension, reader: $1)
        }
        self.init(model: model, batchSize: batchSize)
    }

    /// The unit-length embeddings of `pixels`, an `[N, 3, imageSize, imageSize]` NCHW tensor
    /// already resized, cropped and normalised as the model expects.
    /// - Throws: `NeuralNetError` `.shapeMismatch` for another shape.
    public func embed(pixels: Tensor) throws -> [[Float]] {
        try normalizedRows(model.embeddings(pixels: pixels, batchSize: batchSize), width: dimensions)
    }
}

/// Reads one tower of the CLIP model in `folder` (`config.json`, `model.safetensors`) with
/// `make`, then checks that it used every tensor whose name starts with one of `prefixes` (the
/// other tower's are left alone).
private func loadTower<Tower>(
    from folder: URL, prefixes: [String], _ make: (CLIPConfiguration, WeightReader) throws -> Tower
) throws -> Tower {
    let configuration = try CLIPConfiguration(contentsOf: folder.appendingPathComponent("config.json"))
    let reader = WeightReader(try SafeTensorsFile(url: folder.appendingPathComponent("model.safetensors")))
    let tower = try make(configuration, reader)
    try reader.checkAllUsed { name in !prefixes.contains { name.hasPrefix($0) } || name.hasSuffix("position_ids") }
    return tower
}

/// Splits a row-major matrix into L2-normalised rows.
func normalizedRows(_ flat: [Float], width: Int) -> [[Float]] {
    guard !flat.isEmpty, width > 0 else { return [] }
    var flat = flat
    flat.withUnsafeMutableBufferPointer { Pooling.normalizeRows($0.baseAddress!, rows: $0.count / width, width: width) }
    return stride(from: 0, to: flat.count, by: width).map { Array(flat[$0..<$0 + width]) }
}

extension CLIPImageEncoder: ImageEncoder {
    public var inputSize: Int { imageSize }

    /// As `embed(pixels:)`.
    public func embed(_ batch: Tensor) throws -> [[Float]] { try embed(pixels: batch) }
}
