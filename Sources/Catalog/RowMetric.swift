/// A named number attached to a row, or to a row and one of its classes (a per-class score
/// such as a label-mistake score).
public struct RowMetric: Sendable, Hashable, Codable {
    public var rowID: String
    /// The metric's name (`uniqueness`, `loss`, …).
    public var name: String
    /// The class it is about, when it is per class; nil for a whole-row metric.
    public var className: String?
    public var value: Double

    // Keys spelled "Id" so that snake_case coding strategies round-trip them (dataset_id ↔ datasetId).
    enum CodingKeys: String, CodingKey {
        case name, className, value
        case rowID = "rowId"
    }

    public init(rowID: String, name: String, className: String? = nil, value: Double) {
        self.rowID = rowID
        self.name = name
        self.className = className
        self.value = value
    }
}

/// A summary of one metric over a dataset.
public struct MetricSummary: Sendable, Hashable, Codable {
    public var name: String
    public var count: Int
    public var minimum: Double
    public var maximum: Double
    public var mean: Double

    public init(name: String, count: Int, minimum: Double, maximum: Double, mean: Double) {
        self.name = name
        self.count = count
        self.minimum = minimum
        self.maximum = maximum
        self.mean = mean
    }
}
