import Foundation
import VectorIndex
import VectorMath

/// The measurements behind `loupe bench ann`.
struct ANNBenchmark {
    let dataset: ANNDataset
    let repeats: Int
    let buildThreads: Int
    let scratchFolder: String
    static let k = 10
    static let warmupQueries = 50

    /// Single-thread read bandwidth in bytes/s, measured as the peers do: the best of five
    /// sequential passes over 512 MiB.
    static func readBandwidth() -> Double {
        let count = 512 * 1024 * 1024 / 4
        let raw = AlignedMemory.allocate(byteCount: count * 4)
        defer { raw.deallocate() }
        let buffer = raw.bindMemory(to: Float.self, capacity: count)
        buffer.initialize(repeating: 1, count: count)
        var best = Double.infinity
        var sink: Float = 0
        for _ in 0..<6 {
            let seconds = BenchClock.time { sink += VectorKernels.active.sum(buffer, count: count) }
            best = min(best, seconds)
        }
        if sink == 42 { log("") }  // keeps the sums alive
        return Double(count * 4) / best
    }

    /// Times single-query passes over `queryCount` queries; returns the best pass's QPS, its
    /// latencies, and the results of the last pass.
    func singleQueryPasses(
        _ index: some VectorIndex, queryCount: Int, options: SearchOptions
    ) throws -> (qps: Double, latencies: [Double], ids: [[UInt32]]) {
        let d = dataset.dimensions
        try dataset.queries.withUnsafeBufferPointer { queries in
            for q in 0..<min(Self.warmupQueries, queryCount) {
                _ = try index.search(UnsafeBufferPointer(rebasing: queries[q * d..<(q + 1) * d]), k: Self.k, options: options)
            }
        }
        var best = (qps: 0.0, latencies: [Double](), ids: [[UInt32]]())
        for _ in 0..<repeats {
            var latencies = [Double](repeating: 0, count: queryCount)
            var ids = [[UInt32]](repeating: [], count: queryCount)
            var total = 0.0
            try dataset.queries.withUnsafeBufferPointer { queries in
                for q in 0..<queryCount {
                    let query = UnsafeBufferPointer(rebasing: queries[q * d..<(q + 1) * d])
                    let start = BenchClock.now()
                    let result = try index.search(query, k: Self.k, options: options)
                    let seconds = BenchClock.now() - start
                    latencies[q] = seconds
                    total += seconds
                    ids[q] = result.ids
                }
            }
            let qps = Double(queryCount) / total
            if qps > best.qps { best = (qps, latencies, ids) }
        }
        return best
    }

    /// Times batch passes (one call with every query, or the first `queryCount`); returns the best
    /// QPS and the results.
    func batchPasses(_ index: some VectorIndex, options: SearchOptions, queryCount: Int? = nil) throws -> (qps: Double, ids: [[UInt32]]) {
        var best = (qps: 0.0, ids: [[UInt32]]())
        let count = min(queryCount ?? dataset.queryCount, dataset.queryCount)
        for _ in 0..<repeats {
            var results: [SearchResult] = []
            let seconds = try dataset.queries.withUnsafeBufferPointer { queries in
                let batch = UnsafeBufferPointer(rebasing: queries[0..<count * dataset.dimensions])
                return try BenchClock.time { results = try index.search(batch: batch, k: Self.k, options: options) }
            }
            let qps = Double(count) / seconds
            if qps > best.qps { best = (qps, results.map(\.ids)) }
        }
        return best
    }

    /// Saves `index`, returns the file's size in MB and the time to load it back.
    func saveAndLoad<Index: VectorIndex>(_ index: Index, name: String, load: (String) throws -> Index) throws -> (megabytes: Double, loadSeconds: Double) {
        let path = scratchFolder + "/\(dataset.name)-\(name).loupeidx"
        try index.save(to: path)
        let bytes = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        var loaded: Index?
        let seconds = try BenchClock.time { loaded = try load(path) }
        if loaded?.count != index.count { throw VectorIndexError(.corruptFile, "reloaded index has \(loaded?.count ?? 0) vectors, saved \(index.count)") }
        try? FileManager.default.removeItem(atPath: path)
        return (Double(bytes) / 1e6, seconds)
    }

