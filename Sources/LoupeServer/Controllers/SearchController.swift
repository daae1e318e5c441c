import Foundation
import Hummingbird
import NIOCore

/// Search (`POST /v1/spaces/{space}/search`, `POST /v1/spaces/{space}/search/image`) and
/// inference (`POST /v1/infer`); all read-only, so `read` scope.
public struct SearchController<Service: SearchService>: Sendable {
    let service: Service

    public init(service: Service) { self.service = service }

    /// Adds the routes to the `/v1` group (already requiring `read`).
    public func addRoutes(to v1: RouterGroup<LoupeRequestContext>) {
        v1.post("spaces/:space/search", use: search)
        v1.post("spaces/:space/search/image", use: searchImage)
        v1.post("infer", use: infer)
    }

    @Sendable func search(_ request: Request, context: LoupeRequestContext) async throws -> APISearchResponse {
        let query = try await request.decodeJSON(APISearchRequest.self, context: context)
        try Self.validate(query, hasImage: false)
        return try await service.search(space: context.parameters.decoded("space"), request: query, image: nil)
    }

    /// The raw image as the body; `k`, `offset`, `minScore`, `percentile` and the row filter as
    /// query parameters.
    @Sendable func searchImage(_ request: Request, context: LoupeRequestContext) async throws -> APISearchResponse {
        _ = try request.requireMediaType(MediaTypes.images)
        let image = try await request.streamedBody(context: context).collect(upTo: context.limits.jsonBody)
        guard image.readableBytes > 0 else { throw APIError.validation("The image body is empty.") }
        var query = APISearchRequest(filter: try request.rowFilter())
        query.k = try request.integer("k", default: 10, in: 1...1000)
        query.offset = try request.integer("offset", default: 0, in: 0...10_000)
        if let text = request.uri.queryParameters.get("minScore") {
            guard let value = Float(text), value.isFinite else { throw APIError.invalid("minScore must be a number, got '\(text)'.") }
            query.minScore = value
        }
        if let text = request.uri.queryParameters.get("percentile") {
            guard let value = Double(text), value.isFinite else { throw APIError.invalid("percentile must be a number, got '\(text)'.") }
            query.percentile = value
        }
        try Self.validate(query, hasImage: true)
        return try await service.search(
            space: context.parameters.decoded("space"), request: query, image: image.data)
    }

    /// `application/json` `{"text": ..., "model": ...}`, or an image body with `?model=`.
    @Sendable func infer(_ request: Request, context: LoupeRequestContext) async throws -> APIInferResponse {
        let type = try request.requireMediaType(["application/json"] + MediaTypes.images)
        if type == "application/json" {
            let input = try await request.decodeJSON(APIInferRequest.self, context: context)
            guard !input.text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                throw APIError.validation("'text' is empty.")
            }
            return try await service.infer(text: input.text, model: input.model)
        }
        let image = try await request.streamedBody(context: context).collect(upTo: context.limits.jsonBody)
        guard image.readableBytes > 0 else { throw APIError.validation("The image body is empty.") }
        return try await service.infer(image: image.data, model: request.uri.queryParameters.get("model").map { String($0) })
    }

    /// The rules every search obeys whatever serves it: one query kind, at most 20 anchors each
    /// way, finite vector values, `k` and `offset` in range, one threshold kind in range.
    static func validate(_ query: APISearchRequest, hasImage: Bool) throws {
        let positive = query.positive ?? []
        let negative = query.negative ?? []
        let kinds = [!positive.isEmpty, query.vector != nil, query.text != nil, hasImage].filter { $0 }.count
        guard kinds == 1 else {
            throw APIError.validation("Give exactly one query: 'positive' anchor rows, a 'vector', 'text' or an uploaded image (got \(kinds)).")
        }
        guard positive.count <= 20, negative.count <= 20 else {
            throw APIError.validation("At most 20 positive and 20 negative anchors (got \(positive.count) and \(negative.count)).")
        }
        guard negative.isEmpty || !positive.isEmpty else { throw APIError.validation("'negative' anchors need 'positive' ones.") }
        if let vector = query.vector {
            guard !vector.isEmpty else { throw APIError.validation("'vector' is empty.") }
            if let index = vector.firstIndex(where: { !$0.isFinite }) {
                throw APIError.validation("'vector'[\(index)] is not a finite number.")
            }
        }
        if let text = query.text, text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            throw APIError.validation("'text' is empty.")
        }
        if let k = query.k, !(1...1000).contains(k) { throw APIError.validation("'k' must be in 1…1000, got \(k).") }
        if let offset = query.offset, !(0...10_000).contains(offset) {
            throw APIError.validation("'offset' must be in 0…10000, got \(offset).")
        }
        guard query.minScore == nil || query.percentile == nil else {
            throw APIError.validation("Give 'minScore' or 'percentile', not both.")
        }
        if let minScore = query.minScore, !minScore.isFinite { throw APIError.validation("'minScore' is not a finite number.") }
        if let percentile = query.percentile, !(0...100).contains(percentile) {
            throw APIError.validation("'percentile' must be in 0…100, got \(percentile).")
        }
    }
}
