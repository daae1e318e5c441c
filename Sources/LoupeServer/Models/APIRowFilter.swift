import Catalog

/// A row filter as a request writes it: every part optional (the catalog's `RowFilter` needs
/// all its keys). Every part given must hold. Its snake_case JSON is also how the catalog's
/// `RowFilter` reads in responses (saved slices), so a slice's filter can be sent back as-is.
public struct APIRowFilter: Codable, Sendable, Equatable {
    /// Conditions on metadata fields: `{"field": "colour", "test": {"type": "equals", "value": "red"}}`.
    public var metadata: [MetadataCondition]?
    /// Conditions on labels: `{"any_of": ["cat"], "kind": "prediction", "minimum_confidence": 0.5, "negated": false}`.
    public var labels: [APILabelCondition]?
    /// Metric ranges: `{"name": "loss", "class_name": "cat", "minimum": 0.5, "maximum": null}`.
    public var metrics: [MetricCondition]?
    public var mediaTypes: [MediaType]?
    /// Only rows of this saved selection.
    public var selectionId: String?
    /// Only these rows.
    public var rowIds: [String]?

    public init(
        metadata: [MetadataCondition]? = nil, labels: [APILabelCondition]? = nil, metrics: [MetricCondition]? = nil,
        mediaTypes: [MediaType]? = nil, selectionId: String? = nil, rowIds: [String]? = nil
    ) {
        self.metadata = metadata
        self.labels = labels
        self.metrics = metrics
        self.mediaTypes = mediaTypes
        self.selectionId = selectionId
        self.rowIds = rowIds
    }

    /// The catalog's filter.
    public var rowFilter: RowFilter {
        RowFilter(
            metadata: metadata ?? [], labels: (labels ?? []).map(\.condition), metrics: metrics ?? [], mediaTypes: mediaTypes,
            selectionID: selectionId, rowIDs: rowIds)
    }
}

/// A label condition with optional parts.
public struct APILabelCondition: Codable, Sendable, Equatable {
    /// Rows carrying any of these classes.
    public var anyOf: [String]
    public var kind: LabelKind?
    public var minimumConfidence: Double?
    /// Rows carrying none of them instead.
    public var negated: Bool?

    public init(anyOf: [String], kind: LabelKind? = nil, minimumConfidence: Double? = nil, negated: Bool? = nil) {
        self.anyOf = anyOf
        self.kind = kind
        self.minimumConfidence = minimumConfidence
        self.negated = negated
    }

    var condition: LabelCondition {
        LabelCondition(anyOf: anyOf, kind: kind, minimumConfidence: minimumConfidence, negated: negated ?? false)
    }
}
