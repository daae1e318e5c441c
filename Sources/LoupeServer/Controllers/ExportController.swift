import HTTPTypes
import Hummingbird

/// `GET /v1/datasets/{dataset}/export` (read): the rows as streamed NDJSON, filtered like a row
/// list, with the vectors of the spaces named in `embeddings=` (comma list).
public struct ExportController<Service: ExportService>: Sendable {
    let service: Service

    public init(service: Service) { self.service = service }

    /// Adds the route to `group` (mounted at `/v1/datasets`, requiring `read`).
    public func addRoutes(to group: RouterGroup<LoupeRequestContext>) {
        group.get(":dataset/export", use: export)
    }

    @Sendable func export(_ request: Request, context: LoupeRequestContext) async throws -> Response {
        let spaces = (request.uri.queryParameters.get("embeddings") ?? "").split(separator: ",").map {
            $0.trimmingCharacters(in: .whitespaces)
        }.filter { !$0.isEmpty }
        let chunks = try await service.export(
            dataset: context.parameters.decoded("dataset"), filter: request.rowFilter(), spaces: spaces)
        return Response(
            status: .ok, headers: [.contentType: "application/x-ndjson"],
            body: ResponseBody(asyncSequence: chunks))
    }
}
