import Foundation

/// A dataset as the API shows it.
public struct APIDataset: Codable, Sendable, Equatable {
    public var id: String
    public var name: String
    public var description: String?
    /// Data rows in the dataset.
    public var rowCount: Int
    /// Embedding spaces of the dataset.
    public var spaceCount: Int
    public var created: Date

    public init(id: String, name: String, description: String?, rowCount: Int, spaceCount: Int, created: Date) {
        self.id = id
        self.name = name
        self.description = description
        self.rowCount = rowCount
        self.spaceCount = spaceCount
        self.created = created
    }
}

/// The body of `POST /v1/datasets`.
public struct APIDatasetInput: Codable, Sendable {
    /// Unique among datasets; 1–200 characters.
    public var name: String
    public var description: String?

    public init(name: String, description: String? = nil) {
        self.name = name
        self.description = description
    }
}