    /// The fields every result line shares, in the peers' order.
    func resultLine(
        index: String, setting: String, build: Double,
        single: (qps: Double, latencies: [Double], ids: [[UInt32]]), batch: (qps: Double, ids: [[UInt32]]),
        file: (megabytes: Double, loadSeconds: Double)
    ) -> JSONLine {
        var line = JSONLine()
        line.add("dataset", dataset.name)
        line.add("index", index)
        line.add("setting", setting)
        line.add("build_s", build)
        line.add("qps_1q", single.qps, digits: 1)
        line.add("qps_batch", batch.qps, digits: 1)
        line.add("recall_at_10", dataset.recallAt10(single.ids), digits: 4)
        line.add("mem_mb", file.megabytes, digits: 3)
        line.add("load_s", file.loadSeconds)
        line.add("build_threads", buildThreads)
        line.add("p50_us", BenchClock.quantile(single.latencies, 0.5) * 1e6, digits: 1)
        line.add("p99_us", BenchClock.quantile(single.latencies, 0.99) * 1e6, digits: 1)
        line.add("recall_batch_at_10", dataset.recallAt10(batch.ids), digits: 4)
        return line
    }

    func addAll(to index: some VectorIndex) throws -> Double {
        let ids = (0..<UInt32(dataset.baseCount)).map { $0 }
        return try dataset.base.withUnsafeBufferPointer { base in
            try ids.withUnsafeBufferPointer { ids in
                try BenchClock.time { try index.add(base, ids: ids) }
            }
        }
    }

    func runFlat(singleQueryCount: Int, bandwidth: Double?, encoding: VectorEncoding? = nil) throws -> [JSONLine] {
        let index = try FlatIndex(dimensions: dataset.dimensions, metric: .innerProduct, encoding: encoding)
        let name = encoding.map { "flat-\($0.rawValue)" } ?? "flat"
        let build = try addAll(to: index)
        let singleCount = min(singleQueryCount, dataset.queryCount)
        let single = try singleQueryPasses(index, queryCount: singleCount, options: .default)
        let batch = try batchPasses(index, options: .default)
        let file = try saveAndLoad(index, name: name, load: FlatIndex.load(from:))
        let setting = encoding.map { "\($0.rawValue) codes, rescore \(index.rescoreFactor)·k exactly" } ?? "exact inner product"
        var line = resultLine(index: name, setting: setting, build: build, single: single, batch: batch, file: file)
        if let bandwidth {
            let bytes = Double(dataset.baseCount * dataset.dimensions * 4)
            let boundSeconds = bytes / bandwidth
            let bestLatency = single.latencies.min() ?? .nan
            line.add("read_gbps", bandwidth / 1e9, digits: 2)
            line.add("bound_us", boundSeconds * 1e6, digits: 1)
            line.add("min_us", bestLatency * 1e6, digits: 1)
            line.add("p50_over_bound", BenchClock.quantile(single.latencies, 0.5) / boundSeconds, digits: 3)
        }
        log("\(name): single \(Int(single.qps)) QPS, recall@10 \(dataset.recallAt10(single.ids)), batch \(Int(batch.qps)) QPS")
        return [line]
    }

    /// - Parameter encoding: `.int8` builds on codes and rescores from `base.fvecs`, memory-mapped.
    func runHNSW(m: Int, efConstruction: Int, efSearchValues: [Int], encoding: VectorEncoding? = nil) throws -> [JSONLine] {
        let name = encoding == .int8 ? "hnsw-int8" : "hnsw"
        let parameters = HNSWParameters(m: m, efConstruction: efConstruction, buildThreads: buildThreads, encoding: encoding)
        let index = try HNSWIndex(dimensions: dataset.dimensions, metric: .innerProduct, parameters: parameters)
        let build = try addAll(to: index)
        if encoding == .int8 { index.exactVectors = try MappedVectorFile(path: dataset.folder + "/base.fvecs", layout: .fvecs) }
        log(String(format: "\(name): built in %.2f s on %d threads", build, buildThreads))
        let file = try saveAndLoad(index, name: name, load: { try HNSWIndex.load(from: $0) })
        log(String(format: "\(name): file %.1f MB, loaded in %.3f s", file.megabytes, file.loadSeconds))
        var lines: [JSONLine] = []
        for ef in efSearchValues {
            let options = SearchOptions(efSearch: ef)
            let single = try singleQueryPasses(index, queryCount: dataset.queryCount, options: options)
            let batch = try batchPasses(index, options: options)
            let setting = "M=\(m) efC=\(efConstruction) ef=\(ef)" + (encoding == .int8 ? " rescore \(parameters.rescoreFactor)·k" : "")
            var line = resultLine(index: name, setting: setting, build: build,
                                  single: single, batch: batch, file: file)
            line.add("resident_mb", Double(index.memoryBytes) / 1e6, digits: 3)
            log("\(name) ef=\(ef): \(Int(single.qps)) QPS, recall@10 \(String(format: "%.4f", dataset.recallAt10(single.ids)))")
            lines.append(line)
        }
        return lines
    }
}
