/// Whether a label is ground truth or a model's guess.
public enum LabelKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// Given by a person or the source dataset.
    case groundTruth = "ground_truth"
    /// Made by a model, usually with a confidence.
    case prediction
}

/// A class attached to a row: a ground-truth label or a prediction.
public struct Label: Sendable, Hashable, Codable {
    /// The class name.
    public var className: String
    public var kind: LabelKind
    /// In [0, 1] for predictions; nil for ground truth.
    public var confidence: Double?
    /// Who made it (a model name, an annotator), free text.
    public var source: String?

    public init(className: String, kind: LabelKind = .groundTruth, confidence: Double? = nil, source: String? = nil) {
        self.className = className
        self.kind = kind
        self.confidence = confidence
        self.source = source
    }
}

/// A label to attach to a row by its id.
public struct RowLabel: Sendable, Hashable, Codable {
    public var rowID: String
    public var label: Label

    // Keys spelled "Id" so that snake_case coding strategies round-trip them (dataset_id ↔ datasetId).
    enum CodingKeys: String, CodingKey {
        case label
        case rowID = "rowId"
    }

    public init(rowID: String, label: Label) {
        self.rowID = rowID
        self.label = label
    }
}
