import Catalog
import Hummingbird

/// `/v1/datasets`: create (write), list and get (read), delete (admin).
public struct DatasetController<Repository: DatasetRepository>: Sendable {
    let repository: Repository

    public init(repository: Repository) { self.repository = repository }

    /// Adds the routes to `group` (mounted at `/v1/datasets`, already requiring `read`).
    public func addRoutes(to group: RouterGroup<LoupeRequestContext>) {
        group.get(use: list)
        group.get(":dataset", use: get)
        group.group().add(middleware: RequireScope(.write)).post(use: create)
        group.group().add(middleware: RequireScope(.admin)).delete(":dataset", use: delete)
    }

    @Sendable func create(_ request: Request, context: LoupeRequestContext) async throws -> EditedResponse<Dataset> {
        let input = try await request.decodeJSON(APIDatasetInput.self, context: context)
        return EditedResponse(status: .created, response: try await repository.createDataset(input.newDataset))
    }

    @Sendable func list(_ request: Request, context: LoupeRequestContext) async throws -> APIList<Dataset> {
        APIList(try await repository.datasets())
    }

    @Sendable func get(_ request: Request, context: LoupeRequestContext) async throws -> Dataset {
        try await repository.dataset(context.parameters.decoded("dataset"))
    }

    @Sendable func delete(_ request: Request, context: LoupeRequestContext) async throws -> HTTPResponse.Status {
        try await repository.deleteDataset(context.parameters.decoded("dataset"))
        return .noContent
    }
}
