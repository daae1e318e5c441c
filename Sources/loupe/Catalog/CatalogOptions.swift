import ArgumentParser
import Catalog
import Foundation

/// Options every catalog command takes: where the data lives, and whether to print JSON.
struct CatalogOptions: ParsableArguments {
    @Option(help: "The data directory (created if missing).")
    var dataDir = CatalogConfiguration.defaultDataDirectory

    @Flag(help: "Print machine-readable JSON on standard output.")
    var json = false

    /// Opens the catalog without resuming background jobs (a CLI command does one thing).
    func open(runsJobs: Bool = false) async throws -> Catalog {
        try await Catalog.open(CatalogConfiguration(dataDirectory: dataDir, models: CLIModels.registry(), runsJobs: runsJobs))
    }

    /// Prints `value` as JSON, or `text()` for people.
    func output<T: Encodable>(_ value: T, text: () -> String) throws {
        if json {
            print(String(decoding: try CLIJSON.encoder.encode(value), as: UTF8.self))
        } else {
            print(text())
        }
    }
}

/// The models the CLI's catalog can use: the built-in ones, from the model store.
enum CLIModels {
    static func registry() -> ModelRegistry { BuiltInModels.registry() }
}

/// JSON as the CLI prints it: snake_case keys in a stable order, ISO 8601 dates.
enum CLIJSON {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()
}

/// A progress bar on standard error, drawn only when standard error is a terminal.
final class ProgressBar: Sendable {
    let label: String
    let enabled: Bool

    init(_ label: String, enabled: Bool = isatty(2) != 0) {
        self.label = label
        self.enabled = enabled
    }

    /// The handler to pass to an import.
    var handler: ProgressHandler? {
        guard enabled else { return nil }
        let label = label
        return { progress in
            let width = 30
            var line = "\r\(label) "
            if let total = progress.total, total > 0 {
                let fraction = min(1, Double(progress.done) / Double(total))
                let filled = Int(fraction * Double(width))
                line += "[" + String(repeating: "#", count: filled) + String(repeating: " ", count: width - filled) + "] "
                line += String(format: "%3.0f%% ", fraction * 100)
            }
            line += "stored \(progress.stored)" + (progress.rejected > 0 ? ", rejected \(progress.rejected)" : "")
            FileHandle.standardError.write(Data(line.utf8))
        }
    }

    /// Ends the bar's line.
    func finish() {
        if enabled { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}

extension CatalogError {
    /// Exit codes for scripts: 2 bad input, 3 not found, 4 conflict, 1 anything else.
    var exitCode: Int32 {
        switch code {
        case .invalidArgument, .dimensionMismatch, .invalidVector, .limitExceeded, .corruptData, .unsupported: 2
        case .notFound: 3
        case .conflict: 4
        default: 1
        }
    }
}

/// Runs a command body, turning a `CatalogError` into a message on standard error and an exit
/// code instead of a stack of Swift error text.
func reportingCatalogErrors(_ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch let error as CatalogError {
        FileHandle.standardError.write(Data("error: \(error.message)\n".utf8))
        throw ExitCode(error.exitCode)
    }
}

/// Parses `--where` conditions: `field=value`, `field!=value` (as not in), `field>=x`,
/// `field<=x`, `field>x`/`field<x` (taken as inclusive bounds), `field~a|b|c` (in).
enum FilterSyntax {
    static func filter(where conditions: [String], labels: [String], metrics: [String], mediaType: String?) throws -> RowFilter {
        var filter = RowFilter()
        for text in conditions { filter.metadata.append(try metadata(text)) }
        if !labels.isEmpty { filter.labels.append(LabelCondition(anyOf: labels)) }
        for text in metrics {
            let (name, op, value) = try split(text)
            guard let number = Double(value) else { throw ValidationError("metric condition '\(text)' needs a number") }
            switch op {
            case ">=", ">": filter.metrics.append(MetricCondition(name: name, minimum: number))
            case "<=", "<": filter.metrics.append(MetricCondition(name: name, maximum: number))
            case "=": filter.metrics.append(MetricCondition(name: name, minimum: number, maximum: number))
            default: throw ValidationError("metric condition '\(text)' takes =, >=, <=")
            }
        }
        if let mediaType {
            guard let type = MediaType(rawValue: mediaType) else { throw ValidationError("media type must be image or text") }
            filter.mediaTypes = [type]
        }
        return filter
    }

    private static func value(_ text: String) -> MetadataValue {
        Double(text).map(MetadataValue.number) ?? .string(text)
    }

    private static func metadata(_ text: String) throws -> MetadataCondition {
        let (field, op, value) = try split(text)
        switch op {
        case "=": return MetadataCondition(field: field, .equals(Self.value(value)))
        case "~": return MetadataCondition(field: field, .isIn(value.split(separator: "|").map { Self.value(String($0)) }))
        case ">=", ">": return MetadataCondition(field: field, .range(minimum: Self.value(value), maximum: nil))
        case "<=", "<": return MetadataCondition(field: field, .range(minimum: nil, maximum: Self.value(value)))
        default: throw ValidationError("condition '\(text)' takes =, ~, >=, <=")
        }
    }

    private static func split(_ text: String) throws -> (String, String, String) {
        for op in [">=", "<=", "=", "~", ">", "<"] {
            if let range = text.range(of: op) {
                let name = String(text[..<range.lowerBound]).trimmingCharacters(in: .whitespaces)
                guard !name.isEmpty else { break }
                return (name, op, String(text[range.upperBound...]).trimmingCharacters(in: .whitespaces))
            }
        }
        throw ValidationError("cannot read condition '\(text)'; write field=value, field>=x, field<=x or field~a|b")
    }
}
