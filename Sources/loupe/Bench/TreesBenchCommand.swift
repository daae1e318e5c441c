import ArgumentParser
import Foundation
import VectorIndex
import VectorMath

/// `loupe bench trees`: the KD-tree and the VP-tree (exact, and the VP-tree with a budget) on a
/// texmex dataset written by `shared/bench/ann_peers.py --export-only`, one JSON line per setting
/// on standard output.
///
/// Every query stream runs on one thread, the best of `--repeats` passes after a warm-up counts;
/// recall@10 is against `groundtruth.ivecs`, and `identical` is the share of queries whose ids
/// and scores equal a brute-force scan's (`FlatIndex`) to the last bit.
struct TreesBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trees",
        abstract: "Benchmark the KD-tree and the VP-tree on a texmex dataset (base/query/groundtruth).")

    @Option(help: "Folder with base.fvecs, query.fvecs and groundtruth.ivecs.")
    var data: String

    @Option(help: "Comma list of indexes to run: flat, kdtree, vptree.")
    var indexes = "flat,kdtree,vptree"

    @Option(help: "Comma list of metrics: cosine, l2 (the datasets hold unit vectors, so both rank alike).")
    var metrics = "cosine,l2"

    @Option(help: "Comma list of leaf sizes.")
    var leafSizes = "16,32"

    @Option(help: "Comma list of VP-tree budgets (vectors scored per query) for the approximate mode; empty for none.")
    var budgets = "1000,3000,10000"

    @Option(help: "Timed passes per measurement; the fastest counts.")
    var repeats = 3

    @Option(help: "Use only the first N queries.")
    var nq: Int?

    @Option(help: "Folder for the saved index files (default: a temporary folder).")
    var scratch: String?

    func run() throws {
        let dataset = try ANNDataset(folder: data, queryLimit: nq)
        log("\(dataset.name): \(dataset.baseCount) × \(dataset.dimensions) base, \(dataset.queryCount) queries, kernels \(VectorKernels.active.level)")
        BatchScoring.setThreadCount(1)
        let scratchFolder = scratch ?? NSTemporaryDirectory() + "loupe-bench-trees-\(getpid())"
        try FileManager.default.createDirectory(atPath: scratchFolder, withIntermediateDirectories: true)
        defer { if scratch == nil { try? FileManager.default.removeItem(atPath: scratchFolder) } }

        let leafValues = try Self.integers(leafSizes, "--leaf-sizes")
        let budgetValues = try Self.integers(budgets, "--budgets")
        let metricValues = try metrics.split(separator: ",").map { name -> Metric in
            guard let metric = Metric(rawValue: name.trimmingCharacters(in: .whitespaces)), metric != .innerProduct else {
                throw ValidationError("unknown metric '\(name)' (known: cosine, l2)")
            }
            return metric
        }
        let runner = TreesBenchmark(dataset: dataset, repeats: repeats, scratchFolder: scratchFolder)
        for metric in metricValues {
            let reference = try runner.bruteForce(metric: metric)
            for index in indexes.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) {
                switch index {
                case "flat":
                    print(try runner.runFlat(metric: metric, reference: reference).text)
                case "kdtree":
                    for leaf in leafValues {
                        print(try runner.runKDTree(metric: metric, leafSize: leaf, reference: reference).text)
                    }
                case "vptree":
                    for leaf in leafValues {
                        try runner.runVPTree(metric: metric, leafSize: leaf, budgets: budgetValues, reference: reference)
                            .forEach { print($0.text) }
                    }
                default:
                    throw ValidationError("unknown index '\(index)' (known: flat, kdtree, vptree)")
                }
            }
        }
    }

    private static func integers(_ list: String, _ option: String) throws -> [Int] {
        try list.split(separator: ",").map {
            guard let value = Int($0.trimmingCharacters(in: .whitespaces)), value > 0 else {
                throw ValidationError("\(option): '\($0)' is not a positive integer")
            }
            return value
        }
    }
}
