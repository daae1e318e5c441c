import Foundation

// JSON forms of the domain's enums with associated values, flat and tagged by a "type" key, so
// that HTTP bodies, saved slices and `--json` output read naturally. Keys are camelCase like the
// synthesized ones, so a coder's `convertToSnakeCase`/`convertFromSnakeCase` strategy turns all
// of them into snake_case alike (`negative_weight`).
//   SpaceKind        {"type": "custom"} · {"type": "model", "model": "minilm-l6-v2"}
//   Test             {"type": "equals", "value": …} · {"type": "in", "values": […]}
//                    {"type": "range", "min": …, "max": …} · {"type": "exists", "exists": true}
//   RowOrder.Key     {"type": "insertion"} · {"type": "metric", "name": "loss", "class": "cat"}
//   SearchQuery      {"type": "anchors", "positive": […], "negative": […], "negativeWeight": 0.5}
//                    {"type": "vector", "vector": […]} · {"type": "text", "text": "…"}
//                    {"type": "image", "image": "<base64>"}
//   ScoreThreshold   {"type": "score", "value": 0.5} · {"type": "percentile", "value": 99}

/// The keys of the tagged forms.
private struct TagKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
    init(_ name: String) { stringValue = name }
}

private extension KeyedDecodingContainer where K == TagKey {
    func tag() throws -> String { try decode(String.self, forKey: TagKey("type")) }

    func unknown(_ tag: String, of what: String) -> DecodingError {
        DecodingError.dataCorruptedError(forKey: TagKey("type"), in: self, debugDescription: "unknown \(what) type '\(tag)'")
    }
}

extension SpaceKind: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: TagKey.self)
        switch try container.tag() {
        case "custom": self = .custom
        case "model": self = .model(try container.decode(String.self, forKey: TagKey("model")))
        case let tag: throw container.unknown(tag, of: "space kind")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: TagKey.self)
        switch self {
        case .custom: try container.encode("custom", forKey: TagKey("type"))
        case .model(let name):
            try container.encode("model", forKey: TagKey("type"))
            try container.encode(name, forKey: TagKey("model"))
        }
    }
}

extension MetadataCondition.Test: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: TagKey.self)
        switch try container.tag() {
        case "equals": self = .equals(try container.decode(MetadataValue.self, forKey: TagKey("value")))
        case "in": self = .isIn(try container.decode([MetadataValue].self, forKey: TagKey("values")))
        case "range": self = .range(minimum: try container.decodeIfPresent(MetadataValue.self, forKey: TagKey("min")),
                                    maximum: try container.decodeIfPresent(MetadataValue.self, forKey: TagKey("max")))
        case "exists": self = .exists(try container.decodeIfPresent(Bool.self, forKey: TagKey("exists")) ?? true)
        case let tag: throw container.unknown(tag, of: "metadata test")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: TagKey.self)
        switch self {
        case .equals(let value):
            try container.encode("equals", forKey: TagKey("type"))
            try container.encode(value, forKey: TagKey("value"))
        case .isIn(let values):
            try container.encode("in", forKey: TagKey("type"))
            try container.encode(values, forKey: TagKey("values"))
        case .range(let minimum, let maximum):
            try container.encode("range", forKey: TagKey("type"))
            try container.encodeIfPresent(minimum, forKey: TagKey("min"))
            try container.encodeIfPresent(maximum, forKey: TagKey("max"))
        case .exists(let present):
            try container.encode("exists", forKey: TagKey("type"))
            try container.encode(present, forKey: TagKey("exists"))
        }
    }
}

extension RowOrder.Key: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: TagKey.self)
        switch try container.tag() {
        case "insertion": self = .insertion
        case "metric": self = .metric(name: try container.decode(String.self, forKey: TagKey("name")),
                                      className: try container.decodeIfPresent(String.self, forKey: TagKey("class")))
        case let tag: throw container.unknown(tag, of: "row order")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: TagKey.self)
        switch self {
        case .insertion: try container.encode("insertion", forKey: TagKey("type"))
        case .metric(let name, let className):
            try container.encode("metric", forKey: TagKey("type"))
            try container.encode(name, forKey: TagKey("name"))
            try container.encodeIfPresent(className, forKey: TagKey("class"))
        }
    }
}

extension SearchQuery: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: TagKey.self)
        switch try container.tag() {
        case "anchors":
            self = .anchors(positive: try container.decode([String].self, forKey: TagKey("positive")),
                            negative: try container.decodeIfPresent([String].self, forKey: TagKey("negative")) ?? [],
                            negativeWeight: try container.decodeIfPresent(Float.self, forKey: TagKey("negativeWeight")) ?? 0.5)
        case "vector": self = .vector(try container.decode([Float].self, forKey: TagKey("vector")))
        case "text": self = .text(try container.decode(String.self, forKey: TagKey("text")))
        case "image":
            let text = try container.decode(String.self, forKey: TagKey("image"))
            guard let data = Data(base64Encoded: text) else {
                throw DecodingError.dataCorruptedError(forKey: TagKey("image"), in: container, debugDescription: "the image is not base64")
            }
            self = .image([UInt8](data))
        case let tag: throw container.unknown(tag, of: "query")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: TagKey.self)
        switch self {
        case .anchors(let positive, let negative, let weight):
            try container.encode("anchors", forKey: TagKey("type"))
            try container.encode(positive, forKey: TagKey("positive"))
            try container.encode(negative, forKey: TagKey("negative"))
            try container.encode(weight, forKey: TagKey("negativeWeight"))
        case .vector(let vector):
            try container.encode("vector", forKey: TagKey("type"))
            try container.encode(vector, forKey: TagKey("vector"))
        case .text(let text):
            try container.encode("text", forKey: TagKey("type"))
            try container.encode(text, forKey: TagKey("text"))
        case .image(let bytes):
            try container.encode("image", forKey: TagKey("type"))
            try container.encode(Data(bytes).base64EncodedString(), forKey: TagKey("image"))
        }
    }
}

extension ScoreThreshold: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: TagKey.self)
        switch try container.tag() {
        case "score": self = .score(try container.decode(Float.self, forKey: TagKey("value")))
        case "percentile": self = .percentile(try container.decode(Double.self, forKey: TagKey("value")))
        case let tag: throw container.unknown(tag, of: "threshold")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: TagKey.self)
        switch self {
        case .score(let value):
            try container.encode("score", forKey: TagKey("type"))
            try container.encode(value, forKey: TagKey("value"))
        case .percentile(let value):
            try container.encode("percentile", forKey: TagKey("type"))
            try container.encode(value, forKey: TagKey("value"))
        }
    }
}
