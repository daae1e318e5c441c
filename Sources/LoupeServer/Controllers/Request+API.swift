import Catalog
import Foundation
import HTTPTypes
import Hummingbird

extension Request {
    /// The body's media type without parameters, lowercased (`application/json`), or `nil`.
    var mediaType: String? {
        guard let value = headers[.contentType] else { return nil }
        let base = value.split(separator: ";", maxSplits: 1).first.map(String.init) ?? value
        let trimmed = base.trimmingCharacters(in: .whitespaces).lowercased()
        return trimmed.isEmpty ? nil : trimmed
    }

    /// The body's media type if it is one of `accepted` (an entry `image/*` takes any image type).
    /// - Throws: ``APIError`` 415 naming what is accepted.
    func requireMediaType(_ accepted: [String]) throws -> String {
        if let type = mediaType {
            for candidate in accepted {
                if candidate == type { return type }
                if candidate.hasSuffix("/*"), type.hasPrefix(candidate.dropLast()) { return type }
            }
        }
        throw APIError.unsupportedMediaType(headers[.contentType], accepted: accepted)
    }

    /// The JSON body decoded as `type`, at most `context.limits.jsonBody` bytes.
    /// - Throws: ``APIError`` 415 if the body is not JSON, 413 if too large, 400 if it does not decode.
    func decodeJSON<T: Decodable>(_ type: T.Type, context: LoupeRequestContext) async throws -> T {
        _ = try requireMediaType(["application/json"])
        let buffer = try await ByteChunks(body, limit: context.limits.jsonBody).collect(upTo: context.limits.jsonBody)
        do {
            return try APIJSON.decoder.decode(T.self, from: buffer.data)
        } catch let error as DecodingError {
            throw APIError.invalid(APIError.describe(error))
        }
    }

    /// The streamed body, at most `context.limits.streamedBody` bytes.
    func streamedBody(context: LoupeRequestContext) -> ByteChunks {
        ByteChunks(body, limit: context.limits.streamedBody)
    }

    /// A query parameter as an integer in `range`, or `defaultValue` when absent.
    /// - Throws: ``APIError`` 400 if it is not an integer, 422 if outside `range`.
    func integer(_ name: String, default defaultValue: Int, in range: ClosedRange<Int>) throws -> Int {
        guard let text = uri.queryParameters.get(name) else { return defaultValue }
        guard let value = Int(text) else { throw APIError.invalid("Query parameter '\(name)' must be an integer, got '\(text)'.") }
        guard range.contains(value) else {
            throw APIError.validation("Query parameter '\(name)' must be in \(range.lowerBound)…\(range.upperBound), got \(value).")
        }
        return value
    }

    /// A boolean query parameter (`true`/`false`/`1`/`0`), or `defaultValue` when absent.
    func flag(_ name: String, default defaultValue: Bool) throws -> Bool {
        guard let text = uri.queryParameters.get(name) else { return defaultValue }
        switch text.lowercased() {
        case "true", "1", "yes": return true
        case "false", "0", "no": return false
        default: throw APIError.invalid("Query parameter '\(name)' must be true or false, got '\(text)'.")
        }
    }

    /// The row filter of a query string: `filter` (the JSON of an ``APIRowFilter``), plus any
    /// number of `label=` parameters (rows with any of them), `selection=` and `media_type=`.
    func rowFilter() throws -> RowFilter {
        var filter = APIRowFilter()
        if let json = uri.queryParameters.get("filter") {
            do {
                filter = try APIJSON.decoder.decode(APIRowFilter.self, from: Data(json.utf8))
            } catch let error as DecodingError {
                throw APIError.invalid("Query parameter 'filter' is not a row filter: \(APIError.describe(error))")
            }
        }
        let labels = uri.queryParameters.getAll("label").map { String($0) }
        if !labels.isEmpty { filter.labels = (filter.labels ?? []) + [APILabelCondition(anyOf: labels)] }
        if let selection = uri.queryParameters.get("selection") { filter.selectionId = String(selection) }
        if let text = uri.queryParameters.get("media_type") {
            guard let type = MediaType(rawValue: String(text)) else {
                throw APIError.invalid("Query parameter 'media_type' must be image or text, got '\(text)'.")
            }
            filter.mediaTypes = [type]
        }
        return filter.rowFilter
    }
}

/// Media types the routes read.
enum MediaTypes {
    /// Image bodies: the formats the encoders decode, or bytes of unknown type.
    static let images = ["image/jpeg", "image/png", "image/webp", "application/octet-stream"]
}

extension ByteBuffer {
    /// The readable bytes as `Data`.
    var data: Data {
        withUnsafeReadableBytes { Data($0) }
    }
}

extension Parameters {
    /// A path parameter, percent-decoded.
    /// - Throws: ``APIError`` 400 if its percent-encoding is broken.
    func decoded(_ name: String) throws -> String {
        let raw = try require(name)
        guard let value = raw.removingPercentEncoding else {
            throw APIError.invalid("Path parameter '\(name)' has broken percent-encoding: '\(raw)'.")
        }
        return value
    }
}

/// The API's JSON: snake_case keys (as the catalog's NDJSON and the CLI's `--json`), ISO 8601
/// dates. Dictionary keys (metadata fields) are left as they are.
enum APIJSON {
    /// The decoder for request bodies (one for every request: never change its settings).
    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }()

    /// The encoder for responses: keys snake_cased so that `rowIDs` reads `row_ids` (one for
    /// every request: never change its settings).
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .custom { path in SnakeKey(snakeCase(path.last?.stringValue ?? "")) }
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    /// `createdAt` → `created_at`, `rowIDs` → `row_ids`, `efConstruction` → `ef_construction`:
    /// an underscore before each capital that follows a lower-case letter or digit, all lower-cased.
    static func snakeCase(_ key: String) -> String {
        var out = ""
        var previous: Character?
        for character in key {
            if character.isUppercase, let before = previous, before.isLowercase || before.isNumber { out.append("_") }
            out.append(contentsOf: character.lowercased())
            previous = character
        }
        return out
    }

    private struct SnakeKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ string: String) { stringValue = string }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}

/// A list answer: `{"items": [...]}`.
public struct APIList<Item: Encodable & Sendable>: ResponseEncodable, Sendable {
    public var items: [Item]
    public init(_ items: [Item]) { self.items = items }
}
