import Foundation

/// The body of `POST /v1/spaces/{space}/search`. Exactly one kind of query: anchor rows
/// (`positive`, optionally `negative`), a raw `vector`, or `text`.
public struct APISearchRequest: Codable, Sendable {
    /// Up to 20 row ids to search like.
    public var positive: [String]?
    /// Up to 20 row ids to search away from (only with `positive`).
    public var negative: [String]?
    /// A query vector with the space's dimensions.
    public var vector: [Float]?
    /// Natural-language text, through the space's text encoder.
    public var text: String?
    public var filter: APIRowFilter?
    /// Results per page, 1…1000 (default 10).
    public var k: Int?
    /// Results to skip (pagination), 0…10000.
    public var offset: Int?
    /// Only results scoring at least this.
    public var minScore: Float?
    /// Only results at or above this percentile (0…100) of the collection's scores for this query.
    public var percentile: Double?
    /// Whether each hit carries its row (default true).
    public var includeRows: Bool?

    public init(
        positive: [String]? = nil, negative: [String]? = nil, vector: [Float]? = nil, text: String? = nil,
        filter: APIRowFilter? = nil, k: Int? = nil, offset: Int? = nil, minScore: Float? = nil, percentile: Double? = nil,
        includeRows: Bool? = nil
    ) {
        self.positive = positive
        self.negative = negative
        self.vector = vector
        self.text = text
        self.filter = filter
        self.k = k
        self.offset = offset
        self.minScore = minScore
        self.percentile = percentile
        self.includeRows = includeRows
    }
}

/// A search answer. `exact` says whether every candidate was scored (a brute-force scan, e.g.
/// under a narrow filter) or an approximate index was walked; `candidatesScored` how many vectors
/// were compared.
public struct APISearchResponse: Codable, Sendable, Equatable {
    public var hits: [APIHit]
    public var exact: Bool
    public var candidatesScored: Int
    public var k: Int
    public var offset: Int
    /// The `offset` of the next page, or `nil` when no more results pass the threshold.
    public var nextOffset: Int?
    /// The score threshold applied (from `minScore` or `percentile`), if any.
    public var threshold: Float?

    public init(
        hits: [APIHit], exact: Bool, candidatesScored: Int, k: Int, offset: Int, nextOffset: Int?, threshold: Float?
    ) {
        self.hits = hits
        self.exact = exact
        self.candidatesScored = candidatesScored
        self.k = k
        self.offset = offset
        self.nextOffset = nextOffset
        self.threshold = threshold
    }
}

/// One search result: higher `score` is more similar; `distance` is the metric's raw distance.
public struct APIHit: Codable, Sendable, Equatable {
    public var id: String
    public var score: Float
    public var distance: Float
    public var row: APIRow?

    public init(id: String, score: Float, distance: Float, row: APIRow?) {
        self.id = id
        self.score = score
        self.distance = distance
        self.row = row
    }
}

/// The JSON body of `POST /v1/infer` (an image is sent as the raw body instead).
public struct APIInferRequest: Codable, Sendable {
    public var text: String
    /// The model; the default text model if missing.
    public var model: String?

    public init(text: String, model: String? = nil) {
        self.text = text
        self.model = model
    }
}

/// What `POST /v1/infer` answers: the embedding, and for image classifiers the top classes.
public struct APIInferResponse: Codable, Sendable, Equatable {
    public var model: String
    public var dims: Int
    public var embedding: [Float]
    public var classes: [APILabel]?

    public init(model: String, dims: Int, embedding: [Float], classes: [APILabel]?) {
        self.model = model
        self.dims = dims
        self.embedding = embedding
        self.classes = classes
    }
}
