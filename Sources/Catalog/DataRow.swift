import Foundation

/// What a data row's `rowData` holds.
public enum MediaType: String, Sendable, Hashable, Codable, CaseIterable {
    /// A file path or URI of an image.
    case image
    /// Inline text, or a file path/URI of a text file.
    case text
}

/// One item of a dataset: an image or a text, with its metadata and labels.
///
/// Inside the catalog each row also has a dense `UInt32` slot (DESIGN.md "Ids") that indexes
/// use; the slot never leaves the catalog.
public struct DataRow: Sendable, Hashable, Codable {
    /// Stable identifier, unique in its dataset (generated when the import gives none).
    public var id: String
    /// An optional second key chosen by the user, unique in its dataset.
    public var globalKey: String?
    /// A file path, a URI (`file://`, `https://`, …) or the inline text itself.
    public var rowData: String
    public var mediaType: MediaType
    /// Typed metadata fields by name.
    public var metadata: [String: MetadataValue]
    /// Class labels and predictions attached to the row.
    public var labels: [Label]

    public init(id: String, globalKey: String? = nil, rowData: String, mediaType: MediaType,
                metadata: [String: MetadataValue] = [:], labels: [Label] = []) {
        self.id = id
        self.globalKey = globalKey
        self.rowData = rowData
        self.mediaType = mediaType
        self.metadata = metadata
        self.labels = labels
    }
}

/// A row to add or replace: like `DataRow`, with an optional id and plain label names.
public struct NewDataRow: Sendable, Hashable, Codable {
    /// The row's id; generated when nil. A row with this id already present is replaced.
    public var id: String?
    public var globalKey: String?
    public var rowData: String
    public var mediaType: MediaType
    /// Values are coerced to the dataset's field types (an ISO 8601 string to a datetime field).
    public var metadata: [String: MetadataValue]
    /// Ground-truth class names.
    public var labels: [String]

    public init(id: String? = nil, globalKey: String? = nil, rowData: String, mediaType: MediaType,
                metadata: [String: MetadataValue] = [:], labels: [String] = []) {
        self.id = id
        self.globalKey = globalKey
        self.rowData = rowData
        self.mediaType = mediaType
        self.metadata = metadata
        self.labels = labels
    }
}

/// One page of rows and how to get the next.
public struct RowPage: Sendable, Codable {
    public var rows: [DataRow]
    /// Pass back as `after` for the next page; nil on the last page.
    public var nextCursor: String?
    /// Rows matching the filter in all pages.
    public var total: Int

    public init(rows: [DataRow], nextCursor: String?, total: Int) {
        self.rows = rows
        self.nextCursor = nextCursor
        self.total = total
    }
}
