import Foundation

/// A named collection of data rows, with their embedding spaces, labels and metrics.
public struct Dataset: Sendable, Hashable, Codable {
    /// Stable identifier (generated unless given at creation).
    public var id: String
    /// Unique, human-chosen name.
    public var name: String
    /// Free text.
    public var description: String
    /// When it was created.
    public var createdAt: Date
    /// Live data rows.
    public var rowCount: Int
    /// The typed metadata fields rows carry, in the order they were first seen.
    public var fields: [FieldSchema]

    public init(id: String, name: String, description: String, createdAt: Date, rowCount: Int, fields: [FieldSchema]) {
        self.id = id
        self.name = name
        self.description = description
        self.createdAt = createdAt
        self.rowCount = rowCount
        self.fields = fields
    }
}

/// What creating a dataset takes.
public struct NewDataset: Sendable, Hashable, Codable {
    /// Unique name (1–200 characters, no control characters).
    public var name: String
    public var description: String
    /// An explicit id; generated when nil.
    public var id: String?
    /// Fields declared up front (say, an enum with its allowed values); others are inferred.
    public var fields: [FieldSchema]

    public init(name: String, description: String = "", id: String? = nil, fields: [FieldSchema] = []) {
        self.name = name
        self.description = description
        self.id = id
        self.fields = fields
    }
}
