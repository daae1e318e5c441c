import Catalog
import Foundation
import Hummingbird
import NIOCore

/// Search (`POST /v1/datasets/{dataset}/spaces/{space}/search` with a JSON query, `…/search/image`
/// with an image body), inference (`POST /v1/infer`) and the model list (`GET /v1/models`); all
/// read-only, so `read` scope.
public struct SearchController<Service: SearchProvider>: Sendable {
    let service: Service

    public init(service: Service) { self.service = service }

    /// Adds the routes: `spaces` is mounted at `/v1/datasets/{dataset}/spaces`, `v1` at `/v1`,
    /// both requiring `read`.
    public func addRoutes(spaces: RouterGroup<LoupeRequestContext>, v1: RouterGroup<LoupeRequestContext>) {
        spaces.post(":space/search", use: search)
        spaces.post(":space/search/image", use: searchImage)
        v1.post("infer", use: infer)
        v1.get("models", use: models)
    }

    @Sendable func search(_ request: Request, context: LoupeRequestContext) async throws -> SearchResponse {
        _ = try request.requireMediaType(["application/json"])
        let bytes = try await request.streamedBody(context: context).collect(upTo: context.limits.jsonBody)
        let body = try APISearchBody.decode(Array(bytes.readableBytesView))
        return try await service.search(
            body.request(dataset: context.parameters.decoded("dataset"), space: context.parameters.decoded("space"), image: nil))
    }

    /// The raw image as the body; `k`, `offset`, `cursor`, `min_score`, `percentile` and the row
    /// filter as query parameters.
    @Sendable func searchImage(_ request: Request, context: LoupeRequestContext) async throws -> SearchResponse {
        _ = try request.requireMediaType(MediaTypes.images)
        let image = try await request.streamedBody(context: context).collect(upTo: context.limits.jsonBody)
        guard image.readableBytes > 0 else { throw APIError.validation("The image body is empty.") }
        let query = request.uri.queryParameters
        let body = APISearchBody(
            k: try request.integer("k", default: 10, in: Int.min...Int.max),
            offset: try request.integer("offset", default: 0, in: Int.min...Int.max),
            cursor: query.get("cursor").map { String($0) },
            minScore: try number(query.get("min_score"), "min_score").map { Float($0) },
            percentile: try number(query.get("percentile"), "percentile"))
        var search = try body.request(
            dataset: context.parameters.decoded("dataset"), space: context.parameters.decoded("space"),
            image: Array(image.readableBytesView))
        search.filter = try request.rowFilter()
        return try await service.search(search)
    }

    private func number(_ text: String?, _ name: String) throws -> Double? {
        guard let text else { return nil }
        guard let value = Double(text), value.isFinite else { throw APIError.invalid("'\(name)' must be a number, got '\(text)'.") }
        return value
    }

    /// `application/json` `{"text": …, "model": …}` gives the text's embedding; an image body
    /// with `?model=` gives the image's embedding and, from a classifier, its `top` classes.
    @Sendable func infer(_ request: Request, context: LoupeRequestContext) async throws -> APIInferResponse {
        let type = try request.requireMediaType(["application/json"] + MediaTypes.images)
        if type == "application/json" {
            let input = try await request.decodeJSON(APIInferRequest.self, context: context)
            guard !input.text.allSatisfy(\.isWhitespace) else { throw APIError.validation("'text' is empty.") }
            let vectors = try await service.embed(texts: [input.text], model: input.model)
            let embedding = vectors.first ?? []
            return APIInferResponse(model: input.model, dimensions: embedding.count, embedding: embedding, classes: nil)
        }
        guard let model = request.uri.queryParameters.get("model").map({ String($0) }) else {
            throw APIError.invalid("An image body needs ?model=NAME (GET /v1/models lists them).")
        }
        let top = try request.integer("top", default: 5, in: 1...1000)
        let image = try await request.streamedBody(context: context).collect(upTo: context.limits.jsonBody)
        guard image.readableBytes > 0 else { throw APIError.validation("The image body is empty.") }
        let bytes = Array(image.readableBytesView)
        let embedding = try await service.embed(images: [bytes], model: model).first ?? []
        var classes: [ClassScore]?
        do {
            classes = try await service.classify(images: [bytes], model: model, top: top).first
        } catch let error as CatalogError where error.code == .unsupported {
            classes = nil  // an embedding model that does not classify
        }
        return APIInferResponse(model: model, dimensions: embedding.count, embedding: embedding, classes: classes)
    }

    @Sendable func models(_ request: Request, context: LoupeRequestContext) async throws -> APIList<ModelDescriptor> {
        APIList(service.models)
    }
}
