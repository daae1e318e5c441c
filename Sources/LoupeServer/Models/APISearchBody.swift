import Catalog
import Foundation

/// The body of `POST /v1/datasets/{dataset}/spaces/{space}/search`. Exactly one kind of query:
/// anchor rows (`positive`, optionally `negative`), a raw `vector`, or `text`.
public struct APISearchBody: Codable, Sendable {
    /// Up to 20 anchor row ids (with `negative`) to search like.
    public var positive: [String]?
    /// Anchor row ids to search away from (only with `positive`).
    public var negative: [String]?
    /// How strongly the negatives push away (Rocchio; default 0.5).
    public var negativeWeight: Float?
    /// A query vector with the space's dimensions.
    public var vector: [Float]?
    /// Natural-language text, through the space's model.
    public var text: String?
    public var filter: APIRowFilter?
    /// Results per page, 1…1000 (default 10).
    public var k: Int?
    /// Results to skip; `offset + k` ≤ 10000.
    public var offset: Int?
    /// The previous page's `next_cursor` (overrides `offset`).
    public var cursor: String?
    /// Only results scoring at least this.
    public var minScore: Float?
    /// Only results at or above this percentile (0…100) of the collection's scores for the query.
    public var percentile: Double?
    /// HNSW's search breadth for this query.
    public var efSearch: Int?
    /// Whether each hit carries its row (default true).
    public var includeRows: Bool?

    public init(
        positive: [String]? = nil, negative: [String]? = nil, negativeWeight: Float? = nil, vector: [Float]? = nil,
        text: String? = nil, filter: APIRowFilter? = nil, k: Int? = nil, offset: Int? = nil, cursor: String? = nil,
        minScore: Float? = nil, percentile: Double? = nil, efSearch: Int? = nil, includeRows: Bool? = nil
    ) {
        self.positive = positive
        self.negative = negative
        self.negativeWeight = negativeWeight
        self.vector = vector
        self.text = text
        self.filter = filter
        self.k = k
        self.offset = offset
        self.cursor = cursor
        self.minScore = minScore
        self.percentile = percentile
        self.efSearch = efSearch
        self.includeRows = includeRows
    }

    /// A body's JSON, its `vector` array read by ``SearchBodyScanner`` (fast) and the rest by
    /// the API's decoder.
    /// - Throws: ``APIError`` 400 naming the field when the body does not decode.
    static func decode(_ json: [UInt8]) throws -> APISearchBody {
        let split = SearchBodyScanner.split(json)
        do {
            var body = try APIJSON.decoder.decode(APISearchBody.self, from: Data(split?.rest ?? json))
            if let vector = split?.vector { body.vector = vector }
            return body
        } catch let error as DecodingError {
            throw APIError.invalid(APIError.describe(error))
        }
    }

    /// The catalog's request, after the rules every search obeys: one query kind (counting an
    /// uploaded `image`), at most 20 anchors, finite values, `k`, `offset` and the threshold in
    /// range.
    /// - Throws: ``APIError`` 422 naming the broken rule.
    func request(dataset: String, space: String, image: [UInt8]?) throws -> SearchRequest {
        let positive = positive ?? []
        let negative = negative ?? []
        let kinds = [!positive.isEmpty, vector != nil, text != nil, image != nil].filter { $0 }.count
        guard kinds == 1 else {
            throw APIError.validation("Give exactly one query: 'positive' anchor rows, a 'vector', 'text' or an uploaded image (got \(kinds)).")
        }
        guard positive.count + negative.count <= SearchRequest.maximumAnchors else {
            throw APIError.validation("At most \(SearchRequest.maximumAnchors) anchors in all (got \(positive.count + negative.count)).")
        }
        guard negative.isEmpty || !positive.isEmpty else { throw APIError.validation("'negative' anchors need 'positive' ones.") }
        let query: SearchQuery
        if let vector {
            guard !vector.isEmpty else { throw APIError.validation("'vector' is empty.") }
            if let index = vector.firstIndex(where: { !$0.isFinite }) {
                throw APIError.validation("'vector'[\(index)] is not a finite number.")
            }
            query = .vector(vector)
        } else if let text {
            guard !text.allSatisfy(\.isWhitespace) else { throw APIError.validation("'text' is empty.") }
            query = .text(text)
        } else if let image {
            query = .image(image)
        } else {
            if let weight = negativeWeight, !weight.isFinite { throw APIError.validation("'negative_weight' is not finite.") }
            query = .anchors(positive: positive, negative: negative, negativeWeight: negativeWeight ?? 0.5)
        }
        let k = k ?? 10
        guard (1...SearchRequest.maximumK).contains(k) else { throw APIError.validation("'k' must be in 1…\(SearchRequest.maximumK), got \(k).") }
        let offset = offset ?? 0
        guard offset >= 0, offset + k <= SearchRequest.maximumDepth else {
            throw APIError.validation("'offset' must be at least 0 with offset + k ≤ \(SearchRequest.maximumDepth), got \(offset).")
        }
        guard minScore == nil || percentile == nil else { throw APIError.validation("Give 'min_score' or 'percentile', not both.") }
        var threshold: ScoreThreshold?
        if let minScore {
            guard minScore.isFinite else { throw APIError.validation("'min_score' is not a finite number.") }
            threshold = .score(minScore)
        }
        if let percentile {
            guard (0...100).contains(percentile) else { throw APIError.validation("'percentile' must be in 0…100, got \(percentile).") }
            threshold = .percentile(percentile)
        }
        if let efSearch, !(1...10_000).contains(efSearch) { throw APIError.validation("'ef_search' must be in 1…10000, got \(efSearch).") }
        return SearchRequest(
            dataset: dataset, space: space, query: query, k: k, offset: offset, cursor: cursor,
            filter: filter?.rowFilter ?? RowFilter(), threshold: threshold, efSearch: efSearch, includeRows: includeRows ?? true)
    }
}
