import Catalog
import Foundation
import Hummingbird
import NIOCore

/// Embedding spaces of a dataset, under `/v1/datasets/{dataset}/spaces`: list and get (read),
/// create, import vectors and start embedding jobs (write), delete (admin).
public struct SpaceController<Repository: SpaceRepository>: Sendable {
    let repository: Repository
    let spool: Spool
    let importJobs: VectorImportJobs

    init(repository: Repository, spool: Spool, importJobs: VectorImportJobs) {
        self.repository = repository
        self.spool = spool
        self.importJobs = importJobs
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
    /// an NDJSON import runs as a job (202) whose progress `/v1/jobs/{job}` shows.
    @Sendable func importVectors(_ request: Request, context: LoupeRequestContext) async throws -> Response {
        let dataset = try context.parameters.decoded("dataset")
        let type = try request.requireMediaType(["application/x-ndjson", "application/jsonl", "multipart/form-data"])
        let background = try request.flag("background", default: false)
        let space = try await repository.space(context.parameters.decoded("space"), in: dataset)  // 404 before reading the body
        let body = request.streamedBody(context: context)
        if type == "multipart/form-data" {
            guard !background else {
                throw APIError.validation("background=true takes an NDJSON body; send .npy uploads without it.")
            }
            let byGlobalKey: Bool
            switch request.uri.queryParameters.get("by") {
            case nil, "id": byGlobalKey = false
            case "global_key": byGlobalKey = true
            case let other?: throw APIError.invalid("Query parameter 'by' must be id or global_key, got '\(other)'.")
            }
            let report = try await importNPY(body, space: space, byGlobalKey: byGlobalKey, contentType: request.headers[.contentType] ?? "")
            return try report.response(from: request, context: context)
        }
        guard background else {
            let report = try await spool.withFile(body, prefix: "vectors", suffix: "ndjson") { file in
                try await repository.importVectors(.ndjson(path: file.path), into: space.id, in: space.datasetID, progress: nil)
            }
            return try report.response(from: request, context: context)
        }
        let file = try await spool.write(body, prefix: "vectors", suffix: "ndjson")
        let job = importJobs.start(file: file, space: space, repository: repository)
        return try EditedResponse(status: .accepted, response: job).response(from: request, context: context)
    }

    private func importNPY(_ body: ByteChunks, space: EmbeddingSpace, byGlobalKey: Bool, contentType: String) async throws -> ImportReport {
        let reader = try MultipartReader(body: body, contentType: contentType)
        guard let first = try await reader.nextPart(), first.name == "ids" else {
            throw APIError.invalid("Send the 'ids' part (one row id a line) before the 'vectors' part (.npy).")
        }
        return try await spool.withFile(reader.currentPartChunks(), prefix: "ids", suffix: "txt") { ids in
            guard let second = try await reader.nextPart(), second.name == "vectors" else {
                throw APIError.invalid("The 'vectors' part (.npy) is missing after 'ids'.")
            }
            return try await spool.withFile(reader.currentPartChunks(), prefix: "vectors", suffix: "npy") { npy in
                try await repository.importVectors(
                    .npy(path: npy.path, idsPath: ids.path, byGlobalKey: byGlobalKey), into: space.id, in: space.datasetID, progress: nil)
            }
        }
    }

    @Sendable func embed(_ request: Request, context: LoupeRequestContext) async throws -> EditedResponse<Job> {
        EditedResponse(
            status: .accepted,
            response: try await repository.computeEmbeddings(space: context.parameters.decoded("space"), in: context.parameters.decoded("dataset")))
    }
}
