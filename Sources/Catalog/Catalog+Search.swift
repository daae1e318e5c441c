import Foundation
import VectorIndex
import VectorMath

extension Catalog {
    /// Searches one embedding space.
    ///
    /// The query is an anchor set (Rocchio: mean of positives − weight · mean of negatives; the
    /// anchors are left out of the results), a raw vector, a text or an image (both through the
    /// space's model). The filter is compiled to the set of row slots it allows; the index then
    /// scans those rows exactly when they are few, and otherwise walks its graph, falling back
    /// to an exact scan if the graph cannot reach k matches — the response says which
    /// (`isExact`, `candidatesScored`). Pages go by `offset` or by the previous page's
    /// `nextCursor`; `threshold` cuts results below a score or a percentile of the collection.
    /// - Throws: `invalidArgument` (k, offset, anchors), `limitExceeded` (more than 20 anchors,
    ///   offset + k past 10,000), `notFound` (dataset, space, anchor rows, model), `unsupported`
    ///   (a text or image query to a space without a model that takes it), `dimensionMismatch`
    ///   (a vector of the wrong length), `invalidVector` (NaN, or an anchor without a vector).
    public func search(_ request: SearchRequest) async throws -> SearchResponse {
        let space = try await resolvedSpaces.space(request.space, in: request.dataset, store: store)
        return try await SearchService(catalog: self, space: space).run(request)
    }

    /// The vector a query stands for in a space (embedding text or an image through the space's
    /// model, averaging anchors), normalised under cosine; and the anchor slots to leave out.
    public func queryVector(_ query: SearchQuery, space: String, in dataset: String) async throws -> [Float] {
        let space = try await self.space(space, in: dataset)
        return try await SearchService(catalog: self, space: space).vector(for: query).vector
    }
}
