import Foundation

/// One label or prediction to attach, in `POST /v1/datasets/{dataset}/labels`.
public struct APILabelInput: Codable, Sendable {
    public var row: String
    public var `class`: String
    public var confidence: Double?

    public init(row: String, class name: String, confidence: Double? = nil) {
        self.row = row
        self.class = name
        self.confidence = confidence
    }
}

/// The body of `POST /v1/datasets/{dataset}/labels`.
public struct APILabelBatch: Codable, Sendable {
    public var labels: [APILabelInput]
    public init(labels: [APILabelInput]) { self.labels = labels }
}

/// A class and how many rows carry it.
public struct APIClassCount: Codable, Sendable, Equatable {
    public var `class`: String
    public var count: Int
    public init(class name: String, count: Int) {
        self.class = name
        self.count = count
    }
}

/// One metric value to set, in `POST /v1/datasets/{dataset}/metrics`.
public struct APIMetricInput: Codable, Sendable {
    public var row: String
    public var name: String
    public var value: Double

    public init(row: String, name: String, value: Double) {
        self.row = row
        self.name = name
        self.value = value
    }
}

/// The body of `POST /v1/datasets/{dataset}/metrics`.
public struct APIMetricBatch: Codable, Sendable {
    public var metrics: [APIMetricInput]
    public init(metrics: [APIMetricInput]) { self.metrics = metrics }
}

/// A metric's summary over a dataset.
public struct APIMetricSummary: Codable, Sendable, Equatable {
    public var name: String
    public var count: Int
    public var min: Double
    public var max: Double
    public var mean: Double

    public init(name: String, count: Int, min: Double, max: Double, mean: Double) {
        self.name = name
        self.count = count
        self.min = min
        self.max = max
        self.mean = mean
    }
}

/// A saved list of rows.
public struct APISelection: Codable, Sendable, Equatable {
    public var id: String
    public var dataset: String
    public var name: String
    public var rows: [String]
    public var created: Date

    public init(id: String, dataset: String, name: String, rows: [String], created: Date) {
        self.id = id
        self.dataset = dataset
        self.name = name
        self.rows = rows
        self.created = created
    }
}

/// The body of `POST /v1/datasets/{dataset}/selections`.
public struct APISelectionInput: Codable, Sendable {
    public var name: String
    public var rows: [String]
    public init(name: String, rows: [String]) {
        self.name = name
        self.rows = rows
    }
}

/// A saved filter.
public struct APISlice: Codable, Sendable, Equatable {
    public var id: String
    public var dataset: String
    public var name: String
    public var filter: APIRowFilter
    /// Rows the filter matches now.
    public var rowCount: Int
    public var created: Date

    public init(id: String, dataset: String, name: String, filter: APIRowFilter, rowCount: Int, created: Date) {
        self.id = id
        self.dataset = dataset
        self.name = name
        self.filter = filter
        self.rowCount = rowCount
        self.created = created
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
