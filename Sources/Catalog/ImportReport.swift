/// One input line (or record) that did not land, and why.
public struct LineError: Error, Sendable, Hashable, Codable, CustomStringConvertible {
    /// 1-based line number in the file (for .npy: the 1-based row, which is also the ids file's line).
    public var line: Int
    /// The reason, naming the row or field.
    public var reason: String

    public init(line: Int, reason: String) {
        self.line = line
        self.reason = reason
    }

    public var description: String { "line \(line): \(reason)" }
}

/// What an import did. It is returned only after the data is committed.
public struct ImportReport: Sendable, Hashable, Codable {
    /// Records read (good and bad).
    public var read: Int
    /// Records stored (added or replaced).
    public var stored: Int
    /// Every record that did not land, by line, in order (also `rejected` when there are many).
    public var errors: [LineError]
    /// How many records were rejected (`errors` keeps the first `maximumReportedErrors`).
    public var rejected: Int
    /// Seconds spent reading, checking and committing.
    public var seconds: Double
    /// Seconds spent updating the space's in-memory index after the commit (vector imports).
    public var indexSeconds: Double

    public init(read: Int = 0, stored: Int = 0, errors: [LineError] = [], rejected: Int = 0, seconds: Double = 0,
                indexSeconds: Double = 0) {
        self.read = read
        self.stored = stored
        self.errors = errors
        self.rejected = rejected
        self.seconds = seconds
        self.indexSeconds = indexSeconds
    }

    /// The errors kept in a report; past these only `rejected` counts.
    public static let maximumReportedErrors = 10_000

    /// Puts the errors in line order (checks and storage report theirs in two passes).
    mutating func sortErrors() { errors.sort { $0.line < $1.line } }

    mutating func reject(_ error: LineError) {
        rejected += 1
        if errors.count < Self.maximumReportedErrors { errors.append(error) }
    }
}

/// Progress of a long operation, reported from time to time.
public struct ImportProgress: Sendable, Hashable {
    /// Bytes (or rows, for .npy) processed so far.
    public var done: Int
    /// The total, when known.
    public var total: Int?
    /// Records stored so far.
    public var stored: Int
    /// Records rejected so far.
    public var rejected: Int

    public init(done: Int, total: Int?, stored: Int, rejected: Int) {
        self.done = done
        self.total = total
        self.stored = stored
        self.rejected = rejected
    }
}

/// Called with progress; must return quickly.
public typealias ProgressHandler = @Sendable (ImportProgress) -> Void

/// The vector file formats `importVectors` reads.
public enum VectorFileFormat: Sendable, Hashable {
    /// One JSON object a line: `{"id": …, "vector": […]}` or `{"global_key": …, "vector": […]}`.
    case ndjson(path: String)
    /// A 2-D float32/float64 `.npy` array (C or Fortran order) and a text file of row ids (or
    /// global keys, with `byGlobalKey`), one per line, in the array's row order.
    case npy(path: String, idsPath: String, byGlobalKey: Bool)

    /// The files it reads.
    public var paths: [String] {
        switch self {
        case .ndjson(let path): [path]
        case .npy(let path, let idsPath, _): [path, idsPath]
        }
    }
}

/// The row file formats `importRows` reads.
public enum RowFileFormat: Sendable, Hashable {
    /// One JSON object a line: `id`, `global_key`, `row_data`, `media_type`, `metadata`, `labels`.
    case ndjson(path: String)
    /// A CSV file with a header; see `CSVRowOptions`.
    case csv(path: String, options: CSVRowOptions)
    /// A folder of images and/or texts; see `FolderRowOptions`.
    case folder(path: String, options: FolderRowOptions)
}

/// How CSV columns become row fields.
public struct CSVRowOptions: Sendable, Hashable {
    /// The column holding row ids (nil: generated ids unless a column is named `id`).
    public var idColumn: String?
    /// The column holding the row data (default: `row_data`, else `path`, `text`, `url`).
    public var rowDataColumn: String?
    /// The column holding global keys (default: `global_key` when present).
    public var globalKeyColumn: String?
    /// The column holding labels, several separated by `labelSeparator` (default: `label`/`labels`).
    public var labelColumn: String?
    public var labelSeparator: Character
    /// Media type of every row (nil: `media_type` column, else guessed from the row data's file extension).
    public var mediaType: MediaType?
    /// Declared types for columns; others are inferred from their values (number, ISO 8601 date, string).
    public var schema: [FieldSchema]
    /// Field separator.
    public var delimiter: Character

    public init(idColumn: String? = nil, rowDataColumn: String? = nil, globalKeyColumn: String? = nil, labelColumn: String? = nil,
                labelSeparator: Character = "|", mediaType: MediaType? = nil, schema: [FieldSchema] = [], delimiter: Character = ",") {
        self.idColumn = idColumn
        self.rowDataColumn = rowDataColumn
        self.globalKeyColumn = globalKeyColumn
        self.labelColumn = labelColumn
        self.labelSeparator = labelSeparator
        self.mediaType = mediaType
        self.schema = schema
        self.delimiter = delimiter
    }
}

/// How a folder of files becomes rows.
public struct FolderRowOptions: Sendable, Hashable {
    /// The immediate sub-folder of each file becomes its ground-truth label.
    public var labelsFromSubfolders: Bool
    /// A CSV or NDJSON file whose `file` (or `id`/`path`) column names a file relative to the
    /// folder (or its bare name); its other columns become that row's metadata.
    public var sidecarPath: String?
    /// Text files become rows of inline text (true) or rows pointing at the file (false).
    public var inlineTexts: Bool

    public init(labelsFromSubfolders: Bool = true, sidecarPath: String? = nil, inlineTexts: Bool = true) {
        self.labelsFromSubfolders = labelsFromSubfolders
        self.sidecarPath = sidecarPath
        self.inlineTexts = inlineTexts
    }
}
