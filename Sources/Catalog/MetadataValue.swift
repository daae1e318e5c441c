import Foundation

/// The type of a metadata field.
public enum FieldType: String, Sendable, Hashable, Codable, CaseIterable {
    case string
    case number
    /// Stored as seconds since 1970; written and read as ISO 8601.
    case datetime
    /// A string from a declared list of allowed values.
    case enumeration = "enum"
}

/// A metadata field of a dataset: its name, type and, for enums, allowed values.
public struct FieldSchema: Sendable, Hashable, Codable {
    public var name: String
    public var type: FieldType
    /// For `.enumeration`: the allowed values (empty for other types).
    public var allowedValues: [String]

    public init(name: String, type: FieldType, allowedValues: [String] = []) {
        self.name = name
        self.type = type
        self.allowedValues = allowedValues
    }
}

/// A typed metadata value.
///
/// In JSON a value is written plainly: a string, a number, an ISO 8601 string for a datetime.
/// Decoding gives `.string` or `.number`; the catalog coerces a value to its field's type when
/// it is stored (`FieldSchema.coerce`).
public enum MetadataValue: Sendable, Hashable, Codable, CustomStringConvertible {
    case string(String)
    case number(Double)
    case datetime(Date)
    case enumeration(String)

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let number = try? container.decode(Double.self) {
            self = .number(number)
        } else if let bool = try? container.decode(Bool.self) {
            self = .number(bool ? 1 : 0)
        } else {
            self = .string(try container.decode(String.self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .string(let text), .enumeration(let text): try container.encode(text)
        case .number(let number): try container.encode(number)
        case .datetime(let date): try container.encode(MetadataValue.formatDate(date))
        }
    }

    /// The value as text (ISO 8601 for dates).
    public var description: String {
        switch self {
        case .string(let text), .enumeration(let text): text
        case .number(let number): number.rounded() == number && abs(number) < 1e15 ? String(Int64(number)) : String(number)
        case .datetime(let date): MetadataValue.formatDate(date)
        }
    }

    /// The value's type.
    public var type: FieldType {
        switch self {
        case .string: .string
        case .number: .number
        case .datetime: .datetime
        case .enumeration: .enumeration
        }
    }

    /// ISO 8601 with fractional seconds when there are any, in UTC.
    public static func formatDate(_ date: Date) -> String {
        let seconds = date.timeIntervalSince1970
        var style = Date.ISO8601FormatStyle(timeZone: .gmt)
        if seconds.rounded() != seconds { style = style.time(includingFractionalSeconds: true) }
        return date.formatted(style)
    }

    /// Parses an ISO 8601 date (`2024-03-01`, `2024-03-01T12:00:00Z`, with fractional seconds or
    /// an offset), or nil.
    public static func parseDate(_ text: some StringProtocol) -> Date? {
        let text = String(text)
        guard text.count >= 10, text.first?.isNumber == true else { return nil }
        if let date = try? Date(text, strategy: Date.ISO8601FormatStyle(timeZone: .gmt)) { return date }
        if let date = try? Date(text, strategy: Date.ISO8601FormatStyle(timeZone: .gmt).time(includingFractionalSeconds: true)) {
            return date
        }
        if text.count == 10, let date = try? Date(text, strategy: Date.ISO8601FormatStyle(timeZone: .gmt).year().month().day()) {
            return date
        }
        return nil
    }
}

extension FieldSchema {
    /// `value` as this field's type: a number for a number field, a date parsed from ISO 8601
    /// text (or seconds since 1970) for a datetime field, an allowed value for an enum.
    /// - Throws: `invalidArgument` naming the field when the value does not fit.
    public func coerce(_ value: MetadataValue) throws -> MetadataValue {
        switch (type, value) {
        case (.string, .string), (.number, .number), (.datetime, .datetime): return value
        case (.string, _): return .string(value.description)
        case (.number, .string(let text)):
            if let number = Double(text.trimmingCharacters(in: .whitespaces)), number.isFinite { return .number(number) }
        case (.datetime, .string(let text)), (.datetime, .enumeration(let text)):
            if let date = MetadataValue.parseDate(text) { return .datetime(date) }
        case (.datetime, .number(let seconds)): return .datetime(Date(timeIntervalSince1970: seconds))
        case (.enumeration, _):
            let text = value.description
            if allowedValues.isEmpty || allowedValues.contains(text) { return .enumeration(text) }
            throw CatalogError(.invalidArgument,
                               "field '\(name)' allows \(allowedValues.map { "'\($0)'" }.joined(separator: ", ")); got '\(text)'")
        default: break
        }
        throw CatalogError(.invalidArgument, "field '\(name)' holds \(type.rawValue) values; got \(value.type.rawValue) '\(value)'")
    }

    /// The type inferred for a field first seen with `value`: a number, an ISO 8601 date, or a string.
    static func inferredType(of value: MetadataValue) -> FieldType {
        if case .string(let text) = value, MetadataValue.parseDate(text) != nil { return .datetime }
        return value.type
    }
}
