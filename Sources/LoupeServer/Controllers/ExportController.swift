import Catalog
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// `GET /v1/datasets/{dataset}/export` (read): the rows as streamed NDJSON — one row a line with
/// metadata, labels and metrics — filtered like a row list, with the vectors of the spaces named
/// in `embeddings=` (comma list of ids or names). Rows are read from the store as the client
/// takes the lines.
public struct ExportController<Service: ExportProvider & DatasetRepository>: Sendable {
    let service: Service

    public init(service: Service) { self.service = service }

    /// Adds the route to `group` (mounted at `/v1/datasets`, requiring `read`).
    public func addRoutes(to group: RouterGroup<LoupeRequestContext>) {
        group.get(":dataset/export", use: export)
    }

    @Sendable func export(_ request: Request, context: LoupeRequestContext) async throws -> Response {
        let dataset = try context.parameters.decoded("dataset")
        let spaces = (request.uri.queryParameters.get("embeddings") ?? "").split(separator: ",").map {
            $0.trimmingCharacters(in: .whitespaces)
        }.filter { !$0.isEmpty }
        let options = ExportOptions(
            filter: try request.rowFilter(), spaces: spaces, includeMetrics: try request.flag("metrics", default: true),
            includeLabels: try request.flag("labels", default: true))
        _ = try await service.dataset(dataset)  // 404 as a status, not a broken stream
        let chunks = ExportChunks(service.exportStream(dataset, options: options, batchSize: 512))
        // The first chunk before the status: a bad space or selection is still a JSON error.
        let first = try await chunks.next()
        return Response(
            status: .ok, headers: [.contentType: "application/x-ndjson"],
            body: ResponseBody(asyncSequence: ByteChunks { { [first] in try await chunks.next(after: first) } }))
    }
}

/// The export's chunks as byte buffers, read by one task at a time: the route reads the first,
/// then the response writer reads the rest.
final class ExportChunks: @unchecked Sendable {
    // @unchecked: `iterator` and `handedFirst` are used by one task at a time (the route, then
    // the response writer, one after the other).
    private var iterator: AsyncThrowingStream<Data, any Error>.AsyncIterator
    private var handedFirst = false

    init(_ stream: AsyncThrowingStream<Data, any Error>) { iterator = stream.makeAsyncIterator() }

    func next() async throws -> ByteBuffer? {
        try await iterator.next().map { ByteBuffer(bytes: $0) }
    }

    /// `first` once, then the following chunks.
    func next(after first: ByteBuffer?) async throws -> ByteBuffer? {
        if !handedFirst {
            handedFirst = true
            return first
        }
        return try await next()
    }
}
