/// Which rows of a dataset an operation (a search, a page of rows, an export, a slice) covers.
///
/// Every condition given must hold (AND). The catalog compiles a filter to SQL over its tables
/// and from there to an `IDFilter` over row slots for the indexes.
public struct RowFilter: Sendable, Hashable, Codable {
    /// Conditions on metadata fields.
    public var metadata: [MetadataCondition]
    /// Conditions on labels and predictions.
    public var labels: [LabelCondition]
    /// Ranges of metric values.
    public var metrics: [MetricCondition]
    /// Only these media types (nil: any).
    public var mediaTypes: [MediaType]?
    /// Only rows in this selection (by id).
    public var selectionID: String?
    /// Only these rows (by id).
    public var rowIDs: [String]?

    // Keys spelled "Id" so that snake_case coding strategies round-trip them (dataset_id ↔ datasetId).
    enum CodingKeys: String, CodingKey {
        case metadata, labels, metrics, mediaTypes
        case selectionID = "selectionId"
        case rowIDs = "rowIds"
    }

    public init(metadata: [MetadataCondition] = [], labels: [LabelCondition] = [], metrics: [MetricCondition] = [],
                mediaTypes: [MediaType]? = nil, selectionID: String? = nil, rowIDs: [String]? = nil) {
        self.metadata = metadata
        self.labels = labels
        self.metrics = metrics
        self.mediaTypes = mediaTypes
        self.selectionID = selectionID
        self.rowIDs = rowIDs
    }

    /// Whether the filter lets every row through.
    public var isEmpty: Bool {
        metadata.isEmpty && labels.isEmpty && metrics.isEmpty && mediaTypes == nil && selectionID == nil && rowIDs == nil
    }
}

/// A condition on one metadata field.
public struct MetadataCondition: Sendable, Hashable, Codable {
    /// How the field is compared.
    public enum Test: Sendable, Hashable {
        /// Equal to the value.
        case equals(MetadataValue)
        /// Equal to one of the values.
        case isIn([MetadataValue])
        /// Between the bounds, inclusive; either may be nil (open).
        case range(minimum: MetadataValue?, maximum: MetadataValue?)
        /// The row has (true) or lacks (false) the field.
        case exists(Bool)
    }

    public var field: String
    public var test: Test

    public init(field: String, _ test: Test) {
        self.field = field
        self.test = test
    }
}

/// A condition on a row's labels.
public struct LabelCondition: Sendable, Hashable, Codable {
    /// The row has a label of one of these classes.
    public var anyOf: [String]
    /// Ground truth, predictions, or either (nil).
    public var kind: LabelKind?
    /// For predictions: at least this confidence.
    public var minimumConfidence: Double?
    /// Inverts the condition: the row has no such label.
    public var negated: Bool

    public init(anyOf: [String], kind: LabelKind? = nil, minimumConfidence: Double? = nil, negated: Bool = false) {
        self.anyOf = anyOf
        self.kind = kind
        self.minimumConfidence = minimumConfidence
        self.negated = negated
    }
}

/// A range of one metric's values; rows without the metric do not match.
public struct MetricCondition: Sendable, Hashable, Codable {
    public var name: String
    /// For per-class metrics: the class (nil: the whole-row metric).
    public var className: String?
    public var minimum: Double?
    public var maximum: Double?

    public init(name: String, className: String? = nil, minimum: Double? = nil, maximum: Double? = nil) {
        self.name = name
        self.className = className
        self.minimum = minimum
        self.maximum = maximum
    }
}

/// How a page of rows is ordered.
public struct RowOrder: Sendable, Hashable, Codable {
    /// By insertion (slot) order, or by a metric's value.
    public enum Key: Sendable, Hashable {
        case insertion
        case metric(name: String, className: String?)
    }

    public var key: Key
    public var descending: Bool

    public init(_ key: Key = .insertion, descending: Bool = false) {
        self.key = key
        self.descending = descending
    }

    /// Insertion order, oldest first.
    public static let insertion = RowOrder()
}
