/// What to search with.
public enum SearchQuery: Sendable, Hashable {
    /// Rows like the positive anchors and unlike the negative ones (up to
    /// `SearchRequest.maximumAnchors` in all). The query vector is Rocchio's (Rocchio 1971):
    /// q = mean(positives) − `negativeWeight` · mean(negatives), with each anchor L2-normalised
    /// first under cosine. Anchors are left out of the results.
    case anchors(positive: [String], negative: [String], negativeWeight: Float)
    /// A raw vector of the space's dimensions.
    case vector([Float])
    /// Natural-language text, embedded by the space's model.
    case text(String)
    /// An image (encoded bytes: JPEG, PNG, …), embedded by the space's model.
    case image([UInt8])

    /// Anchors with the default negative weight, 0.5.
    public static func anchors(positive: [String], negative: [String] = []) -> SearchQuery {
        .anchors(positive: positive, negative: negative, negativeWeight: 0.5)
    }
}

/// Which results come back.
public enum ScoreThreshold: Sendable, Hashable {
    /// Only results scoring at least this.
    case score(Float)
    /// Only results scoring at least the p-th percentile (0...100) of the scores of the space's
    /// vectors to the query. Estimated from a seeded uniform sample of up to
    /// `SearchRequest.percentileSampleSize` vectors; with n sampled the quantile's rank error is
    /// about √(p(1 − p)/n) (±0.2 percentile points near p = 99 for n = 2048).
    case percentile(Double)
}

/// A similarity search in one embedding space.
public struct SearchRequest: Sendable, Hashable, Codable {
    /// Dataset id or name.
    public var dataset: String
    /// Space id or name (in the dataset).
    public var space: String
    public var query: SearchQuery
    /// Results per page (1...`maximumK`).
    public var k: Int
    /// Results to skip (from `offset` or the `cursor` of the previous page).
    public var offset: Int
    /// A `nextCursor` from a previous response; overrides `offset`.
    public var cursor: String?
    public var filter: RowFilter
    public var threshold: ScoreThreshold?
    /// HNSW's search breadth (nil: the space's default, at least k + offset).
    public var efSearch: Int?
    /// Also return each result's row (metadata, labels).
    public var includeRows: Bool

    public init(dataset: String, space: String, query: SearchQuery, k: Int = 10, offset: Int = 0, cursor: String? = nil,
                filter: RowFilter = RowFilter(), threshold: ScoreThreshold? = nil, efSearch: Int? = nil,
                includeRows: Bool = false) {
        self.dataset = dataset
        self.space = space
        self.query = query
        self.k = k
        self.offset = offset
        self.cursor = cursor
        self.filter = filter
        self.threshold = threshold
        self.efSearch = efSearch
        self.includeRows = includeRows
    }

    /// At most this many anchors (positive and negative together).
    public static let maximumAnchors = 20
    /// At most this many results per page.
    public static let maximumK = 1000
    /// offset + k may not pass this.
    public static let maximumDepth = 10_000
    /// Vectors scored to estimate a percentile threshold.
    public static let percentileSampleSize = 2048
}

/// One search hit.
public struct SearchHit: Sendable, Hashable, Codable {
    public var rowID: String
    /// Higher is more similar (cosine similarity, inner product, or −L2 distance).
    public var score: Float
    /// The metric's raw distance.
    public var distance: Float
    /// The row, when the request asked for it.
    public var row: DataRow?

    // Keys spelled "Id" so that snake_case coding strategies round-trip them (row_id ↔ rowId).
    enum CodingKeys: String, CodingKey {
        case score, distance, row
        case rowID = "rowId"
    }

    public init(rowID: String, score: Float, distance: Float, row: DataRow? = nil) {
        self.rowID = rowID
        self.score = score
        self.distance = distance
        self.row = row
    }
}

/// The answer to a search, with how it was found (DESIGN.md: search never comes back silently
/// short).
public struct SearchResponse: Sendable, Hashable, Codable {
    public var hits: [SearchHit]
    /// True when every candidate that could match was scored.
    public var isExact: Bool
    /// Vectors scored to answer.
    public var candidatesScored: Int
    /// Rows the filter allowed (nil without a filter).
    public var filteredCount: Int?
    /// The score threshold applied (the estimate, for a percentile threshold).
    public var scoreThreshold: Float?
    /// Pass back as `cursor` for the next page; nil when no result follows this page.
    public var nextCursor: String?
    /// The index that answered: `flat` or `hnsw`.
    public var index: String

    public init(hits: [SearchHit], isExact: Bool, candidatesScored: Int, filteredCount: Int?, scoreThreshold: Float?,
                nextCursor: String?, index: String) {
        self.hits = hits
        self.isExact = isExact
        self.candidatesScored = candidatesScored
        self.filteredCount = filteredCount
        self.scoreThreshold = scoreThreshold
        self.nextCursor = nextCursor
        self.index = index
    }
}
