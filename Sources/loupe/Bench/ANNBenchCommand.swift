import ArgumentParser
import Foundation
import VectorIndex
import VectorMath

/// `loupe bench ann`: exact and HNSW search on a texmex dataset written by
/// `shared/bench/ann_peers.py --export-only`, one JSON line per setting on standard output.
///
/// The rules are the peers': builds on `--build-threads` threads, every query stream on one
/// thread, the best of `--repeats` passes after a warm-up, recall@10 against the first 10 columns
/// of `groundtruth.ivecs`, and `mem_mb` as the size of the saved index.
struct ANNBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ann",
        abstract: "Benchmark exact and HNSW search on a texmex dataset (base/query/groundtruth).")

    @Option(help: "Folder with base.fvecs, query.fvecs and groundtruth.ivecs.")
    var data: String

    @Option(help: "Comma list of indexes to run: flat, flat-int8, flat-float16, hnsw, hnsw-int8, simhash, simhash-uncentred, ivf, ivf-int8, ivf-float16.")
    var indexes = "flat,flat-int8,hnsw,hnsw-int8"

    @Option(name: .customLong("M"), help: "HNSW neighbours per node (upper layers).")
    var m = 16

    @Option(help: "HNSW efConstruction.")
    var efc = 200

    @Option(help: "Comma list of HNSW efSearch values.")
    var efs = "16,32,64,128,256"

    @Option(help: "Threads for index builds.")
    var buildThreads = HNSWParameters.availableCores

    @Option(help: "Timed passes per measurement; the fastest counts.")
    var repeats = 2

    @Option(help: "Queries for the exact single-query loop.")
    var nqFlatSingle = 200

    @Option(help: "Use only the first N queries.")
    var nq: Int?

    @Option(help: "Folder for the saved index files (default: a temporary folder).")
    var scratch: String?

    @Flag(help: "Skip the memory-bandwidth probe.")
    var noBandwidth = false

    @OptionGroup(title: "SimHash and IVF")
    var strategies: StrategyOptions

    func run() throws {
        let dataset = try ANNDataset(folder: data, queryLimit: nq)
        log("\(dataset.name): \(dataset.baseCount) × \(dataset.dimensions) base, \(dataset.queryCount) queries, kernels \(VectorKernels.active.level)")
        BatchScoring.setThreadCount(1)
        let scratchFolder = scratch ?? NSTemporaryDirectory() + "loupe-bench-\(getpid())"
        try FileManager.default.createDirectory(atPath: scratchFolder, withIntermediateDirectories: true)
        defer { if scratch == nil { try? FileManager.default.removeItem(atPath: scratchFolder) } }

        let runner = ANNBenchmark(dataset: dataset, repeats: repeats, buildThreads: buildThreads, scratchFolder: scratchFolder)
        for index in indexes.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) {
            switch index {
            case "flat":
                let bandwidth = noBandwidth ? nil : ANNBenchmark.readBandwidth()
                if let bandwidth { log(String(format: "memory read bandwidth (1 thread): %.1f GB/s", bandwidth / 1e9)) }
                try runner.runFlat(singleQueryCount: nqFlatSingle, bandwidth: bandwidth).forEach { print($0.text) }
            case "flat-int8", "flat-float16":
                let encoding = VectorEncoding(rawValue: String(index.dropFirst("flat-".count)))
                try runner.runFlat(singleQueryCount: nqFlatSingle, bandwidth: nil, encoding: encoding).forEach { print($0.text) }
            case "hnsw", "hnsw-int8":
                let efValues = efs.split(separator: ",").compactMap { Int($0) }
                try runner.runHNSW(m: m, efConstruction: efc, efSearchValues: efValues,
                                   encoding: index == "hnsw-int8" ? .int8 : nil).forEach { print($0.text) }
            case "simhash", "simhash-uncentred":
                try runner.runSimHash(bits: strategies.lshBits.integers, rescoreFactors: strategies.lshKfactor.integers,
                                      singleQueryCount: nqFlatSingle, centered: index == "simhash").forEach { print($0.text) }
            case "ivf", "ivf-int8", "ivf-float16":
                try runner.runIVF(nlist: strategies.nlist, nprobes: strategies.nprobe.integers,
                                  encoding: VectorEncoding(rawValue: String(index.dropFirst("ivf-".count))),
                                  rescoreFactor: strategies.ivfRescore, seeding: try strategies.seeding()).forEach { print($0.text) }
            default:
                throw ValidationError("unknown index '\(index)' (known: flat, flat-int8, flat-float16, hnsw, hnsw-int8, simhash, simhash-uncentred, ivf, ivf-int8, ivf-float16)")
            }
        }
    }
}

/// A texmex benchmark dataset in memory.
struct ANNDataset {
    let name: String
    let folder: String
    let base: [Float]
    let queries: [Float]
    let dimensions: Int
    let baseCount: Int
    let queryCount: Int
    /// Exact top-10 base ids per query.
    let truth: [[UInt32]]

    init(folder: String, queryLimit: Int?) throws {
        self.folder = folder
        name = URL(fileURLWithPath: folder).standardizedFileURL.lastPathComponent
        let base = try Texmex.readFloatVectors(folder + "/base.fvecs")
        let queries = try Texmex.readFloatVectors(folder + "/query.fvecs")
        let truth = try Texmex.readIntVectors(folder + "/groundtruth.ivecs")
        guard base.dimensions == queries.dimensions else {
            throw ValidationError("base has \(base.dimensions) dimensions, queries \(queries.dimensions)")
        }
        guard truth.count == queries.count, truth.width >= 10 else {
            throw ValidationError("groundtruth.ivecs needs ≥ 10 ids for each of the \(queries.count) queries")
        }
        let queryCount = min(queryLimit ?? queries.count, queries.count)
        self.base = base.values
        self.queries = Array(queries.values.prefix(queryCount * queries.dimensions))
        dimensions = base.dimensions
        baseCount = base.count
        self.queryCount = queryCount
        self.truth = (0..<queryCount).map { q in
            (0..<10).map { UInt32(truth.values[q * truth.width + $0]) }
        }
    }

    /// Mean over queries of |found top-10 ∩ exact top-10| / 10.
    func recallAt10(_ results: [[UInt32]]) -> Double {
        var hits = 0
        for (q, found) in results.enumerated() {
            let exact = Set(truth[q])
            hits += found.prefix(10).filter { exact.contains($0) }.count
        }
        return Double(hits) / Double(10 * results.count)
    }
}
