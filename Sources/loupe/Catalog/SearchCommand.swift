import ArgumentParser
import Catalog
import Foundation

/// `loupe search`: one similarity search in a space.
struct SearchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Search a space by example rows, a vector, text or an image.")

    @OptionGroup var options: CatalogOptions
    @Option(help: "Dataset id or name.") var dataset: String
    @Option(help: "Space id or name.") var space: String
    @Option(name: .customLong("like"), help: "A row to find more like (repeatable, up to 20 with --unlike).") var positive: [String] = []
    @Option(name: .customLong("unlike"), help: "A row to move away from (repeatable).") var negative: [String] = []
    @Option(help: "A raw vector: comma-separated numbers.") var vector: String?
    @Option(help: "Natural-language text, embedded by the space's model.") var text: String?
    @Option(help: "An image file, embedded by the space's model.") var image: String?
    @Option(name: .shortAndLong, help: "Results.") var k = 10
    @Option(help: "Results to skip.") var offset = 0
    @Option(name: .customLong("where"), help: "Metadata condition: field=value, field>=x, field<=x, field~a|b (repeatable).") var conditions: [String] = []
    @Option(help: "Only rows with this label (repeatable: any of them).") var label: [String] = []
    @Option(help: "Metric condition: name>=x, name<=x (repeatable).") var metric: [String] = []
    @Option(help: "Only rows of this media type.") var mediaType: String?
    @Option(help: "Only results scoring at least this.") var minScore: Float?
    @Option(help: "Only results above this percentile (0–100) of the collection's scores.") var percentile: Double?
    @Option(help: "HNSW search breadth.") var ef: Int?

    func run() async throws {
        try await reportingCatalogErrors {
            let queries = [!positive.isEmpty, vector != nil, text != nil, image != nil].filter { $0 }.count
            guard queries == 1 else { throw ValidationError("give exactly one of --like, --vector, --text, --image") }
            let query: SearchQuery
            if let vector {
                let values = vector.split(separator: ",").map { Float($0.trimmingCharacters(in: .whitespaces)) }
                guard values.allSatisfy({ $0 != nil }) else { throw ValidationError("--vector must be comma-separated numbers") }
                query = .vector(values.compactMap { $0 })
            } else if let text {
                query = .text(text)
            } else if let image {
                guard let data = FileManager.default.contents(atPath: image) else { throw ValidationError("cannot read '\(image)'") }
                query = .image([UInt8](data))
            } else {
                query = .anchors(positive: positive, negative: negative)
            }
            let threshold: ScoreThreshold? = minScore.map(ScoreThreshold.score) ?? percentile.map(ScoreThreshold.percentile)
            let filter = try FilterSyntax.filter(where: conditions, labels: label, metrics: metric, mediaType: mediaType)
            let catalog = try await options.open()
            let response = try await catalog.search(SearchRequest(dataset: dataset, space: space, query: query, k: k, offset: offset,
                                                                  filter: filter, threshold: threshold, efSearch: ef))
            await catalog.close()
            try options.output(response) {
                var lines = response.hits.enumerated().map { String(format: "%3d  %.4f  %@", $0.offset + 1 + offset, $0.element.score, $0.element.rowID) }
                lines.append("\(response.isExact ? "exact" : "approximate") (\(response.index)), \(response.candidatesScored) candidates scored"
                             + (response.filteredCount.map { ", \($0) rows pass the filter" } ?? ""))
                return lines.joined(separator: "\n")
            }
        }
    }
}
