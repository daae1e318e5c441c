import ArgumentParser
import Catalog
import Foundation

/// `loupe import rows|vectors`.
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import data rows or vectors into a dataset.",
        subcommands: [Rows.self, Vectors.self])

    struct Rows: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Import rows from NDJSON, CSV or a folder of images and texts.")
        @OptionGroup var options: CatalogOptions
        @Option(help: "Dataset id or name.") var dataset: String
        @Argument(help: "An .ndjson/.jsonl file, a .csv file, or a folder.") var source: String
        @Option(help: "ndjson, csv or folder (default: from the source).") var format: String?
        @Option(help: "Folder import: a CSV or NDJSON of metadata by file name.") var sidecar: String?
        @Flag(help: "Folder import: do not turn sub-folder names into labels.") var noSubfolderLabels = false
        @Option(help: "CSV: the id column.") var idColumn: String?
        @Option(help: "CSV: the row data column.") var rowDataColumn: String?
        @Option(help: "CSV: the label column.") var labelColumn: String?
        @Option(help: "CSV: image or text for every row.") var mediaType: String?
        @Option(help: "CSV: the field delimiter.") var delimiter = ","

        func run() async throws {
            try await reportingCatalogErrors {
                var isFolder: ObjCBool = false
                let exists = FileManager.default.fileExists(atPath: source, isDirectory: &isFolder)
                let kind = format ?? (isFolder.boolValue ? "folder" : source.lowercased().hasSuffix(".csv") ? "csv" : "ndjson")
                guard exists || kind != "folder" else { throw ValidationError("'\(source)' does not exist") }
                let file: RowFileFormat
                switch kind {
                case "ndjson", "jsonl": file = .ndjson(path: source)
                case "csv":
                    guard let separator = delimiter.first, delimiter.count == 1 else { throw ValidationError("--delimiter must be one character") }
                    let media = try mediaType.map { name in
                        guard let type = MediaType(rawValue: name) else { throw ValidationError("--media-type must be image or text") }
                        return type
                    }
                    file = .csv(path: source, options: CSVRowOptions(idColumn: idColumn, rowDataColumn: rowDataColumn, labelColumn: labelColumn,
                                                                     mediaType: media, delimiter: separator))
                case "folder": file = .folder(path: source, options: FolderRowOptions(labelsFromSubfolders: !noSubfolderLabels, sidecarPath: sidecar))
                default: throw ValidationError("--format must be ndjson, csv or folder")
                }
                let bar = ProgressBar("rows")
                let report = try await options.open().importRows(file, into: dataset, progress: bar.handler)
                bar.finish()
                try printReport(report, what: "rows", options: options)
            }
        }
    }

    struct Vectors: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Import vectors from NDJSON, or from .npy with an ids file.")
        @OptionGroup var options: CatalogOptions
        @Option(help: "Dataset id or name.") var dataset: String
        @Option(help: "Space id or name.") var space: String
        @Argument(help: "An .ndjson file of {\"id\"|\"global_key\": …, \"vector\": […]} lines, or an .npy array.") var source: String
        @Option(help: ".npy: the file of row ids, one per line in the array's row order.") var ids: String?
        @Flag(help: ".npy: the ids file holds global keys.") var byGlobalKey = false

        func run() async throws {
            try await reportingCatalogErrors {
                let file: VectorFileFormat
                if source.lowercased().hasSuffix(".npy") {
                    guard let ids else { throw ValidationError("an .npy import needs --ids FILE") }
                    file = .npy(path: source, idsPath: ids, byGlobalKey: byGlobalKey)
                } else {
                    file = .ndjson(path: source)
                }
                let bar = ProgressBar("vectors")
                let catalog = try await options.open()
                let report = try await catalog.importVectors(file, into: space, in: dataset, progress: bar.handler)
                bar.finish()
                await catalog.close()
                try printReport(report, what: "vectors", options: options)
            }
        }
    }
}

/// Prints an import report: a summary, then every rejected line (JSON: the report itself).
/// Exits with status 2 when lines were rejected, so scripts notice.
func printReport(_ report: ImportReport, what: String, options: CatalogOptions) throws {
    try options.output(report) {
        var lines = [String(format: "stored %d %@ of %d read in %.2f s (%.0f/s)", report.stored, what, report.read, report.seconds,
                            report.seconds > 0 ? Double(report.stored) / report.seconds : 0)]
        if report.indexSeconds > 0 { lines.append(String(format: "index updated in %.2f s", report.indexSeconds)) }
        if report.rejected > 0 {
            lines.append("rejected \(report.rejected):")
            lines += report.errors.map { "  line \($0.line): \($0.reason)" }
            if report.rejected > report.errors.count { lines.append("  … and \(report.rejected - report.errors.count) more") }
        }
        return lines.joined(separator: "\n")
    }
    if report.rejected > 0 { throw ExitCode(2) }
}
