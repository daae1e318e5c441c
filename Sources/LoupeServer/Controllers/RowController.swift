import Catalog
import Foundation
import Hummingbird

/// `/v1/datasets/{dataset}/rows`: list, get (read); add, import, delete (write); import a server
/// folder (admin).
public struct RowController<Repository: RowRepository & DatasetRepository>: Sendable {
    let repository: Repository
    let spool: Spool

    init(repository: Repository, spool: Spool) {
        self.repository = repository
        self.spool = spool
    }

    /// Adds the routes to `group` (mounted at `/v1/datasets/{dataset}/rows`, requiring `read`).
    public func addRoutes(to group: RouterGroup<LoupeRequestContext>) {
        group.get(use: list)
        group.get(":row", use: get)
        let write = group.group().add(middleware: RequireScope(.write))
        write.post(use: add)
        write.post("import", use: importRows)
        group.group().add(middleware: RequireScope(.admin)).post("import/folder", use: importFolder)
        write.delete(":row", use: delete)
    }

    /// Rows as JSON; a row whose id exists is replaced. Answers the report (bad rows by position).
    @Sendable func add(_ request: Request, context: LoupeRequestContext) async throws -> ImportReport {
        let batch = try await request.decodeJSON(APIRowBatch.self, context: context)
        guard !batch.rows.isEmpty else { throw APIError.validation("'rows' is empty: send at least one row.") }
        return try await repository.addRows(batch.rows.map(\.newRow), to: context.parameters.decoded("dataset"))
    }

    /// A streamed NDJSON (`application/x-ndjson`) or CSV (`text/csv`) body of rows, spooled to
    /// disk and imported; bad lines are reported by number while good ones land. CSV columns are
    /// chosen by the query: `id_column`, `row_data_column`, `global_key_column`, `label_column`,
    /// `label_separator`, `media_type` (image or text for every row), `delimiter`.
    @Sendable func importRows(_ request: Request, context: LoupeRequestContext) async throws -> ImportReport {
        let type = try request.requireMediaType(["application/x-ndjson", "application/jsonl", "text/csv"])
        let dataset = try context.parameters.decoded("dataset")
        let csv = type == "text/csv"
        let csvOptions = try csv ? Self.csvOptions(request) : CSVRowOptions()
        _ = try await repository.dataset(dataset)  // 404 before reading the body
        return try await spool.withFile(request.streamedBody(context: context), prefix: "rows", suffix: csv ? "csv" : "ndjson") { file in
            let format: RowFileFormat = csv ? .csv(path: file.path, options: csvOptions) : .ndjson(path: file.path)
            return try await repository.importRows(format, into: dataset, progress: nil)
        }
    }

    /// `POST …/rows/import/folder` (admin, as it reads the server's files): a folder on the
    /// server's disk, `{"path", "subfolder_labels" (default true), "sidecar"}`, as
    /// `loupe import rows FOLDER` imports it: images and texts become rows, sub-folder names
    /// labels, the sidecar's columns metadata.
    @Sendable func importFolder(_ request: Request, context: LoupeRequestContext) async throws -> ImportReport {
        let body = try await request.decodeJSON(APIFolderImport.self, context: context)
        var isFolder: ObjCBool = false
        guard body.path.hasPrefix("/"), FileManager.default.fileExists(atPath: body.path, isDirectory: &isFolder), isFolder.boolValue else {
            throw APIError.validation("'path' must be the absolute path of a folder on the server; '\(body.path)' is not one.")
        }
        if let sidecar = body.sidecar, !FileManager.default.fileExists(atPath: sidecar) {
            throw APIError.validation("'sidecar' names no file on the server: '\(sidecar)'.")
        }
        let options = FolderRowOptions(labelsFromSubfolders: body.subfolderLabels ?? true, sidecarPath: body.sidecar)
        return try await repository.importRows(.folder(path: body.path, options: options), into: context.parameters.decoded("dataset"), progress: nil)
    }

    /// The CSV column choices of an import's query string.
    static func csvOptions(_ request: Request) throws -> CSVRowOptions {
        let query = request.uri.queryParameters
        func text(_ name: String) -> String? { query.get(name).flatMap { $0.isEmpty ? nil : String($0) } }
        func character(_ name: String, default fallback: Character) throws -> Character {
            guard let value = text(name) else { return fallback }
            guard value.count == 1, let character = value.first else {
                throw APIError.validation("Query parameter '\(name)' must be one character, got '\(value)'.")
            }
            return character
        }
        let mediaType = try text("media_type").map { name in
            guard let type = MediaType(rawValue: name) else { throw APIError.validation("Query parameter 'media_type' must be image or text, got '\(name)'.") }
            return type
        }
        return CSVRowOptions(
            idColumn: text("id_column"), rowDataColumn: text("row_data_column"), globalKeyColumn: text("global_key_column"),
            labelColumn: text("label_column"), labelSeparator: try character("label_separator", default: "|"), mediaType: mediaType,
            delimiter: try character("delimiter", default: ","))
    }

    /// A page of rows: `limit` (1–1000), `cursor` (the previous page's `next_cursor`), `sort`
    /// (`metric-name`, or `-metric-name` for descending), and the row filter parameters.
    @Sendable func list(_ request: Request, context: LoupeRequestContext) async throws -> RowPage {
        var order = RowOrder.insertion
        if let sort = request.uri.queryParameters.get("sort"), !sort.isEmpty {
            let descending = sort.hasPrefix("-")
            order = RowOrder(.metric(name: descending ? String(sort.dropFirst()) : String(sort), className: nil), descending: descending)
        }
        return try await repository.rows(
            in: context.parameters.decoded("dataset"), filter: request.rowFilter(), order: order,
            after: request.uri.queryParameters.get("cursor").map { String($0) },
            limit: request.integer("limit", default: 100, in: 1...1000))
    }

    @Sendable func get(_ request: Request, context: LoupeRequestContext) async throws -> DataRow {
        try await repository.row(context.parameters.decoded("row"), in: context.parameters.decoded("dataset"))
    }

    @Sendable func delete(_ request: Request, context: LoupeRequestContext) async throws -> HTTPResponse.Status {
        let dataset = try context.parameters.decoded("dataset")
        let row = try await repository.row(context.parameters.decoded("row"), in: dataset)
        _ = try await repository.deleteRows([row.id], from: dataset)
        return .noContent
    }
}
