import ArgumentParser
import Catalog
import Foundation

/// `loupe duplicates`: near-duplicate groups by vectors (cosine), texts (MinHash Jaccard) or
/// images (pixel correlation of thumbnails, or perceptual-hash Hamming distance).
struct DuplicatesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "duplicates",
        abstract: "Groups of near-duplicate rows, one representative each: by a space's vectors (cosine), text (Jaccard), image pixels (correlation) or image hashes (Hamming).",
        discussion: """
            loupe duplicates --dataset pictures --space images --threshold 0.95
            loupe duplicates --dataset wordnet --texts --threshold 0.5 --json
            loupe duplicates --dataset pictures --images --threshold 0.99
            loupe duplicates --dataset pictures --images --max-distance 6
            """)

    @OptionGroup var options: CatalogOptions
    @OptionGroup var rows: FilterOptions
    @Option(help: "Dataset id or name.") var dataset: String
    @Option(help: "Space id or name (vectors).") var space: String?
    @Flag(help: "Compare text rows by character 5-gram Jaccard (MinHash LSH) instead of vectors.") var texts = false
    @Flag(help: ArgumentHelp("Compare image rows by their files' pixels; no space needed.",
                             discussion: "With --threshold: the correlation of 24x24 gray thumbnails over small shifts (survives resizing, re-encoding, brightness, noise, shifts of a few percent). With --max-distance: the Hamming distance of 64-bit perceptual hashes (pHash)."))
    var images = false
    @Option(help: "Cosine similarity in [0, 1] for vectors, Jaccard in (0, 1) for texts, correlation in (0, 1] for images (0.99 is a good start).")
    var threshold: Double?
    @Option(help: "With --images instead of --threshold: the largest Hamming distance in bits (0...32) between two images' pHashes.") var maxDistance: Int?

    func validate() throws {
        guard [texts, images, space != nil].filter({ $0 }).count == 1 else {
            throw ValidationError("give one of --space (vectors), --texts or --images")
        }
        if images {
            guard (threshold == nil) != (maxDistance == nil) else {
                throw ValidationError("--images needs one of --threshold (pixel correlation, e.g. 0.99) or --max-distance (pHash bits, e.g. 6)")
            }
        } else {
            guard threshold != nil else { throw ValidationError("give --threshold (cosine for --space, Jaccard for --texts)") }
            guard maxDistance == nil else { throw ValidationError("--max-distance goes with --images") }
        }
    }

    func run() async throws {
        try await reportingCatalogErrors {
            let catalog = try await options.open()
            let filter = try rows.filter()
            let report = if let space {
                try await catalog.nearDuplicates(space: space, in: dataset, threshold: threshold ?? 0, filter: filter)
            } else if images, let threshold {
                try await catalog.nearDuplicateImages(in: dataset, threshold: threshold, filter: filter)
            } else if images {
                try await catalog.nearDuplicateImages(in: dataset, maxDistance: maxDistance ?? 0, filter: filter)
            } else {
                try await catalog.nearDuplicateTexts(in: dataset, threshold: threshold ?? 0, filter: filter)
            }
            await catalog.close()
            try options.output(report) {
                var lines = ["\(report.groups.count) groups, \(report.pairs) pairs, \(report.redundantRows) redundant rows among \(report.candidates)"
                    + (report.isExact ? "" : " (approximate)")]
                for group in report.groups.prefix(50) {
                    lines.append("keep \(group.representative)\tdrop \(group.rows.filter { $0 != group.representative }.joined(separator: " "))")
                }
                if report.groups.count > 50 { lines.append("… \(report.groups.count - 50) more (use --json)") }
                for row in report.skipped.prefix(20) { lines.append("skipped \(row.rowID): \(row.reason)") }
                if report.skipped.count > 20 { lines.append("… \(report.skipped.count - 20) more skipped (use --json)") }
                return lines.joined(separator: "\n")
            }
        }
    }
}
