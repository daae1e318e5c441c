import Catalog
import Foundation
import Hummingbird

/// `/v1/jobs`: list and get (read), cancel (write) — the catalog's jobs: embeddings, curation
/// scores and background vector imports (with their report once finished).
public struct JobController<Repository: JobRepository>: Sendable {
    let repository: Repository

    init(repository: Repository) {
        self.repository = repository
    }

    /// Adds the routes to `group` (mounted at `/v1/jobs`, requiring `read`).
    public func addRoutes(to group: RouterGroup<LoupeRequestContext>) {
        group.get(use: list)
        group.get(":job", use: get)
        group.group().add(middleware: RequireScope(.write)).post(":job/cancel", use: cancel)
    }

    /// Every job, newest first; `?state=running` (repeatable) keeps those states.
    @Sendable func list(_ request: Request, context: LoupeRequestContext) async throws -> APIList<JobResponse> {
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
        var jobs: [JobResponse] = []
        for job in try await repository.jobs(states: states) { jobs.append(try await response(job)) }
        return APIList(jobs)
    }

    @Sendable func get(_ request: Request, context: LoupeRequestContext) async throws -> JobResponse {
        try await response(repository.job(context.parameters.decoded("job")))
    }

    /// Asks a job to stop; a finished job is a conflict.
    @Sendable func cancel(_ request: Request, context: LoupeRequestContext) async throws -> JobResponse {
        let id = try context.parameters.decoded("job")
        let job = try await repository.job(id)
        guard !job.state.isFinished else { throw APIError.conflict("Job '\(id)' already \(job.state.rawValue).") }
        return try await response(repository.cancelJob(id))
    }

    /// A job with its import report, for a finished import.
    private func response(_ job: Job) async throws -> JobResponse {
        JobResponse(job: job, report: job.kind == .importVectors && job.state.isFinished ? try await repository.importReport(job: job.id) : nil)
    }
}

/// A job as JSON: its fields, and `report` for a finished vector import.
struct JobResponse: ResponseEncodable {
    let job: Job
    let report: ImportReport?

    private enum CodingKeys: String, CodingKey { case report }

    func encode(to encoder: any Encoder) throws {
        try job.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(report, forKey: .report)
    }
}
