import Foundation

/// A saved list of rows (a hand-picked or smart-selected subset), in the order given.
public struct Selection: Sendable, Hashable, Codable {
    public var id: String
    public var datasetID: String
    public var name: String
    /// Row ids, in order; rows deleted later drop out.
    public var rowIDs: [String]
    public var createdAt: Date

    // Keys spelled "Id" so that snake_case coding strategies round-trip them (dataset_id ↔ datasetId).
    enum CodingKeys: String, CodingKey {
        case id, name, createdAt
        case datasetID = "datasetId"
        case rowIDs = "rowIds"
    }

    public init(id: String, datasetID: String, name: String, rowIDs: [String], createdAt: Date) {
        self.id = id
        self.datasetID = datasetID
        self.name = name
        self.rowIDs = rowIDs
        self.createdAt = createdAt
    }
}
