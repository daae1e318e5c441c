import ArgumentParser
import Catalog
import Foundation

/// `loupe select`: Smart Select, saved as a selection.
struct SelectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "select",
        abstract: "Pick rows (random, ordered, per cluster or diverse; optionally without near-duplicates) and save them as a selection.",
        discussion: """
            loupe select --dataset fashion --name to-label --count 500 --strategy diverse --space pixels --exclude-duplicates 0.97
            loupe select --dataset fashion --name hardest --count 100 --strategy ordered --order-by metric:label_mistake
            """)

    @OptionGroup var options: CatalogOptions
    @OptionGroup var rows: FilterOptions
    @Option(help: "Dataset id or name.") var dataset: String
    @Option(help: "The selection's name.") var name: String
    @Option(help: "Rows to pick (1...100000).") var count: Int
    @Option(help: "random, ordered, cluster or diverse.") var strategy = "random"
    @Option(help: "The space for cluster, diverse and --exclude-duplicates.") var space: String?
    @Option(help: "For ordered: metric:NAME or metadata:FIELD.") var orderBy: String?
    @Flag(help: "For ordered: smallest first.") var ascending = false
    @Option(help: "For cluster: equal or proportional.") var perCluster = "proportional"
    @Option(help: "Skip rows whose cosine similarity to a picked row is at least this (0...1).") var excludeDuplicates: Float?
    @Option(help: "Seeds random picks and the diverse start.") var seed: UInt64 = 42

    func run() async throws {
        try await reportingCatalogErrors {
            let chosen: SmartSelectRequest.Strategy
            switch strategy {
            case "random": chosen = .random
            case "ordered":
                guard let orderBy else { throw ValidationError("--strategy ordered needs --order-by metric:NAME or metadata:FIELD") }
                chosen = .ordered(key: orderBy, descending: !ascending)
            case "cluster":
                guard perCluster == "equal" || perCluster == "proportional" else { throw ValidationError("--per-cluster must be equal or proportional") }
                chosen = .clusters(proportional: perCluster == "proportional")
            case "diverse": chosen = .diverse
            default: throw ValidationError("--strategy must be random, ordered, cluster or diverse")
            }
            let catalog = try await options.open()
            let result = try await catalog.smartSelect(
                SmartSelectRequest(name: name, strategy: chosen, count: count, seed: seed, space: space, filter: try rows.filter(),
                                   excludeNearDuplicates: excludeDuplicates), in: dataset)
            await catalog.close()
            try options.output(result) {
                "saved selection \(result.selection.name) (\(result.selection.id)): \(result.selection.rowIDs.count) of \(result.candidates) candidates"
                    + (result.duplicatesSkipped > 0 ? ", \(result.duplicatesSkipped) near-duplicates skipped" : "")
            }
        }
    }
}
