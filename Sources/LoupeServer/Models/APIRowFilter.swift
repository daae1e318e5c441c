import Foundation

/// Which rows a list, search, export or slice covers. Every part that is set must hold.
public struct APIRowFilter: Codable, Sendable, Equatable {
    /// Rows carrying at least one of these class names.
    public var labels: [String]?
    /// Metadata field conditions, all of which must hold.
    public var metadata: [String: APIFieldCondition]?
    /// Metric ranges, all of which must hold.
    public var metrics: [String: APIRange]?
    /// Only rows of this saved selection.
    public var selection: String?

    public init(
        labels: [String]? = nil, metadata: [String: APIFieldCondition]? = nil, metrics: [String: APIRange]? = nil,
        selection: String? = nil
    ) {
        self.labels = labels
        self.metadata = metadata
        self.metrics = metrics
        self.selection = selection
    }

    /// Whether nothing is filtered.
    public var isEmpty: Bool {
        (labels ?? []).isEmpty && (metadata ?? [:]).isEmpty && (metrics ?? [:]).isEmpty && selection == nil
    }
}

/// A condition on one metadata field: equal to a value, one of several values, or in a range.
public struct APIFieldCondition: Codable, Sendable, Equatable {
    public var equals: JSONValue?
    public var oneOf: [JSONValue]?
    public var range: APIRange?

    public init(equals: JSONValue? = nil, oneOf: [JSONValue]? = nil, range: APIRange? = nil) {
        self.equals = equals
        self.oneOf = oneOf
        self.range = range
    }
}

/// A closed numeric range; either end may be open.
public struct APIRange: Codable, Sendable, Equatable {
    public var min: Double?
    public var max: Double?

    public init(min: Double? = nil, max: Double? = nil) {
        self.min = min
        self.max = max
    }
}
