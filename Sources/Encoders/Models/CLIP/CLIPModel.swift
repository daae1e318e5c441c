import Foundation
import NeuralNet

/// A Hugging Face `CLIPModel` (Radford et al., 2021, "Learning Transferable Visual Models From
/// Natural Language Supervision"): both towers and the learned temperature, from a folder with
/// `config.json` and `model.safetensors`.
public struct CLIPModel: Sendable {
    /// Both towers' sizes and the projection width.
    public let configuration: CLIPConfiguration
    /// The text tower.
    public let text: CLIPTextModel
    /// The vision tower.
    public let vision: CLIPVisionModel
    /// The raw `logit_scale`; logits are scaled by its exponential.
    public let logitScale: Float

    /// Reads both towers and `logit_scale` from `archive`.
    /// - Throws: `NeuralNetError` naming the first missing or misshapen tensor, or
    ///   `.unexpectedTensor` listing tensors the model does not use (other than `position_ids`).
    public init(configuration: CLIPConfiguration, weights archive: any WeightArchive) throws {
        let reader = WeightReader(archive)
        self.configuration = configuration
        text = try CLIPTextModel(configuration: configuration.text, projectionDimension: configuration.projectionDimension, reader: reader)
        vision = try CLIPVisionModel(configuration: configuration.vision, projectionDimension: configuration.projectionDimension, reader: reader)
        logitScale = try reader.tensor("logit_scale", shape: []).storage[0]
        try reader.checkAllUsed { $0.hasSuffix("embeddings.position_ids") }
    }

    /// Reads `config.json` and `model.safetensors` from `folder`.
    /// - Throws: `NeuralNetError` naming the file or tensor at fault.
    public init(folder: URL) throws {
        try self.init(
            configuration: CLIPConfiguration(contentsOf: folder.appendingPathComponent("config.json")),
            weights: SafeTensorsFile(url: folder.appendingPathComponent("model.safetensors")))
    }

    /// `logits_per_text`: exp(logit_scale) · T·Iᵀ for L2-normalised text and image embeddings,
    /// one row per text.
    public func logitsPerText(textEmbeddings: [[Float]], imageEmbeddings: [[Float]]) -> [[Float]] {
        let scale = Float(Foundation.exp(Double(logitScale)))
        return textEmbeddings.map { text in
            imageEmbeddings.map { image in scale * zip(text, image).reduce(0) { $0 + $1.0 * $1.1 } }
        }
    }
}
