import Catalog
import Foundation

/// The rows of a dataset as the map and smart select need them, read in one pass through the
/// catalog's NDJSON export (``ExportProvider``): ids, first ground-truth label, metadata, metrics
/// and, when a space is named, each row's vector in it (rows without one are left out then).
///
/// This goes through the export so that it works on any ``CatalogService``; a direct vector scan
/// in the catalog can replace ``RowSnapshot/read(from:dataset:space:filter:)`` later.
struct RowSnapshot: Sendable {
    var ids: [String] = []
    var mediaTypes: [String] = []
    /// The first ground-truth label (or the first label) of each row.
    var labels: [String?] = []
    var metadata: [[String: JSONValue]] = []
    var metrics: [[String: Double]] = []
    /// Row-major, `ids.count × dimensions`; empty when no space was asked for.
    var vectors: [Float] = []
    var dimensions = 0

    var count: Int { ids.count }

    /// One line of the export. Accepts the catalog's keys (`media_type`, metrics as a list of
    /// `{name, class?, value}`) and the API row's (`mediaType`, metrics as an object).
    private struct Line: Decodable {
        struct Label: Decodable {
            var `class`: String
            var kind: String?
            var confidence: Double?
        }
        struct Metric: Decodable {
            var name: String
            var `class`: String?
            var value: Double
        }
        enum Key: String, CodingKey {
            case id, media_type, mediaType, metadata, labels, metrics, embeddings
        }
        var id: String
        var mediaType: String?
        var metadata: [String: JSONValue]
        var labels: [Label]
        var metrics: [String: Double]
        var embeddings: [String: [Float]?]

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: Key.self)
            id = try container.decode(String.self, forKey: .id)
            mediaType = try container.decodeIfPresent(String.self, forKey: .media_type)
                ?? container.decodeIfPresent(String.self, forKey: .mediaType)
            metadata = try container.decodeIfPresent([String: JSONValue].self, forKey: .metadata) ?? [:]
            labels = try container.decodeIfPresent([Label].self, forKey: .labels) ?? []
            if let list = try? container.decodeIfPresent([Metric].self, forKey: .metrics) {
                metrics = Dictionary(list.filter { $0.class == nil }.map { ($0.name, $0.value) }, uniquingKeysWith: { _, last in last })
            } else {
                metrics = try container.decodeIfPresent([String: Double].self, forKey: .metrics) ?? [:]
            }
            embeddings = try container.decodeIfPresent([String: [Float]?].self, forKey: .embeddings) ?? [:]
        }
    }

    /// Reads the rows of `dataset` passing `filter`, with their vectors in `space` if given.
    /// - Throws: what the export throws; ``APIError`` 500 naming the line when the export's
    ///   output does not decode or a vector has the wrong length.
    static func read(from service: some ExportProvider, dataset: String, space: EmbeddingSpace?, filter: RowFilter) async throws -> RowSnapshot {
        var snapshot = RowSnapshot()
        snapshot.dimensions = space?.dimensions ?? 0
        let chunks = service.exportStream(dataset, options: ExportOptions(filter: filter, spaces: space.map { [$0.id] } ?? []), batchSize: 1024)
        let decoder = JSONDecoder()
        var pending = [UInt8]()
        var lineNumber = 0
        func consume(_ bytes: ArraySlice<UInt8>) throws {
            lineNumber += 1
            guard bytes.contains(where: { $0 != 0x20 && $0 != 0x0D }) else { return }
            let line: Line
            do {
                line = try decoder.decode(Line.self, from: Data(bytes))
            } catch {
                throw APIError(.internalServerError, .internalError, "Export line \(lineNumber) of dataset '\(dataset)' does not decode: \(error)")
            }
            if let space {
                // The export keys vectors by space name (or id); a row without a vector is skipped.
                guard let vector = (line.embeddings[space.name] ?? line.embeddings[space.id]) ?? nil else { return }
                guard vector.count == space.dimensions else {
                    throw APIError(.internalServerError, .internalError,
                        "Row '\(line.id)' has a \(vector.count)-d vector in space '\(space.name)' of \(space.dimensions) dimensions.")
                }
                snapshot.vectors.append(contentsOf: vector)
            }
            snapshot.ids.append(line.id)
            snapshot.mediaTypes.append(line.mediaType ?? "image")
            // The first ground-truth label: not a prediction (one with a confidence or of kind prediction).
            let truth = line.labels.first { $0.kind != "prediction" && $0.confidence == nil }
            snapshot.labels.append((truth ?? line.labels.first)?.class)
            snapshot.metadata.append(line.metadata)
            snapshot.metrics.append(line.metrics)
        }
        for try await chunk in chunks {
            pending.append(contentsOf: chunk)
            var start = pending.startIndex
            while let newline = pending[start...].firstIndex(of: 0x0A) {
                try consume(pending[start..<newline])
                start = newline + 1
            }
            pending.removeSubrange(..<start)
        }
        if !pending.isEmpty { try consume(pending[...]) }
        return snapshot
    }

    /// A metadata value as a number, if it is one.
    static func number(_ value: JSONValue?) -> Double? {
        if case .number(let number) = value { return number }
        return nil
    }
}
