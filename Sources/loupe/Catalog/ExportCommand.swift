import ArgumentParser
import Catalog
import Foundation

/// `loupe export`: a dataset as NDJSON, streamed.
struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a dataset as NDJSON, one row a line, with metadata, labels, metrics and chosen embeddings.")

    @OptionGroup var options: CatalogOptions
    @Option(help: "Dataset id or name.") var dataset: String
    @Option(help: "Include this space's vectors (repeatable).") var space: [String] = []
    @Option(name: .shortAndLong, help: "Output file (default: standard output).") var output: String?
    @Option(name: .customLong("where"), help: "Metadata condition: field=value, field>=x, field<=x, field~a|b (repeatable).") var conditions: [String] = []
    @Option(help: "Only rows with this label (repeatable: any of them).") var label: [String] = []
    @Option(help: "Metric condition: name>=x, name<=x (repeatable).") var metric: [String] = []
    @Flag(help: "Leave out labels.") var noLabels = false
    @Flag(help: "Leave out metrics.") var noMetrics = false

    func run() async throws {
        try await reportingCatalogErrors {
            let filter = try FilterSyntax.filter(where: conditions, labels: label, metrics: metric, mediaType: nil)
            let handle: FileHandle
            if let output {
                guard FileManager.default.createFile(atPath: output, contents: nil), let file = FileHandle(forWritingAtPath: output) else {
                    throw ValidationError("cannot write '\(output)'")
                }
                handle = file
            } else {
                handle = .standardOutput
            }
            let catalog = try await options.open()
            let rows = try await catalog.export(dataset, options: ExportOptions(filter: filter, spaces: space, includeMetrics: !noMetrics,
                                                                                includeLabels: !noLabels)) { chunk in
                try handle.write(contentsOf: chunk)
            }
            if output != nil {
                try handle.close()
                FileHandle.standardError.write(Data("exported \(rows) rows to \(output ?? "")\n".utf8))
            }
        }
    }
}
