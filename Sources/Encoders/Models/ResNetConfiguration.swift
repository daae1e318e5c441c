import Foundation
import NeuralNet

/// The fields of a Hugging Face `ResNetConfig` (`config.json`) that shape the network, with the
/// library's defaults (those of microsoft/resnet-50) for fields a file leaves out.
public struct ResNetConfiguration: Sendable, Equatable {
    /// The residual layer of each stage.
    public enum LayerType: String, Sendable {
        /// Two 3×3 convolutions (ResNet-18/34).
        case basic
        /// 1×1 down to a quarter, 3×3, 1×1 up (ResNet-50 and deeper).
        case bottleneck
    }

    public var numChannels = 3
    public var embeddingSize = 64
    public var hiddenSizes = [256, 512, 1024, 2048]
    public var depths = [3, 4, 6, 3]
    public var layerType = LayerType.bottleneck
    /// Whether the first stage halves the resolution (the others always do).
    public var downsampleInFirstStage = false
    /// Whether a bottleneck's stride sits on its first 1×1 convolution (ResNet v1) rather than
    /// its 3×3 (v1.5, the default).
    public var downsampleInBottleneck = false
    /// Class names by index (`id2label`), when the file has them.
    public var labels: [String]?

    /// The defaults of `transformers.ResNetConfig()`.
    public init() {}

    /// Reads `config.json`.
    /// - Throws: `EncoderError` `.badModelFolder` when the file cannot be read; `NeuralNetError`
    ///   `.badConfiguration` naming the file and the field: JSON that is not an object, a field of
    ///   the wrong type, an activation other than ReLU, or sizes that do not fit together.
    public init(contentsOf url: URL) throws {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw EncoderError(.badModelFolder, "cannot read '\(url.path)'", underlying: error)
        }
        let parsed: Any
        do {
            parsed = try JSONSerialization.jsonObject(with: data)
        } catch {
            throw NeuralNetError(.badConfiguration, "'\(url.path)' is not valid JSON", underlying: error)
        }
        guard let object = parsed as? [String: Any] else {
            throw NeuralNetError(.badConfiguration, "'\(url.path)' is not a JSON object")
        }
        func bad(_ field: String, _ what: String) -> NeuralNetError {
            NeuralNetError(.badConfiguration, "'\(url.path)': \(field) \(what)")
        }
        func int(_ field: String) throws -> Int? {
            guard let value = object[field] else { return nil }
            guard let number = value as? Int, number > 0 else { throw bad(field, "must be a positive integer") }
            return number
        }
        func ints(_ field: String) throws -> [Int]? {
            guard let value = object[field] else { return nil }
            guard let numbers = value as? [Int], !numbers.isEmpty, numbers.allSatisfy({ $0 > 0 }) else {
                throw bad(field, "must be a list of positive integers")
            }
            return numbers
        }
        func bool(_ field: String) throws -> Bool? {
            guard let value = object[field] else { return nil }
            guard let flag = value as? Bool else { throw bad(field, "must be true or false") }
            return flag
        }
        if let model = object["model_type"] as? String, model != "resnet" {
            throw bad("model_type", "is '\(model)', not 'resnet'")
        }
        if let value = try int("num_channels") { numChannels = value }
        if let value = try int("embedding_size") { embeddingSize = value }
        if let value = try ints("hidden_sizes") { hiddenSizes = value }
        if let value = try ints("depths") { depths = value }
        if let value = object["layer_type"] {
            guard let name = value as? String, let type = LayerType(rawValue: name) else { throw bad("layer_type", "must be \"basic\" or \"bottleneck\"") }
            layerType = type
        }
        if let value = object["hidden_act"], (value as? String) != "relu" {
            throw bad("hidden_act", "is \(value); only \"relu\" is supported")
        }
        if let value = try bool("downsample_in_first_stage") { downsampleInFirstStage = value }
        if let value = try bool("downsample_in_bottleneck") { downsampleInBottleneck = value }
        guard hiddenSizes.count == depths.count else {
            throw bad("hidden_sizes", "has \(hiddenSizes.count) stages but depths has \(depths.count)")
        }
        if layerType == .bottleneck, let size = hiddenSizes.first(where: { $0 % 4 != 0 }) {
            throw bad("hidden_sizes", "has \(size), which a bottleneck cannot divide by 4")
        }
        if let table = object["id2label"] as? [String: String], !table.isEmpty {
            labels = try (0..<table.count).map { index in
                guard let name = table[String(index)] else { throw bad("id2label", "has no label \(index)") }
                return name
            }
        }
    }
}
