import Catalog
import Hummingbird

/// `/v1/datasets/{dataset}/rows`: list, get (read); add, import, delete (write).
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
        write.delete(":row", use: delete)
    }

    /// Rows as JSON; a row whose id exists is replaced. Answers the report (bad rows by position).
    @Sendable func add(_ request: Request, context: LoupeRequestContext) async throws -> ImportReport {
        let batch = try await request.decodeJSON(APIRowBatch.self, context: context)
        guard !batch.rows.isEmpty else { throw APIError.validation("'rows' is empty: send at least one row.") }
        return try await repository.addRows(batch.rows.map(\.newRow), to: context.parameters.decoded("dataset"))
    }

    /// A streamed NDJSON (`application/x-ndjson`) or CSV (`text/csv`) body of rows, spooled to
    /// disk and imported; bad lines are reported by number while good ones land.
    @Sendable func importRows(_ request: Request, context: LoupeRequestContext) async throws -> ImportReport {
        let type = try request.requireMediaType(["application/x-ndjson", "application/jsonl", "text/csv"])
        let dataset = try context.parameters.decoded("dataset")
        _ = try await repository.dataset(dataset)  // 404 before reading the body
        let csv = type == "text/csv"
        return try await spool.withFile(request.streamedBody(context: context), prefix: "rows", suffix: csv ? "csv" : "ndjson") { file in
            let format: RowFileFormat = csv ? .csv(path: file.path, options: CSVRowOptions()) : .ndjson(path: file.path)
            return try await repository.importRows(format, into: dataset, progress: nil)
        }
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
