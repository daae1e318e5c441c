import NeuralNet

/// A model that turns preprocessed images into embedding vectors.
///
/// Input is a batch tensor `N × 3 × H × W` (NCHW, float32), already decoded, resized, cropped and
/// normalised as the model expects (Encoders' image preprocessing does that for files).
public protocol ImageEncoder: Sendable {
    /// The length of each embedding.
    var dimensions: Int { get }
    /// The side of the square images the model was trained on (224 for EfficientNet-Lite0).
    var inputSize: Int { get }
    /// One embedding per image of `batch`, in order.
    /// - Throws: `EncoderError` `.invalidArgument` when `batch` is not `N × 3 × H × W` or holds a
    ///   value that is not finite.
    func embed(_ batch: Tensor) throws -> [[Float]]
}

/// An image encoder with a classification head.
public protocol ImageClassifier: ImageEncoder {
    /// The names of the classes, one per logit.
    var classNames: ClassNames { get }
    /// Embeddings and class logits of every image of `batch`.
    /// - Throws: as `embed(_:)`.
    func classify(_ batch: Tensor) throws -> ImageClassification
}

/// One class of a classifier's prediction.
public struct ClassPrediction: Sendable, Equatable {
    /// The class index (the logit's position).
    public let index: Int
    /// The class's name (for ImageNet: the WordNet synonyms, e.g. "tabby, tabby cat").
    public let name: String
    /// A short readable name (for ImageNet: "tabby cat"), when the class list has one.
    public let cleanName: String?
    /// softmax(logits)[index].
    public let probability: Float
}

/// What a classifier computed for a batch: per image its embedding and its class logits.
public struct ImageClassification: Sendable {
    /// `N × dimensions`.
    public let embeddings: Tensor
    /// `N × classes`.
    public let logits: Tensor
    /// The class names, one per logit.
    public let classNames: ClassNames

    public init(embeddings: Tensor, logits: Tensor, classNames: ClassNames) {
        self.embeddings = embeddings
        self.logits = logits
        self.classNames = classNames
    }

    /// The number of images.
    public var count: Int { logits.shape.first ?? 0 }

    /// Image `image`'s logits.
    public func logits(ofImage image: Int) -> [Float] {
        let classes = logits.shape[1]
        return Array(logits.storage[(image * classes)..<((image + 1) * classes)])
    }

    /// softmax of image `image`'s logits (computed in Double, max-subtracted): what ConSE weighs.
    public func probabilities(ofImage image: Int) -> [Float] {
        ConSE.softmax(logits(ofImage: image))
    }

    /// The `k` most probable classes of image `image`, most probable first (ties: lower index).
    public func top(_ k: Int, ofImage image: Int) -> [ClassPrediction] {
        let probabilities = probabilities(ofImage: image)
        let order = probabilities.indices.sorted { probabilities[$0] != probabilities[$1] ? probabilities[$0] > probabilities[$1] : $0 < $1 }
        return order.prefix(max(0, k)).map { index in
            ClassPrediction(
                index: index, name: classNames.name(index), cleanName: classNames.cleanName(index), probability: probabilities[index])
        }
    }
}
