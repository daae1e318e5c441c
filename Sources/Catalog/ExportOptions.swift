/// What an NDJSON export writes.
public struct ExportOptions: Sendable, Hashable, Codable {
    /// Which rows.
    public var filter: RowFilter
    /// Embedding spaces (ids or names) whose vectors are written under `"embeddings"`.
    public var spaces: [String]
    /// Write metrics under `"metrics"`.
    public var includeMetrics: Bool
    /// Write labels and predictions under `"labels"`.
    public var includeLabels: Bool

    public init(filter: RowFilter = RowFilter(), spaces: [String] = [], includeMetrics: Bool = true, includeLabels: Bool = true) {
        self.filter = filter
        self.spaces = spaces
        self.includeMetrics = includeMetrics
        self.includeLabels = includeLabels
    }
}
