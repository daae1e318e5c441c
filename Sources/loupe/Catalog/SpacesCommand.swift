import ArgumentParser
import Catalog
import Foundation
import VectorMath

/// `loupe spaces create|list|get|delete`.
struct SpacesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "spaces",
        abstract: "Create, list, show and delete embedding spaces.",
        subcommands: [Create.self, List.self, Get.self, Delete.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create an embedding space in a dataset.")
        @OptionGroup var options: CatalogOptions
        @Option(help: "Dataset id or name.") var dataset: String
        @Argument(help: "The space's name, unique in the dataset.") var name: String
        @Option(help: "Dimensions (1...4096); taken from the model for a model-backed space.") var dims: Int?
        @Option(help: "cosine, dot or l2 (default: cosine, or the model's).") var metric: String?
        @Option(help: "The model that computes the vectors: minilm, efficientnet-lite0, conse-minilm, or the path of a Hugging Face CLIP, ResNet or BERT folder.") var model: String?
        @Option(help: "auto (flat below the threshold, then HNSW), flat or hnsw.") var index = "auto"
        @Option(help: "HNSW neighbours per node.") var m = 16
        @Option(help: "HNSW build breadth.") var efConstruction = 200
        @Option(help: "HNSW default search breadth.") var efSearch = 64

        func run() async throws {
            try await reportingCatalogErrors {
                guard let kind = IndexSettings.Kind(rawValue: index) else { throw ValidationError("--index must be auto, flat or hnsw") }
                var parsedMetric: Metric?
                if let metric {
                    guard let value = Metric(userName: metric) else { throw ValidationError("--metric must be cosine, dot or l2") }
                    parsedMetric = value
                }
                let space = try await options.open().createSpace(
                    NewEmbeddingSpace(name: name, dimensions: dims, metric: parsedMetric, kind: model.map(SpaceKind.model) ?? .custom,
                                      index: IndexSettings(kind: kind, m: m, efConstruction: efConstruction, efSearch: efSearch)),
                    in: dataset)
                try options.output(space) { "created space \(space.name) (\(space.id)): \(space.dimensions)-d \(space.metric.rawValue)" }
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List a dataset's spaces.")
        @OptionGroup var options: CatalogOptions
        @Option(help: "Dataset id or name.") var dataset: String

        func run() async throws {
            try await reportingCatalogErrors {
                let spaces = try await options.open().spaces(in: dataset)
                try options.output(spaces) {
                    spaces.isEmpty ? "no spaces" : spaces.map {
                        "\($0.name)\t\($0.id)\t\($0.dimensions)-d \($0.metric.rawValue)\t\($0.vectorCount) vectors\t\($0.kind.modelName ?? "custom")"
                    }.joined(separator: "\n")
                }
            }
        }
    }

    struct Get: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a space; with --index, load or rebuild its index and say how.")
        @OptionGroup var options: CatalogOptions
        @Option(help: "Dataset id or name.") var dataset: String
        @Argument(help: "Space id or name.") var space: String
        @Flag(help: "Make the index current (load it, or rebuild it from the stored vectors) and report it.") var index = false

        struct Details: Encodable {
            var space: EmbeddingSpace
            var index: IndexReport?
        }

        func run() async throws {
            try await reportingCatalogErrors {
                let catalog = try await options.open()
                let report = index ? try await catalog.prepareIndex(space: space, in: dataset) : nil
                let details = Details(space: try await catalog.space(space, in: dataset), index: report)
                await catalog.close()
                try options.output(details) {
                    var text = "\(details.space.name) (\(details.space.id)): \(details.space.dimensions)-d \(details.space.metric.rawValue), "
                        + "\(details.space.vectorCount) vectors, \(details.space.kind.modelName.map { "model \($0)" } ?? "custom")"
                    if let report {
                        text += "\nindex: \(report.kind), \(report.vectors) vectors, \(report.source)"
                            + (report.reason.map { " (\($0))" } ?? "") + String(format: " in %.2f s", report.seconds)
                    }
                    return text
                }
            }
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a space with its vectors and index.")
        @OptionGroup var options: CatalogOptions
        @Option(help: "Dataset id or name.") var dataset: String
        @Argument(help: "Space id or name.") var space: String

        func run() async throws {
            try await reportingCatalogErrors {
                try await options.open().deleteSpace(space, in: dataset)
                try options.output(["deleted": space]) { "deleted space \(space)" }
            }
        }
    }
}
