import ArgumentParser
import Catalog
import Foundation

/// `loupe datasets create|list|get|delete`.
struct DatasetsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "datasets",
        abstract: "Create, list, show and delete datasets.",
        subcommands: [Create.self, List.self, Get.self, Delete.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a dataset.")
        @OptionGroup var options: CatalogOptions
        @Argument(help: "The dataset's unique name.") var name: String
        @Option(help: "Free text about it.") var description = ""
        @Option(help: "An explicit id (default: generated).") var id: String?

        func run() async throws {
            try await reportingCatalogErrors {
                let catalog = try await options.open()
                let dataset = try await catalog.createDataset(NewDataset(name: name, description: description, id: id))
                try options.output(dataset) { "created dataset \(dataset.name) (\(dataset.id))" }
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List datasets.")
        @OptionGroup var options: CatalogOptions

        func run() async throws {
            try await reportingCatalogErrors {
                let datasets = try await options.open().datasets()
                try options.output(datasets) {
                    datasets.isEmpty ? "no datasets" : datasets.map { "\($0.name)\t\($0.id)\t\($0.rowCount) rows" }.joined(separator: "\n")
                }
            }
        }
    }

    struct Get: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a dataset with its fields and spaces.")
        @OptionGroup var options: CatalogOptions
        @Argument(help: "Dataset id or name.") var dataset: String

        struct Details: Encodable {
            var dataset: Dataset
            var spaces: [EmbeddingSpace]
            var labels: [LabelCount]
        }

        func run() async throws {
            try await reportingCatalogErrors {
                let catalog = try await options.open()
                let details = Details(dataset: try await catalog.dataset(dataset), spaces: try await catalog.spaces(in: dataset),
                                      labels: try await catalog.labelCounts(in: dataset))
                try options.output(details) {
                    var lines = ["\(details.dataset.name) (\(details.dataset.id)): \(details.dataset.rowCount) rows"]
                    lines += details.dataset.fields.map { "  field \($0.name): \($0.type.rawValue)" }
                    lines += details.spaces.map { "  space \($0.name): \($0.dimensions)-d \($0.metric.rawValue), \($0.vectorCount) vectors" }
                    lines += details.labels.map { "  \($0.kind.rawValue) \($0.className): \($0.rows) rows" }
                    return lines.joined(separator: "\n")
                }
            }
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a dataset and everything in it.")
        @OptionGroup var options: CatalogOptions
        @Argument(help: "Dataset id or name.") var dataset: String

        func run() async throws {
            try await reportingCatalogErrors {
                try await options.open().deleteDataset(dataset)
                try options.output(["deleted": dataset]) { "deleted dataset \(dataset)" }
            }
        }
    }
}
