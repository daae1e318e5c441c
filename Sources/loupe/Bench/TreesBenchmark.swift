import Foundation
import VectorIndex
import VectorMath

/// The measurements behind `loupe bench trees`.
struct TreesBenchmark {
    let dataset: ANNDataset
    let repeats: Int
    let scratchFolder: String
    static let k = 10
    static let warmupQueries = 50

    /// One timed query stream: the best pass's queries per second and latencies, and its results.
    struct Stream {
        var qps = 0.0
        /// Queries per second of this thread's CPU time: what the pass would reach on an idle
        /// machine, since time the scheduler gave to other processes is not counted.
        var cpuQPS = 0.0
        var latencies: [Double] = []
        var results: [SearchResult] = []
    }

    /// Seconds of CPU time used by the calling thread.
    static func threadCPUTime() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
    }

    /// The brute-force scan every exact tree must match: `FlatIndex`, one query at a time (the
    /// SIMD kernels, as the trees use), timed like the trees.
    struct BruteForce {
        let single: Stream
        let batchQPS: Double
        let build: Double
    }

    /// Runs `search` over every query on this thread: a warm-up, then `repeats` timed passes.
    private func single(_ search: (UnsafeBufferPointer<Float>) throws -> SearchResult) throws -> Stream {
        let d = dataset.dimensions
        return try dataset.queries.withUnsafeBufferPointer { queries in
            func query(_ q: Int) -> UnsafeBufferPointer<Float> { UnsafeBufferPointer(rebasing: queries[q * d..<(q + 1) * d]) }
            for q in 0..<min(Self.warmupQueries, dataset.queryCount) { _ = try search(query(q)) }
            var best = Stream()
            for _ in 0..<repeats {
                var pass = Stream(latencies: [Double](repeating: 0, count: dataset.queryCount))
                pass.results.reserveCapacity(dataset.queryCount)
                let cpuStart = Self.threadCPUTime()
                for q in 0..<dataset.queryCount {
                    let start = BenchClock.now()
                    let result = try search(query(q))
                    pass.latencies[q] = BenchClock.now() - start
                    pass.results.append(result)
                }
                pass.cpuQPS = Double(dataset.queryCount) / (Self.threadCPUTime() - cpuStart)
                pass.qps = Double(dataset.queryCount) / pass.latencies.reduce(0, +)
                if pass.qps > best.qps { best = pass }
            }
            return best
        }
    }

    /// Times one call with every query; returns the best QPS.
    private func batch(_ search: (UnsafeBufferPointer<Float>) throws -> [SearchResult]) throws -> Double {
        var best = 0.0
        for _ in 0..<repeats {
            let seconds = try dataset.queries.withUnsafeBufferPointer { queries in
                try BenchClock.time { _ = try search(queries) }
            }
            best = max(best, Double(dataset.queryCount) / seconds)
        }
        return best
    }

    private func addAll(to index: some VectorIndex) throws -> Double {
        let ids = (0..<UInt32(dataset.baseCount)).map { $0 }
        return try dataset.base.withUnsafeBufferPointer { base in
            try ids.withUnsafeBufferPointer { ids in try BenchClock.time { try index.add(base, ids: ids) } }
        }
    }

    func bruteForce(metric: Metric) throws -> BruteForce {
        let index = try FlatIndex(dimensions: dataset.dimensions, metric: metric)
        let build = try addAll(to: index)
        let stream = try single { try index.search($0, k: Self.k) }
        let batchQPS = try batch { try index.search(batch: $0, k: Self.k) }
        return BruteForce(single: stream, batchQPS: batchQPS, build: build)
    }

    /// The share of queries whose ids and scores equal the brute-force scan's exactly.
    private func identicalShare(_ results: [SearchResult], _ reference: BruteForce) -> Double {
        let same = zip(results, reference.single.results).filter { $0.0.neighbors == $0.1.neighbors }.count
        return Double(same) / Double(results.count)
    }

    private func line(index: String, setting: String, metric: Metric, build: Double, stream: Stream, batchQPS: Double) -> JSONLine {
        var line = JSONLine()
        line.add("dataset", dataset.name)
        line.add("index", index)
        line.add("setting", setting)
        line.add("metric", metric.rawValue)
        line.add("build_s", build)
        line.add("qps_1q", stream.qps, digits: 1)
        line.add("qps_batch", batchQPS, digits: 1)
        line.add("cpu_qps_1q", stream.cpuQPS, digits: 1)
        line.add("recall_at_10", dataset.recallAt10(stream.results.map(\.ids)), digits: 4)
        line.add("exact_share", Double(stream.results.filter(\.isExact).count) / Double(stream.results.count), digits: 4)
        line.add("scored_per_query", Double(stream.results.map(\.candidatesScored).reduce(0, +)) / Double(stream.results.count), digits: 1)
        line.add("p50_us", BenchClock.quantile(stream.latencies, 0.5) * 1e6, digits: 1)
        line.add("p99_us", BenchClock.quantile(stream.latencies, 0.99) * 1e6, digits: 1)
        return line
    }

    func runFlat(metric: Metric, reference: BruteForce) throws -> JSONLine {
        log(String(format: "flat %@: %.0f QPS single (%.0f per CPU second), %.0f batch", metric.rawValue, reference.single.qps,
                   reference.single.cpuQPS, reference.batchQPS))
        var line = line(index: "flat", setting: "brute force, SIMD kernels (batch: BLAS)", metric: metric,
                        build: reference.build, stream: reference.single, batchQPS: reference.batchQPS)
        line.add("identical", 1.0, digits: 4)
        return line
    }

    /// Saves `index`, returns the file's size in MB and the time to load it back.
    private func saveAndLoad(_ index: TreeIndex, name: String, load: (String) throws -> TreeIndex) throws -> (megabytes: Double, seconds: Double) {
        let path = scratchFolder + "/\(dataset.name)-\(name).loupeidx"
        try index.save(to: path)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let bytes = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        var loaded: TreeIndex?
        let seconds = try BenchClock.time { loaded = try load(path) }
        guard loaded?.shape == index.shape else {
            throw VectorIndexError(.corruptFile, "the reloaded \(name) has another shape than the saved one")
        }
        return (Double(bytes) / 1e6, seconds)
    }

    private func addShape(of index: TreeIndex, file: (megabytes: Double, seconds: Double), to line: inout JSONLine) {
        line.add("nodes", index.shape.nodes)
        line.add("depth", index.shape.depth)
        line.add("mem_mb", file.megabytes, digits: 3)
        line.add("load_s", file.seconds)
    }

    func runKDTree(metric: Metric, leafSize: Int, reference: BruteForce) throws -> JSONLine {
        let index = try KDTreeIndex(dimensions: dataset.dimensions, metric: metric, parameters: TreeParameters(leafSize: leafSize))
        let build = try addAll(to: index)
        let stream = try single { try index.search($0, k: Self.k) }
        let batchQPS = try batch { try index.search(batch: $0, k: Self.k) }
        let file = try saveAndLoad(index, name: "kdtree", load: { try KDTreeIndex.load(from: $0) })
        var line = line(index: "kdtree", setting: "exact, leaf \(leafSize)", metric: metric, build: build, stream: stream, batchQPS: batchQPS)
        line.add("leaf_size", leafSize)
        line.add("identical", identicalShare(stream.results, reference), digits: 4)
        addShape(of: index, file: file, to: &line)
        log(String(format: "kdtree %@ leaf %d: built in %.3f s, %.0f QPS single (%.0f per CPU second), %.0f batch, recall@10 %.4f, identical %.4f",
                   metric.rawValue, leafSize, build, stream.qps, stream.cpuQPS, batchQPS,
                   dataset.recallAt10(stream.results.map(\.ids)), identicalShare(stream.results, reference)))
        return line
    }

    func runVPTree(metric: Metric, leafSize: Int, budgets: [Int], reference: BruteForce) throws -> [JSONLine] {
        let index = try VPTreeIndex(dimensions: dataset.dimensions, metric: metric, parameters: TreeParameters(leafSize: leafSize))
        let build = try addAll(to: index)
        let file = try saveAndLoad(index, name: "vptree", load: { try VPTreeIndex.load(from: $0) })
        var lines: [JSONLine] = []
        for budget in [nil] + budgets.map(Optional.some) {
            let stream = try single { try index.search($0, k: Self.k, maxScored: budget) }
            let batchQPS = try batch { try index.search(batch: $0, k: Self.k, maxScored: budget) }
            let setting = budget.map { "budget \($0), leaf \(leafSize)" } ?? "exact, leaf \(leafSize)"
            var line = line(index: "vptree", setting: setting, metric: metric, build: build, stream: stream, batchQPS: batchQPS)
            line.add("leaf_size", leafSize)
            line.add("budget", budget.map(Double.init), digits: 0)
            line.add("identical", identicalShare(stream.results, reference), digits: 4)
            addShape(of: index, file: file, to: &line)
            log(String(format: "vptree %@ %@: %.0f QPS single (%.0f per CPU second), %.0f batch, recall@10 %.4f, exact %.3f, scored %.0f",
                       metric.rawValue, setting, stream.qps, stream.cpuQPS, batchQPS, dataset.recallAt10(stream.results.map(\.ids)),
                       Double(stream.results.filter(\.isExact).count) / Double(stream.results.count),
                       Double(stream.results.map(\.candidatesScored).reduce(0, +)) / Double(stream.results.count)))
            lines.append(line)
        }
        return lines
    }
}
