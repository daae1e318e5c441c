import Catalog
import Foundation
import VectorMath

// Request bodies whose every optional field may be left out. The catalog's own `New…` types
// need all their keys when decoded, so these take what a person would write and fill in the rest.
// JSON keys are snake_case, as in the catalog's NDJSON and the CLI's `--json` output.

/// The body of `POST /v1/datasets`.
public struct APIDatasetInput: Codable, Sendable {
    /// Unique among datasets.
    public var name: String
    public var description: String?
    /// An id of your own; generated if missing.
    public var id: String?
    /// Declared metadata fields; others are inferred from the first values seen.
    public var fields: [FieldSchema]?

    public init(name: String, description: String? = nil, id: String? = nil, fields: [FieldSchema]? = nil) {
        self.name = name
        self.description = description
        self.id = id
        self.fields = fields
    }

    var newDataset: NewDataset { NewDataset(name: name, description: description ?? "", id: id, fields: fields ?? []) }
}

/// One row of `POST /v1/datasets/{dataset}/rows`.
public struct APIRowInput: Codable, Sendable {
    /// The row's id; generated if missing.
    public var id: String?
    public var globalKey: String?
    /// A file path, a URI, or inline text.
    public var rowData: String
    /// `image` or `text` (default `text`).
    public var mediaType: MediaType?
    public var metadata: [String: MetadataValue]?
    /// Ground-truth class names.
    public var labels: [String]?

    public init(
        id: String? = nil, globalKey: String? = nil, rowData: String, mediaType: MediaType? = nil,
        metadata: [String: MetadataValue]? = nil, labels: [String]? = nil
    ) {
        self.id = id
        self.globalKey = globalKey
        self.rowData = rowData
        self.mediaType = mediaType
        self.metadata = metadata
        self.labels = labels
    }

    var newRow: NewDataRow {
        NewDataRow(id: id, globalKey: globalKey, rowData: rowData, mediaType: mediaType ?? .text, metadata: metadata ?? [:], labels: labels ?? [])
    }
}

/// The body of `POST /v1/datasets/{dataset}/rows`.
public struct APIRowBatch: Codable, Sendable {
    public var rows: [APIRowInput]
    public init(rows: [APIRowInput]) { self.rows = rows }
}

/// The body of `POST /v1/datasets/{dataset}/rows/import/folder`.
public struct APIFolderImport: Codable, Sendable {
    /// The folder, an absolute path on the server.
    public var path: String
    /// Whether each file's sub-folder becomes its label (default true).
    public var subfolderLabels: Bool?
    /// A CSV or NDJSON file on the server with metadata by file name.
    public var sidecar: String?
    public init(path: String, subfolderLabels: Bool? = nil, sidecar: String? = nil) {
        (self.path, self.subfolderLabels, self.sidecar) = (path, subfolderLabels, sidecar)
    }
}

/// The body of `POST /v1/datasets/{dataset}/spaces`.
public struct APISpaceInput: Codable, Sendable {
    /// Unique in the dataset.
    public var name: String
    /// Required for a custom space; taken from the model when `model` is set.
    public var dimensions: Int?
    /// `cosine` (default), `dot` or `l2`.
    public var metric: String?
    /// A registered model to compute the space's vectors, or nothing for custom vectors.
    public var model: String?
    /// Index settings (kind `auto`, `flat` or `hnsw`; HNSW's `m`, `ef_construction`, `ef_search`).
    public var index: IndexSettings?

    public init(name: String, dimensions: Int? = nil, metric: String? = nil, model: String? = nil, index: IndexSettings? = nil) {
        self.name = name
        self.dimensions = dimensions
        self.metric = metric
        self.model = model
        self.index = index
    }

    func newSpace() throws -> NewEmbeddingSpace {
        var parsedMetric: Metric?
        if let metric {
            guard let value = Metric(userName: metric) else {
                throw APIError.validation("metric must be cosine, dot or l2 (got '\(metric)').")
            }
            parsedMetric = value
        }
        return NewEmbeddingSpace(
            name: name, dimensions: dimensions, metric: parsedMetric, kind: model.map { .model($0) } ?? .custom,
            index: index ?? IndexSettings())
    }
}

/// One label of `POST /v1/datasets/{dataset}/labels`.
public struct APILabelInput: Codable, Sendable {
    /// The row's id.
    public var rowId: String
    public var className: String
    /// `ground_truth` (default) or `prediction`.
    public var kind: LabelKind?
    /// A prediction's confidence in [0, 1].
    public var confidence: Double?
    /// Where the label came from (a model, a person).
    public var source: String?

    public init(rowId: String, className: String, kind: LabelKind? = nil, confidence: Double? = nil, source: String? = nil) {
        self.rowId = rowId
        self.className = className
        self.kind = kind
        self.confidence = confidence
        self.source = source
    }

    var rowLabel: RowLabel {
        RowLabel(rowID: rowId, label: Label(className: className, kind: kind ?? .groundTruth, confidence: confidence, source: source))
    }
}

/// The body of `POST /v1/datasets/{dataset}/labels`.
public struct APILabelBatch: Codable, Sendable {
    public var labels: [APILabelInput]
    public init(labels: [APILabelInput]) { self.labels = labels }
}

/// One metric value of `POST /v1/datasets/{dataset}/metrics`.
public struct APIMetricInput: Codable, Sendable {
    public var rowId: String
    public var name: String
    /// For a per-class metric, the class.
    public var className: String?
    public var value: Double

    public init(rowId: String, name: String, className: String? = nil, value: Double) {
        self.rowId = rowId
        self.name = name
        self.className = className
        self.value = value
    }

    var rowMetric: RowMetric { RowMetric(rowID: rowId, name: name, className: className, value: value) }
}

/// The body of `POST /v1/datasets/{dataset}/metrics`.
public struct APIMetricBatch: Codable, Sendable {
    public var metrics: [APIMetricInput]
    public init(metrics: [APIMetricInput]) { self.metrics = metrics }
}

/// The body of `POST /v1/datasets/{dataset}/selections`.
public struct APISelectionInput: Codable, Sendable {
    public var name: String
    public var rowIds: [String]
    public init(name: String, rowIds: [String]) {
        self.name = name
        self.rowIds = rowIds
    }
}

/// The body of `POST /v1/datasets/{dataset}/slices`.
public struct APISliceInput: Codable, Sendable {
    public var name: String
    public var filter: APIRowFilter
    public init(name: String, filter: APIRowFilter) {
        self.name = name
        self.filter = filter
    }
}

/// The JSON body of `POST /v1/infer` (an image is sent as the raw body instead).
public struct APIInferRequest: Codable, Sendable {
    public var text: String
    /// A registered model that embeds texts.
    public var model: String

    public init(text: String, model: String) {
        self.text = text
        self.model = model
    }
}

/// What `POST /v1/infer` answers: the embedding and, for image classifiers, the top classes.
public struct APIInferResponse: Codable, Sendable, Equatable {
    public var model: String
    public var dimensions: Int
    public var embedding: [Float]
    public var classes: [ClassScore]?

    public init(model: String, dimensions: Int, embedding: [Float], classes: [ClassScore]?) {
        self.model = model
        self.dimensions = dimensions
        self.embedding = embedding
        self.classes = classes
    }
}
