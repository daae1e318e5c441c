import ArgumentParser
import Catalog
import Foundation
import VectorIndex
import VectorMath

/// `loupe bench import`: the catalog's import and search path on seeded data, one JSON line per
/// measurement on standard output.
///
/// Writes `--count` seeded clustered vectors of `--dims` dimensions as NDJSON and as .npy (with
/// an ids file) into `--scratch`, then in a fresh catalog: imports the rows, imports the NDJSON
/// into one space and the .npy into another (parse, validate, store, commit; the acknowledgement
/// waits for the fsync with `--durability power_loss`), builds the .npy space's index, and runs
/// `--queries` searches through `Catalog.search` with 1 and with `--clients` concurrent callers
/// (QPS, p50, p99, recall@k against exact scores). `scripts/import_peer.py` measures the Python
/// peer on the same files.
struct ImportBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Benchmark vector import (NDJSON, .npy), index build and in-process search through the catalog.")

    @Option(help: "Vectors.") var count = 100_000
    @Option(help: "Dimensions.") var dims = 384
    @Option(help: "Search queries (each run).") var queries = 2000
    @Option(help: "Results per search.") var k = 10
    @Option(help: "HNSW efSearch.") var ef = 64
    @Option(help: "Comma list of concurrent search callers.") var clients = "1,8"
    @Option(help: "process_crash (commit reaches the OS) or power_loss (fsync before the acknowledgement).") var durability = "power_loss"
    @Option(help: "Folder for the files and the catalog (default: a temporary folder, removed after).") var scratch: String?
    @Flag(help: "Keep the scratch folder (the files for scripts/import_peer.py).") var keep = false
    @Option(help: "Seed of the data.") var seed: UInt64 = 42
    @Option(help: "Comma list of stages to run after the imports: index, search.") var stages = "index,search"
    @Option(help: "Comma list of vector formats to import: ndjson, npy (index and search need npy).") var formats = "ndjson,npy"
    @Option(help: "Imports of each format, each into a fresh space (the machine's noise shows in their spread).") var repeats = 1

    func run() async throws {
        guard let durability = Durability(rawValue: durability) else { throw ValidationError("--durability must be process_crash or power_loss") }
        let folder = scratch ?? NSTemporaryDirectory() + "loupe-bench-import-\(getpid())"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { if scratch == nil && !keep { try? FileManager.default.removeItem(atPath: folder) } }
        let formats = formats.split(separator: ",").map(String.init)
        guard !formats.isEmpty, formats.allSatisfy(["ndjson", "npy"].contains) else { throw ValidationError("--formats takes ndjson and/or npy") }
        guard repeats >= 1 else { throw ValidationError("--repeats must be at least 1") }
        let benchmark = ImportBenchmark(count: count, dimensions: dims, seed: seed, folder: folder, durability: durability,
                                        formats: formats, repeats: repeats)
        log("import: \(count) × \(dims) seeded vectors in \(folder); kernels \(VectorKernels.active.level)")
        try benchmark.writeFiles()
        let catalog = try await benchmark.openCatalog()
        for line in try await benchmark.imports(catalog) { print(line.text) }
        let stages = Set(stages.split(separator: ",").map(String.init))
        if (stages.contains("index") || stages.contains("search")) && formats.contains("npy") { print(try await benchmark.buildIndex(catalog).text) }
        if stages.contains("search") {
            let clientCounts = clients.split(separator: ",").compactMap { Int($0) }
            for line in try await benchmark.search(catalog, queries: queries, k: k, ef: ef, clients: clientCounts) { print(line.text) }
        }
        await catalog.close()
    }
}
