import Foundation
import Hummingbird
import NIOCore

/// Embedding spaces: `/v1/datasets/{dataset}/spaces` (list: read, create: write) and
/// `/v1/spaces/{space}` (get: read, delete: admin), their vector imports and embedding jobs (write).
public struct SpaceController<Repository: SpaceRepository>: Sendable {
    let repository: Repository
    /// Where `?background=true` imports are spooled before their job reads them.
    let spoolDirectory: URL

    public init(repository: Repository, spoolDirectory: URL) {
        self.repository = repository
        self.spoolDirectory = spoolDirectory
    }

    /// Adds the routes: `datasetSpaces` is mounted at `/v1/datasets/{dataset}/spaces`, `spaces` at
    /// `/v1/spaces`, both already requiring `read`.
    public func addRoutes(datasetSpaces: RouterGroup<LoupeRequestContext>, spaces: RouterGroup<LoupeRequestContext>) {
        datasetSpaces.get(use: list)
        datasetSpaces.group().add(middleware: RequireScope(.write)).post(use: create)
        spaces.get(":space", use: get)
        let write = spaces.group().add(middleware: RequireScope(.write))
        write.post(":space/vectors", use: importVectors)
        write.post(":space/embed", use: embed)
        spaces.group().add(middleware: RequireScope(.admin)).delete(":space", use: delete)
    }

    @Sendable func create(_ request: Request, context: LoupeRequestContext) async throws -> EditedResponse<APISpace> {
        let input = try await request.decodeJSON(APISpaceInput.self, context: context)
        return EditedResponse(
            status: .created, response: try await repository.createSpace(dataset: context.parameters.decoded("dataset"), input: input))
    }

    @Sendable func list(_ request: Request, context: LoupeRequestContext) async throws -> APIList<APISpace> {
        APIList(try await repository.listSpaces(dataset: context.parameters.decoded("dataset")))
    }

    @Sendable func get(_ request: Request, context: LoupeRequestContext) async throws -> APISpace {
        try await repository.space(id: context.parameters.decoded("space"))
    }

    @Sendable func delete(_ request: Request, context: LoupeRequestContext) async throws -> HTTPResponse.Status {
        try await repository.deleteSpace(id: context.parameters.decoded("space"))
        return .noContent
    }

    /// Vectors as NDJSON (`application/x-ndjson`), or as `multipart/form-data` with an `ids` part
    /// (one id a line) followed by a `vectors` part (`.npy`, float32, one row per id). With
    /// `?background=true` an NDJSON body is spooled to disk and imported by a job (202).
    @Sendable func importVectors(_ request: Request, context: LoupeRequestContext) async throws -> Response {
        let space = try context.parameters.decoded("space")
        let type = try request.requireMediaType(["application/x-ndjson", "application/jsonl", "multipart/form-data"])
        let background = try request.flag("background", default: false)
        if type == "multipart/form-data" {
            guard !background else {
                throw APIError.validation("background=true takes an NDJSON body; send .npy uploads without it.")
            }
            let report = try await importNPY(space: space, request: request, context: context)
            return try report.response(from: request, context: context)
        }
        guard background else {
            let report = try await repository.importVectors(space: space, ndjson: request.streamedBody(context: context))
            return try report.response(from: request, context: context)
        }
        _ = try await repository.space(id: space)  // 404 before reading a large body
        let file = try await spool(request.streamedBody(context: context))
        do {
            let job = try await repository.startVectorImport(space: space, ndjsonFile: file)
            return try EditedResponse(status: .accepted, response: job).response(from: request, context: context)
        } catch {
            try? FileManager.default.removeItem(at: file)
            throw error
        }
    }

    private func importNPY(space: String, request: Request, context: LoupeRequestContext) async throws -> APIImportReport {
        let reader = try MultipartReader(body: request.streamedBody(context: context), contentType: request.headers[.contentType] ?? "")
        guard let first = try await reader.nextPart(), first.name == "ids" else {
            throw APIError.invalid("Send the 'ids' part (one row id a line) before the 'vectors' part (.npy).")
        }
        let idText = try await reader.collectPart(upTo: context.limits.jsonBody * 16)
        guard let text = String(validating: idText.readableBytesView, as: UTF8.self) else {
            throw APIError.invalid("The 'ids' part is not UTF-8 text.")
        }
        let ids = text.split(whereSeparator: \.isNewline).map { String($0).trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard let second = try await reader.nextPart(), second.name == "vectors" else {
            throw APIError.invalid("The 'vectors' part (.npy) is missing after 'ids'.")
        }
        return try await repository.importVectors(space: space, npy: reader.currentPartChunks(), ids: ids)
    }

    /// Writes `body` to a new file in the spool directory and returns it.
    private func spool(_ body: ByteChunks) async throws -> URL {
        try FileManager.default.createDirectory(at: spoolDirectory, withIntermediateDirectories: true)
        let url = spoolDirectory.appendingPathComponent("vectors-\(UUID().uuidString).ndjson")
        guard FileManager.default.createFile(atPath: url.path, contents: nil), let handle = FileHandle(forWritingAtPath: url.path) else {
            throw APIError(.internalServerError, .internalError, "Can't create the spool file \(url.path).")
        }
        do {
            for try await chunk in body { try handle.write(contentsOf: chunk.readableBytesView) }
            try handle.synchronize()
            try handle.close()
        } catch {
            try? handle.close()
            try? FileManager.default.removeItem(at: url)
            throw error
        }
        return url
    }

    @Sendable func embed(_ request: Request, context: LoupeRequestContext) async throws -> EditedResponse<APIJob> {
        EditedResponse(status: .accepted, response: try await repository.startEmbedding(space: context.parameters.decoded("space")))
    }
}
