import Foundation
import NeuralNet

/// A ResNet from a Hugging Face folder (`config.json` + `model.safetensors` or
/// `pytorch_model.bin`), e.g. microsoft/resnet-50: the pooled features of the last stage as the
/// embedding, and the ImageNet classifier when the weights have one (`ResNetForImageClassification`).
///
/// Inputs are `N × 3 × H × W` images preprocessed as the model's image processor says
/// (microsoft/resnet-50: 224×224, ImageNet mean and standard deviation). Thread-safe.
public final class ResNetEncoder: ImageClassifier {
    public var dimensions: Int { network.dimensions }
    public let inputSize = 224
    /// The class names of the classifier (`id2label`, or numbered), empty without a classifier.
    public let classNames: ClassNames
    /// Whether the weights include the `classifier.1` head.
    public var hasClassifier: Bool { network.classifier != nil }
    public let configuration: ResNetConfiguration

    private let network: ResNet
    private let lanes: ImageLanes
    private let pool = ScratchPool()

    /// Loads a ResNet from `weights` (safetensors, or a PyTorch checkpoint) shaped by `configuration`.
    /// - Throws: `NeuralNetError` naming the file and any missing, misshapen or unexpected tensor.
    public init(
        weights: URL, configuration: ResNetConfiguration, threads: Int = ProcessInfo.processInfo.activeProcessorCount
    ) throws {
        let archive: any WeightArchive = weights.pathExtension == "safetensors"
            ? try SafeTensorsFile(url: weights) : try PyTorchCheckpoint(url: weights)
        network = try ResNet(archive, configuration: configuration)
        self.configuration = configuration
        lanes = ImageLanes(threads: threads)
        if let classifier = network.classifier {
            if let labels = configuration.labels, labels.count == classifier.outputs {
                classNames = try ClassNames(names: labels)
            } else {
                classNames = .numbered(classifier.outputs)
            }
        } else {
            classNames = .numbered(0)
        }
    }

    /// Loads the Hugging Face folder `folder`: `config.json` and `model.safetensors` (or
    /// `pytorch_model.bin`).
    /// - Throws: `EncoderError` `.badModelFolder` naming the folder when it has neither weights
    ///   file; `NeuralNetError` for a bad `config.json` or weights.
    public convenience init(folder: URL, threads: Int = ProcessInfo.processInfo.activeProcessorCount) throws {
        let configuration = try ResNetConfiguration(contentsOf: folder.appendingPathComponent("config.json"))
        let candidates = ["model.safetensors", "pytorch_model.bin"].map { folder.appendingPathComponent($0) }
        guard let weights = candidates.first(where: { FileManager.default.fileExists(atPath: $0.path) }) else {
            throw EncoderError(.badModelFolder, "'\(folder.path)' has neither model.safetensors nor pytorch_model.bin")
        }
        try self.init(weights: weights, configuration: configuration, threads: threads)
    }

    /// What a forward pass gives, in Hugging Face's layout.
    public struct Output: Sendable {
        /// `pooler_output` flattened: `N × dimensions`.
        public let pooled: Tensor
        /// `hidden_states` (when asked for): the embedder's output and each stage's, NCHW; the
        /// last is `last_hidden_state`.
        public let hiddenStates: [Tensor]?
    }

    /// Runs the network on `batch` (`N × channels × H × W`).
    /// - Throws: `EncoderError` `.invalidArgument` for a batch of the wrong shape or a value that
    ///   is not finite; `NeuralNetError` `.shapeMismatch` for images too small for the network.
    public func forward(_ batch: Tensor, hiddenStates wantsHidden: Bool = false) throws -> Output {
        let (count, height, width) = try ImageBatch.validate(batch, channels: configuration.numChannels, model: "ResNet")
        let plan = try network.plan(height: height, width: width)
        var pooled = Tensor(shape: [count, dimensions])
        // The hidden states, one after another in one buffer.
        let shapes = wantsHidden ? plan.hiddenShapes.map { [count, $0.channels, $0.height, $0.width] } : []
        let offsets = shapes.reduce(into: [0]) { $0.append($0.last! + Tensor.elementCount($1)) }
        var hidden = [Float](repeating: 0, count: offsets.last!)
        batch.withUnsafeBufferPointer { input in
            pooled.withUnsafeMutableBufferPointer { out in
                hidden.withUnsafeMutableBufferPointer { hidden in
                    network.run(
                        input.baseAddress!, count: count, plan: plan, lanes: lanes, pool: pool, pooled: out.baseAddress!,
                        hiddenStates: wantsHidden ? offsets.dropLast().map { hidden.baseAddress! + $0 } : nil)
                }
            }
        }
        let hiddenStates = try shapes.indices.map { try Tensor(shape: shapes[$0], storage: Array(hidden[offsets[$0]..<offsets[$0 + 1]])) }
        return Output(pooled: pooled, hiddenStates: wantsHidden ? hiddenStates : nil)
    }

    public func embed(_ batch: Tensor) throws -> [[Float]] {
        let pooled = try forward(batch).pooled
        return (0..<pooled.shape[0]).map { Array(pooled.storage[($0 * dimensions)..<(($0 + 1) * dimensions)]) }
    }

    /// - Throws: also `EncoderError` `.invalidArgument` when the weights have no classifier.
    public func classify(_ batch: Tensor) throws -> ImageClassification {
        guard let classifier = network.classifier else {
            throw EncoderError(.invalidArgument, "this ResNet has no classifier (its weights have no classifier.1 head)")
        }
        let pooled = try forward(batch).pooled
        return ImageClassification(embeddings: pooled, logits: classifier.apply(pooled), classNames: classNames)
    }
}
