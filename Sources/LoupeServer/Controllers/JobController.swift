import Catalog
import Foundation
import Hummingbird

/// `/v1/jobs`: list and get (read), cancel (write) — the catalog's embedding jobs and this
/// server's background vector imports.
public struct JobController<Repository: JobRepository>: Sendable {
    let repository: Repository
    let importJobs: VectorImportJobs

    init(repository: Repository, importJobs: VectorImportJobs) {
        self.repository = repository
        self.importJobs = importJobs
    }

    /// Adds the routes to `group` (mounted at `/v1/jobs`, requiring `read`).
    public func addRoutes(to group: RouterGroup<LoupeRequestContext>) {
        group.get(use: list)
        group.get(":job", use: get)
        group.group().add(middleware: RequireScope(.write)).post(":job/cancel", use: cancel)
    }

    /// A catalog job or a vector import job, as JSON.
    enum AnyJob: ResponseEncodable {
        case catalog(Job)
        case vectorImport(VectorImportJob)

        var createdAt: Date {
            switch self {
            case .catalog(let job): job.createdAt
            case .vectorImport(let job): job.createdAt
            }
        }

        func encode(to encoder: any Encoder) throws {
            switch self {
            case .catalog(let job): try job.encode(to: encoder)
            case .vectorImport(let job): try job.encode(to: encoder)
            }
        }
    }

    /// Every job, newest first; `?state=running` (repeatable) keeps those states.
    @Sendable func list(_ request: Request, context: LoupeRequestContext) async throws -> APIList<AnyJob> {
        var states: Set<Job.State>?
        let names = request.uri.queryParameters.getAll("state")
        if !names.isEmpty {
            states = try Set(names.map { name in
                guard let state = Job.State(rawValue: String(name)) else {
                    throw APIError.invalid("Unknown job state '\(name)'; states are \(Job.State.allCases.map(\.rawValue).joined(separator: ", ")).")
                }
                return state
            })
        }
        let catalogJobs = try await repository.jobs(states: states).map(AnyJob.catalog)
        let imports = importJobs.all().filter { states?.contains($0.state) ?? true }.map(AnyJob.vectorImport)
        return APIList((catalogJobs + imports).sorted { $0.createdAt > $1.createdAt })
    }

    @Sendable func get(_ request: Request, context: LoupeRequestContext) async throws -> AnyJob {
        let id = try context.parameters.decoded("job")
        if let job = importJobs.job(id) { return .vectorImport(job) }
        return .catalog(try await repository.job(id))
    }

    /// Asks a job to stop; a finished job is a conflict.
    @Sendable func cancel(_ request: Request, context: LoupeRequestContext) async throws -> AnyJob {
        let id = try context.parameters.decoded("job")
        if let job = try importJobs.cancel(id) { return .vectorImport(job) }
        let job = try await repository.job(id)
        guard !job.state.isFinished else { throw APIError.conflict("Job '\(id)' already \(job.state.rawValue).") }
        return .catalog(try await repository.cancelJob(id))
    }
}
