import Catalog
import Foundation
import Hummingbird
import NIOCore

/// Embedding spaces of a dataset, under `/v1/datasets/{dataset}/spaces`: list and get (read),
/// create, import vectors and start embedding jobs (write), delete (admin).
public struct SpaceController<Repository: SpaceRepository>: Sendable {
    let repository: Repository
    let spool: Spool

    init(repository: Repository, spool: Spool) {
        self.repository = repository
        self.spool = spool
    }

    /// Adds the routes to `group` (mounted at `/v1/datasets/{dataset}/spaces`, requiring `read`).
    public func addRoutes(to group: RouterGroup<LoupeRequestContext>) {
        group.get(use: list)
        group.get(":space", use: get)
        let write = group.group().add(middleware: RequireScope(.write))
        write.post(use: create)
        write.post(":space/vectors", use: importVectors)
        write.post(":space/embed", use: embed)
        group.group().add(middleware: RequireScope(.admin)).delete(":space", use: delete)
    }

    @Sendable func create(_ request: Request, context: LoupeRequestContext) async throws -> EditedResponse<EmbeddingSpace> {
        let input = try await request.decodeJSON(APISpaceInput.self, context: context)
        return EditedResponse(
            status: .created, response: try await repository.createSpace(input.newSpace(), in: context.parameters.decoded("dataset")))
    }

    @Sendable func list(_ request: Request, context: LoupeRequestContext) async throws -> APIList<EmbeddingSpace> {
        APIList(try await repository.spaces(in: context.parameters.decoded("dataset")))
    }

    @Sendable func get(_ request: Request, context: LoupeRequestContext) async throws -> EmbeddingSpace {
        try await repository.space(context.parameters.decoded("space"), in: context.parameters.decoded("dataset"))
    }

    @Sendable func delete(_ request: Request, context: LoupeRequestContext) async throws -> HTTPResponse.Status {
        try await repository.deleteSpace(context.parameters.decoded("space"), in: context.parameters.decoded("dataset"))
        return .noContent
    }

    /// Vectors as NDJSON (`application/x-ndjson`, lines `{"id"|"global_key": …, "vector": […]}`),
    /// or as `multipart/form-data` with an `ids` part (one row id a line, or global keys with
    /// `?by=global_key`) followed by a `vectors` part (`.npy`). The body is streamed to disk and
    /// imported; bad lines are reported by number while good ones land. With `?background=true`
    /// the import runs as a catalog job (202) whose progress and report `/v1/jobs/{job}` shows;
    /// a server stopped mid-import resumes it at its next start.
    @Sendable func importVectors(_ request: Request, context: LoupeRequestContext) async throws -> Response {
        let dataset = try context.parameters.decoded("dataset")
        let type = try request.requireMediaType(["application/x-ndjson", "application/jsonl", "multipart/form-data"])
        let background = try request.flag("background", default: false)
        let space = try await repository.space(context.parameters.decoded("space"), in: dataset)  // 404 before reading the body
        let body = request.streamedBody(context: context)
        let format: VectorFileFormat
        if type == "multipart/form-data" {
            let byGlobalKey: Bool
            switch request.uri.queryParameters.get("by") {
            case nil, "id": byGlobalKey = false
            case "global_key": byGlobalKey = true
            case let other?: throw APIError.invalid("Query parameter 'by' must be id or global_key, got '\(other)'.")
            }
            let (ids, npy) = try await spoolNPY(body, contentType: request.headers[.contentType] ?? "")
            format = .npy(path: npy.path, idsPath: ids.path, byGlobalKey: byGlobalKey)
        } else {
            format = .ndjson(path: try await spool.write(body, prefix: "vectors", suffix: "ndjson").path)
        }
        if background {
            // The job owns the spooled files from here: it deletes them once it has finished.
            let job = try await repository.startVectorImport(format, into: space.id, in: space.datasetID, removesFiles: true)
            return try EditedResponse(status: .accepted, response: JobResponse(job: job, report: nil)).response(from: request, context: context)
        }
        defer { for path in format.paths { try? FileManager.default.removeItem(atPath: path) } }
        let report = try await repository.importVectors(format, into: space.id, in: space.datasetID, progress: nil)
        return try report.response(from: request, context: context)
    }

    /// Spools a multipart .npy upload: the `ids` part (one row id a line), then the `vectors`
    /// part (.npy). Nothing is left behind when either is missing or unreadable.
    private func spoolNPY(_ body: ByteChunks, contentType: String) async throws -> (ids: URL, npy: URL) {
        let reader = try MultipartReader(body: body, contentType: contentType)
        guard let first = try await reader.nextPart(), first.name == "ids" else {
            throw APIError.invalid("Send the 'ids' part (one row id a line) before the 'vectors' part (.npy).")
        }
        let ids = try await spool.write(reader.currentPartChunks(), prefix: "ids", suffix: "txt")
        do {
            guard let second = try await reader.nextPart(), second.name == "vectors" else {
                throw APIError.invalid("The 'vectors' part (.npy) is missing after 'ids'.")
            }
            return (ids, try await spool.write(reader.currentPartChunks(), prefix: "vectors", suffix: "npy"))
        } catch {
            try? FileManager.default.removeItem(at: ids)
            throw error
        }
    }

    @Sendable func embed(_ request: Request, context: LoupeRequestContext) async throws -> EditedResponse<Job> {
        EditedResponse(
            status: .accepted,
            response: try await repository.computeEmbeddings(space: context.parameters.decoded("space"), in: context.parameters.decoded("dataset")))
    }
}
