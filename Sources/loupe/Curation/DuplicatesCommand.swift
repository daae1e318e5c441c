import ArgumentParser
import Catalog
import Foundation

/// `loupe duplicates`: near-duplicate groups by vectors (cosine) or texts (MinHash Jaccard).
struct DuplicatesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "duplicates",
        abstract: "Groups of near-duplicate rows, one representative each: by a space's vectors (cosine) or by text (Jaccard).",
        discussion: """
            loupe duplicates --dataset pictures --space images --threshold 0.95
            loupe duplicates --dataset wordnet --texts --threshold 0.5 --json
            """)

    @OptionGroup var options: CatalogOptions
    @OptionGroup var rows: FilterOptions
    @Option(help: "Dataset id or name.") var dataset: String
    @Option(help: "Space id or name (vectors).") var space: String?
    @Flag(help: "Compare text rows by character 5-gram Jaccard (MinHash LSH) instead of vectors.") var texts = false
    @Option(help: "Cosine similarity in [0, 1] for vectors, Jaccard in (0, 1) for texts.") var threshold: Double

    func validate() throws {
        guard texts != (space != nil) else { throw ValidationError("give either --space (vectors) or --texts") }
    }

    func run() async throws {
        try await reportingCatalogErrors {
            let catalog = try await options.open()
            let filter = try rows.filter()
            let report = if let space {
                try await catalog.nearDuplicates(space: space, in: dataset, threshold: threshold, filter: filter)
            } else {
                try await catalog.nearDuplicateTexts(in: dataset, threshold: threshold, filter: filter)
            }
            await catalog.close()
            try options.output(report) {
                var lines = ["\(report.groups.count) groups, \(report.pairs) pairs, \(report.redundantRows) redundant rows among \(report.candidates)"
                    + (report.isExact ? "" : " (approximate)")]
                for group in report.groups.prefix(50) {
                    lines.append("keep \(group.representative)\tdrop \(group.rows.filter { $0 != group.representative }.joined(separator: " "))")
                }
                if report.groups.count > 50 { lines.append("… \(report.groups.count - 50) more (use --json)") }
                return lines.joined(separator: "\n")
            }
        }
    }
}
