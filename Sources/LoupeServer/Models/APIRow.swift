import Foundation

/// A data row as the API shows it.
public struct APIRow: Codable, Sendable, Equatable {
    public var id: String
    /// The user's own unique key, if any.
    public var globalKey: String?
    /// A file path, a URI, or inline text.
    public var rowData: String
    /// `image` or `text`.
    public var mediaType: String
    /// Typed fields: strings, numbers, booleans, ISO-8601 datetimes (as strings).
    public var metadata: [String: JSONValue]
    /// Class names attached to the row (ground truth and predictions).
    public var labels: [APILabel]
    /// Named metric values of the row.
    public var metrics: [String: Double]

    public init(
        id: String, globalKey: String?, rowData: String, mediaType: String, metadata: [String: JSONValue],
        labels: [APILabel], metrics: [String: Double]
    ) {
        self.id = id
        self.globalKey = globalKey
        self.rowData = rowData
        self.mediaType = mediaType
        self.metadata = metadata
        self.labels = labels
        self.metrics = metrics
    }
}

/// One row to create, in `POST /v1/datasets/{dataset}/rows` or a line of an NDJSON import.
public struct APIRowInput: Codable, Sendable {
    /// The row's id; made up if missing.
    public var id: String?
    public var globalKey: String?
    public var rowData: String
    /// `image` or `text`; guessed from `rowData` if missing.
    public var mediaType: String?
    public var metadata: [String: JSONValue]?
    /// Class names (ground-truth labels).
    public var labels: [String]?

    public init(
        id: String? = nil, globalKey: String? = nil, rowData: String, mediaType: String? = nil,
        metadata: [String: JSONValue]? = nil, labels: [String]? = nil
    ) {
        self.id = id
        self.globalKey = globalKey
        self.rowData = rowData
        self.mediaType = mediaType
        self.metadata = metadata
        self.labels = labels
    }
}

/// The body of `POST /v1/datasets/{dataset}/rows`.
public struct APIRowBatch: Codable, Sendable {
    public var rows: [APIRowInput]
    public init(rows: [APIRowInput]) { self.rows = rows }
}

/// A label or prediction on a row.
public struct APILabel: Codable, Sendable, Equatable {
    /// The class name.
    public var `class`: String
    /// For predictions, the model's confidence in [0, 1]; `nil` for ground truth.
    public var confidence: Double?

    public init(class name: String, confidence: Double? = nil) {
        self.class = name
        self.confidence = confidence
    }
}

/// One page of rows.
public struct APIRowPage: Codable, Sendable, Equatable {
    public var rows: [APIRow]
    /// Rows matching the filter in all pages.
    public var total: Int
    /// The `offset` of the next page, or `nil` on the last page.
    public var nextOffset: Int?

    public init(rows: [APIRow], total: Int, nextOffset: Int?) {
        self.rows = rows
        self.total = total
        self.nextOffset = nextOffset
    }
}
