import Hummingbird

/// `/v1/datasets/{dataset}/rows`: list, get (read); create, import, delete (write).
public struct RowController<Repository: RowRepository>: Sendable {
    let repository: Repository

    public init(repository: Repository) { self.repository = repository }

    /// Adds the routes to `group` (mounted at `/v1/datasets/{dataset}/rows`, requiring `read`).
    public func addRoutes(to group: RouterGroup<LoupeRequestContext>) {
        group.get(use: list)
        group.get(":row", use: get)
        let write = group.group().add(middleware: RequireScope(.write))
        write.post(use: create)
        write.post("import", use: importRows)
        write.delete(":row", use: delete)
    }

    @Sendable func create(_ request: Request, context: LoupeRequestContext) async throws -> EditedResponse<APIList<APIRow>> {
        let batch = try await request.decodeJSON(APIRowBatch.self, context: context)
        guard !batch.rows.isEmpty else { throw APIError.validation("'rows' is empty: send at least one row.") }
        let rows = try await repository.createRows(dataset: context.parameters.decoded("dataset"), rows: batch.rows)
        return EditedResponse(status: .created, response: APIList(rows))
    }

    /// A streamed NDJSON (`application/x-ndjson`) or CSV (`text/csv`) body of rows.
    @Sendable func importRows(_ request: Request, context: LoupeRequestContext) async throws -> APIImportReport {
        let type = try request.requireMediaType(["application/x-ndjson", "application/jsonl", "text/csv"])
        return try await repository.importRows(
            dataset: context.parameters.decoded("dataset"), format: type == "text/csv" ? .csv : .ndjson,
            body: request.streamedBody(context: context))
    }

    @Sendable func list(_ request: Request, context: LoupeRequestContext) async throws -> APIRowPage {
        try await repository.listRows(
            dataset: context.parameters.decoded("dataset"), filter: request.rowFilter(),
            offset: request.integer("offset", default: 0, in: 0...Int(Int32.max)),
            limit: request.integer("limit", default: 100, in: 1...1000))
    }

    @Sendable func get(_ request: Request, context: LoupeRequestContext) async throws -> APIRow {
        try await repository.row(dataset: context.parameters.decoded("dataset"), id: context.parameters.decoded("row"))
    }

    @Sendable func delete(_ request: Request, context: LoupeRequestContext) async throws -> HTTPResponse.Status {
        try await repository.deleteRow(dataset: context.parameters.decoded("dataset"), id: context.parameters.decoded("row"))
        return .noContent
    }
}
