import Foundation

/// A background job (computing embeddings, a large import) as the API shows it.
public struct APIJob: Codable, Sendable, Equatable {
    public var id: String
    /// `embed` or `import-vectors`.
    public var kind: String
    /// `queued`, `running`, `succeeded`, `failed` or `cancelled`.
    public var state: String
    /// Items done and in all (`total` may be unknown at first).
    public var done: Int
    public var total: Int?
    /// Why it failed, if it did.
    public var error: String?
    /// The space or dataset it works on.
    public var target: String
    public var created: Date
    public var updated: Date
    /// For finished imports, the report.
    public var report: APIImportReport?

    public init(
        id: String, kind: String, state: String, done: Int, total: Int?, error: String?, target: String, created: Date,
        updated: Date, report: APIImportReport?
    ) {
        self.id = id
        self.kind = kind
        self.state = state
        self.done = done
        self.total = total
        self.error = error
        self.target = target
        self.created = created
        self.updated = updated
        self.report = report
    }
}
