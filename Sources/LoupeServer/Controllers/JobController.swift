import Hummingbird

/// `/v1/jobs`: list and get (read), cancel (write).
public struct JobController<Repository: JobRepository>: Sendable {
    let repository: Repository

    public init(repository: Repository) { self.repository = repository }

    /// Adds the routes to `group` (mounted at `/v1/jobs`, requiring `read`).
    public func addRoutes(to group: RouterGroup<LoupeRequestContext>) {
        group.get(use: list)
        group.get(":job", use: get)
        group.group().add(middleware: RequireScope(.write)).post(":job/cancel", use: cancel)
    }

    @Sendable func list(_ request: Request, context: LoupeRequestContext) async throws -> APIList<APIJob> {
        APIList(try await repository.listJobs())
    }

    @Sendable func get(_ request: Request, context: LoupeRequestContext) async throws -> APIJob {
        try await repository.job(id: context.parameters.decoded("job"))
    }

    @Sendable func cancel(_ request: Request, context: LoupeRequestContext) async throws -> APIJob {
        try await repository.cancelJob(id: context.parameters.decoded("job"))
    }
}
