import ArgumentParser
import Catalog
import Foundation

/// `loupe metrics aggregate`.
struct MetricsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "metrics", abstract: "Aggregate metrics over a filter.", subcommands: [Aggregate.self])

    struct Aggregate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Aggregate a metric over the rows of a filter: mean, geometric_mean, harmonic_mean, sum, min, max or count.")
        @OptionGroup var options: CatalogOptions
        @OptionGroup var rows: FilterOptions
        @Option(help: "Dataset id or name.") var dataset: String
        @Argument(help: "The metric's name.") var name: String
        @Option(help: "For a per-class metric: the class.") var className: String?
        @Option(help: "mean, geometric_mean, harmonic_mean, sum, min, max or count.") var kind = "mean"
        @Flag(help: "Leave zero and negative values out of geometric and harmonic means.") var skipNonPositive = false

        func run() async throws {
            try await reportingCatalogErrors {
                let catalog = try await options.open()
                let result = try await catalog.aggregateMetric(name, className: className, kind: kind, filter: try rows.filter(),
                                                               skipNonPositive: skipNonPositive, in: dataset)
                await catalog.close()
                try options.output(result) {
                    "\(result.kind)(\(result.name)) = \(result.value.map { "\($0)" } ?? "none") over \(result.count) rows"
                        + (result.missing > 0 ? ", \(result.missing) without it" : "") + (result.skipped > 0 ? ", \(result.skipped) skipped" : "")
                }
            }
        }
    }
}
