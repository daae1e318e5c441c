import Foundation

/// Text-to-image search without a joint image–text model: ConSE, "convex combination of semantic
/// embeddings" (Norouzi et al., 2014, *Zero-Shot Learning by Convex Combination of Semantic
/// Embeddings*).
///
/// An image classifier's top-T class probabilities weight the text embeddings of those classes'
/// names: `f(x) = (1/Z) Σ_{t≤T} p(y_t | x) · s(y_t)` with `Z = Σ_{t≤T} p(y_t | x)`, then L2-normalised.
/// The image then lives in the text encoder's space, so a sentence embedded by the same text
/// encoder ("a dog on the grass") finds it by cosine similarity.
public struct ConSE: Sendable {
    /// Unit-norm text embeddings of the class names, `classCount × dimensions`, row-major.
    public let classEmbeddings: [Float]
    public let classCount: Int
    /// The text space's dimensions.
    public let dimensions: Int
    /// How many of the most probable classes are combined (the paper's T; 10 by default).
    public let topT: Int

    /// - Parameters:
    ///   - classEmbeddings: one text embedding per class, row-major; normalised here.
    ///   - topT: classes combined per image (at least 1; more than `classCount` means all).
    /// - Throws: `EncoderError` `.invalidArgument` when the sizes disagree or a row is zero/not finite.
    public init(classEmbeddings: [Float], classCount: Int, topT: Int = 10) throws {
        guard classCount > 0, classEmbeddings.count % classCount == 0, classEmbeddings.count > 0 else {
            throw EncoderError(.invalidArgument, "ConSE needs one embedding per class: \(classEmbeddings.count) values for \(classCount) classes")
        }
        guard topT >= 1 else {
            throw EncoderError(.invalidArgument, "ConSE's topT must be at least 1, got \(topT)")
        }
        let dimensions = classEmbeddings.count / classCount
        var normalised = classEmbeddings
        for row in 0..<classCount {
            let range = row * dimensions..<(row + 1) * dimensions
            let norm = normalised[range].reduce(0) { $0 + Double($1) * Double($1) }.squareRoot()
            guard norm > 0, norm.isFinite else {
                throw EncoderError(.invalidArgument, "ConSE: the embedding of class \(row) is zero or not finite")
            }
            for i in range { normalised[i] = Float(Double(normalised[i]) / norm) }
        }
        self.classEmbeddings = normalised
        self.classCount = classCount
        self.dimensions = dimensions
        self.topT = min(topT, classCount)
    }

    /// The image's unit-norm vector in the text space, from its class probabilities (which need not
    /// sum to 1; only their order and ratios matter).
    /// - Throws: `EncoderError` `.invalidArgument` when the count differs from `classCount` or a
    ///   value is negative or not finite.
    public func embed(probabilities: [Float]) throws -> [Float] {
        guard probabilities.count == classCount else {
            throw EncoderError(.invalidArgument, "ConSE expects \(classCount) class probabilities, got \(probabilities.count)")
        }
        guard probabilities.allSatisfy({ $0.isFinite && $0 >= 0 }) else {
            throw EncoderError(.invalidArgument, "ConSE: class probabilities must be finite and non-negative")
        }
        let top = Self.topIndices(probabilities, count: topT)
        var vector = [Double](repeating: 0, count: dimensions)
        var total = 0.0
        for classIndex in top {
            let weight = Double(probabilities[classIndex])
            total += weight
            let base = classIndex * dimensions
            for d in 0..<dimensions { vector[d] += weight * Double(classEmbeddings[base + d]) }
        }
        if total == 0 {
            // Every probability is zero: nothing to say about the image; fall back to the top class.
            let base = top[0] * dimensions
            return Array(classEmbeddings[base..<base + dimensions])
        }
        let norm = vector.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return vector.map { Float(norm > 0 ? $0 / norm : 0) }
    }

    /// The image's vector from classifier logits (softmax first, numerically stable).
    public func embed(logits: [Float]) throws -> [Float] {
        try embed(probabilities: Self.softmax(logits))
    }

    /// `exp(x − max) / Σ exp(x − max)`, in Double.
    public static func softmax(_ logits: [Float]) -> [Float] {
        guard let maximum = logits.max(), maximum.isFinite else { return logits.map { _ in .nan } }
        let exponentials = logits.map { Foundation.exp(Double($0 - maximum)) }
        let sum = exponentials.reduce(0, +)
        return exponentials.map { Float($0 / sum) }
    }

    /// The indices of the `count` largest values, largest first (ties: lower index first).
    static func topIndices(_ values: [Float], count: Int) -> [Int] {
        values.indices.sorted { values[$0] != values[$1] ? values[$0] > values[$1] : $0 < $1 }
            .prefix(count).map { $0 }
    }

    /// The phrase embedded for each class: its synonyms ("great white shark, white shark,
    /// man-eater, …", as in ImageNet's `imagenet1k_label_to_names.json` and `ClassNames.names`),
    /// keeping the first and the common names, dropping Latin binomials (a later capitalised
    /// multi-word entry like "Carcharodon carcharias"), at most three, joined with " or ": a
    /// phrase a text encoder reads as the class.
    public static func classPhrases(_ names: [String]) -> [String] {
        names.map { names in
            let synonyms = names.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            let common = synonyms.enumerated().filter { position, name in
                position == 0 || !((name.first?.isUppercase ?? false) && name.contains(" "))
            }.map(\.element)
            return common.prefix(3).joined(separator: " or ")
        }
    }
}
