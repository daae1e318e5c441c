import Foundation

/// An embedding space as the API shows it.
public struct APISpace: Codable, Sendable, Equatable {
    public var id: String
    public var dataset: String
    public var name: String
    /// Vector dimensions, 1…4096.
    public var dims: Int
    /// `cosine`, `dot` or `l2`.
    public var metric: String
    /// The built-in model that computes this space's vectors, or `nil` for a custom space.
    public var model: String?
    /// The index kind (`hnsw` or `flat`).
    public var index: String
    /// Vectors stored in the space.
    public var vectorCount: Int
    public var created: Date

    public init(
        id: String, dataset: String, name: String, dims: Int, metric: String, model: String?, index: String,
        vectorCount: Int, created: Date
    ) {
        self.id = id
        self.dataset = dataset
        self.name = name
        self.dims = dims
        self.metric = metric
        self.model = model
        self.index = index
        self.vectorCount = vectorCount
        self.created = created
    }
}

/// The body of `POST /v1/datasets/{dataset}/spaces`.
public struct APISpaceInput: Codable, Sendable {
    public var name: String
    /// Required for a custom space; taken from the model when `model` is set.
    public var dims: Int?
    /// `cosine` (default), `dot` or `l2`.
    public var metric: String?
    /// A built-in model name (`loupe models list`) to back the space, or `nil` for custom vectors.
    public var model: String?
    /// `hnsw` (default) or `flat`.
    public var index: String?

    public init(name: String, dims: Int? = nil, metric: String? = nil, model: String? = nil, index: String? = nil) {
        self.name = name
        self.dims = dims
        self.metric = metric
        self.model = model
        self.index = index
    }
}

/// What an import did: how many items landed, how many failed, and why (by line number).
public struct APIImportReport: Codable, Sendable, Equatable {
    /// Items stored (new or replaced).
    public var imported: Int
    /// Items refused.
    public var failed: Int
    /// The first refused items with their reason; `errorsTruncated` says whether there were more.
    public var errors: [APIImportError]
    public var errorsTruncated: Bool

    public init(imported: Int, failed: Int, errors: [APIImportError], errorsTruncated: Bool) {
        self.imported = imported
        self.failed = failed
        self.errors = errors
        self.errorsTruncated = errorsTruncated
    }
}

/// One refused line (NDJSON, CSV: 1-based line number) or vector (`.npy`: 1-based vector number).
public struct APIImportError: Codable, Sendable, Equatable {
    public var line: Int
    public var message: String

    public init(line: Int, message: String) {
        self.line = line
        self.message = message
    }
}
