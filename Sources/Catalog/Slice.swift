import Foundation

/// A saved filter: a named view of a dataset that re-evaluates as rows change.
public struct Slice: Sendable, Hashable, Codable {
    public var id: String
    public var datasetID: String
    public var name: String
    public var filter: RowFilter
    public var createdAt: Date

    // Keys spelled "Id" so that snake_case coding strategies round-trip them (dataset_id ↔ datasetId).
    enum CodingKeys: String, CodingKey {
        case id, name, filter, createdAt
        case datasetID = "datasetId"
    }

    public init(id: String, datasetID: String, name: String, filter: RowFilter, createdAt: Date) {
        self.id = id
        self.datasetID = datasetID
        self.name = name
        self.filter = filter
        self.createdAt = createdAt
    }
}
