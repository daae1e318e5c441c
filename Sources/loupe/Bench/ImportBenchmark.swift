import Catalog
import Foundation
import VectorIndex
import VectorMath

/// The measurements of `loupe bench import`.
struct ImportBenchmark {
    let count: Int
    let dimensions: Int
    let seed: UInt64
    let folder: String
    let durability: Durability
    /// The formats imported ("ndjson", "npy"), each `repeats` times into a fresh space.
    var formats = ["ndjson", "npy"]
    var repeats = 1

    var ndjsonPath: String { folder + "/vectors.ndjson" }
    var npyPath: String { folder + "/vectors.npy" }
    var idsPath: String { folder + "/ids.txt" }
    var queriesPath: String { folder + "/queries.npy" }

    /// Seeded clustered vectors: 64 Gaussian centres, spread 0.5 (like the ANN benchmark's sets).
    static func clustered(count: Int, dimensions: Int, seed: UInt64) -> [Float] {
        var random = SplitMix64(seed: seed)
        let centres = (0..<64 * dimensions).map { _ in random.nextGaussian() }
        var values = [Float](repeating: 0, count: count * dimensions)
        for row in 0..<count {
            let centre = Int(random.next() % 64)
            for d in 0..<dimensions { values[row * dimensions + d] = centres[centre * dimensions + d] + 0.5 * random.nextGaussian() }
        }
        return values
    }

    /// 2000 queries from the same distribution as the base: the 2000 vectors drawn after it.
    static func queries(count: Int, dimensions: Int, seed: UInt64) -> [Float] {
        Array(clustered(count: count + 2000, dimensions: dimensions, seed: seed)[(count * dimensions)...])
    }

    /// Writes the NDJSON (seven decimals per component), the .npy, the ids file and the queries,
    /// unless they are there from an earlier run with the same shape.
    func writeFiles() throws {
        let marker = folder + "/files-v2-\(count)x\(dimensions)-\(seed)"
        if FileManager.default.fileExists(atPath: marker) { return }
        let values = Self.clustered(count: count, dimensions: dimensions, seed: seed)
        var text = [UInt8]()
        text.reserveCapacity(count * (dimensions * 11 + 40))
        for row in 0..<count {
            text += Array("{\"id\": \"r\(row)\", \"vector\": [".utf8)
            for d in 0..<dimensions {
                if d > 0 { text += [UInt8(ascii: ","), UInt8(ascii: " ")] }
                Self.appendDecimal(values[row * dimensions + d], to: &text)
            }
            text += Array("]}\n".utf8)
        }
        try Data(text).write(to: URL(fileURLWithPath: ndjsonPath))
        try Self.npy(values, rows: count, columns: dimensions).write(to: URL(fileURLWithPath: npyPath))
        try Data(((0..<count).map { "r\($0)" }.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: idsPath))
        let queries = Self.queries(count: count, dimensions: dimensions, seed: seed)
        try Self.npy(queries, rows: 2000, columns: dimensions).write(to: URL(fileURLWithPath: queriesPath))
        FileManager.default.createFile(atPath: marker, contents: nil)
    }

    /// `value` with seven decimals, as a JSON number.
    static func appendDecimal(_ value: Float, to text: inout [UInt8]) {
        var scaled = Int64((Double(value) * 1e7).rounded())
        if scaled < 0 {
            text.append(UInt8(ascii: "-"))
            scaled = -scaled
        }
        let whole = scaled / 10_000_000
        var fraction = scaled % 10_000_000
        text += Array(String(whole).utf8)
        text.append(UInt8(ascii: "."))
        var digits = [UInt8](repeating: UInt8(ascii: "0"), count: 7)
        for i in stride(from: 6, through: 0, by: -1) {
            digits[i] = UInt8(ascii: "0") + UInt8(fraction % 10)
            fraction /= 10
        }
        text += digits
    }

    /// A little-endian float32 C-order .npy file.
    static func npy(_ values: [Float], rows: Int, columns: Int) -> Data {
        var header = "{'descr': '<f4', 'fortran_order': False, 'shape': (\(rows), \(columns)), }"
        while (10 + header.utf8.count + 1) % 64 != 0 { header += " " }
        header += "\n"
        var data = Data([0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(header.utf8.count & 0xFF), UInt8(header.utf8.count >> 8)])
        data += Data(header.utf8)
        values.withUnsafeBytes { data += $0 }
        return data
    }

    /// A fresh catalog in `folder/catalog` with a dataset of `count` rows.
    func openCatalog() async throws -> Catalog {
        let directory = folder + "/catalog"
        try? FileManager.default.removeItem(atPath: directory)
        return try await Catalog.open(CatalogConfiguration(dataDirectory: directory, durability: durability, runsJobs: false))
    }

    func imports(_ catalog: Catalog) async throws -> [JSONLine] {
        var lines: [JSONLine] = []
        _ = try await catalog.createDataset(NewDataset(name: "bench"))
        let rowStart = BenchClock.now()
        for start in stride(from: 0, to: count, by: 10_000) {
            let rows = (start..<min(start + 10_000, count)).map { NewDataRow(id: "r\($0)", rowData: "row \($0)", mediaType: .text) }
            let report = try await catalog.addRows(rows, to: "bench")
            guard report.rejected == 0 else { throw CatalogError(.invalidArgument, "rows rejected: \(report.errors.prefix(3))") }
        }
        lines.append(line("rows", seconds: BenchClock.now() - rowStart, stored: count))

        let files = ["ndjson": VectorFileFormat.ndjson(path: ndjsonPath), "npy": .npy(path: npyPath, idsPath: idsPath, byGlobalKey: false)]
        for (base, run) in formats.flatMap({ base in (1...repeats).map { (base, $0) } }) {
            guard let format = files[base] else { continue }
            // The first run's space has the format's name (the index stage uses "npy").
            let name = run == 1 ? base : "\(base)-\(run)"
            _ = try await catalog.createSpace(NewEmbeddingSpace(name: name, dimensions: dimensions, metric: .cosine), in: "bench")
            let start = BenchClock.now()
            let cpu = BenchClock.cpuSeconds()
            let report = try await catalog.importVectors(format, into: name, in: "bench")
            let seconds = BenchClock.now() - start
            let cpuSeconds = BenchClock.cpuSeconds() - cpu
            guard report.stored == count else { throw CatalogError(.invalidArgument, "\(name): stored \(report.stored) of \(count)") }
            var result = line("import_\(base)", seconds: seconds, stored: report.stored)
            result.add("run", run)
            result.add("cpu_seconds", cpuSeconds, digits: 3)
            result.add("index_update_s", report.indexSeconds)
            lines.append(result)
            log("\(name): \(String(format: "%.0f", Double(count) / seconds)) vectors/s")
        }
        return lines
    }

    /// Builds the .npy space's HNSW index from the stored vectors and saves it.
    func buildIndex(_ catalog: Catalog) async throws -> JSONLine {
        let cpu = BenchClock.cpuSeconds()
        let report = try await catalog.prepareIndex(space: "npy", in: "bench")
        var build = JSONLine()
        build.add("stage", "index_build")
        build.add("index", report.kind)
        build.add("vectors", report.vectors)
        build.add("seconds", report.seconds, digits: 3)
        build.add("cpu_seconds", BenchClock.cpuSeconds() - cpu, digits: 3)
        log("index: \(report.kind) built in \(String(format: "%.1f", report.seconds)) s")
        return build
    }

    private func line(_ stage: String, seconds: Double, stored: Int) -> JSONLine {
        var line = JSONLine()
        line.add("stage", stage)
        line.add("count", count)
        line.add("dims", dimensions)
        line.add("durability", durability.rawValue)
        line.add("seconds", seconds, digits: 3)
        line.add("per_second", Double(stored) / seconds, digits: 0)
        return line
    }

    /// Searches through `Catalog.search` with 1 and more concurrent callers: QPS, p50, p99 and
    /// recall@k against exact cosine scores.
    func search(_ catalog: Catalog, queries: Int, k: Int, ef: Int, clients: [Int]) async throws -> [JSONLine] {
        let all = Self.queries(count: count, dimensions: dimensions, seed: seed)
        let queryCount = min(queries, 2000)
        let exact = try exactTopK(queries: all, count: min(queryCount, 200), k: k)
        var lines: [JSONLine] = []
        for callers in clients where callers >= 1 {
            // Warm-up, then the timed pass.
            _ = try await runQueries(catalog, all, count: min(200, queryCount), k: k, ef: ef, callers: callers)
            let start = BenchClock.now()
            let (latencies, answers) = try await runQueries(catalog, all, count: queryCount, k: k, ef: ef, callers: callers)
            let seconds = BenchClock.now() - start
            var hits = 0
            for (q, truth) in exact.enumerated() { hits += Set(answers[q]).intersection(truth).count }
            var line = JSONLine()
            line.add("stage", "search")
            line.add("clients", callers)
            line.add("queries", queryCount)
            line.add("k", k)
            line.add("ef", ef)
            line.add("qps", Double(queryCount) / seconds, digits: 0)
            line.add("p50_ms", BenchClock.quantile(latencies, 0.5) * 1000, digits: 3)
            line.add("p99_ms", BenchClock.quantile(latencies, 0.99) * 1000, digits: 3)
            line.add("recall", Double(hits) / Double(exact.count * k))
            lines.append(line)
            log("search, \(callers) caller(s): \(String(format: "%.0f", Double(queryCount) / seconds)) QPS")
        }
        return lines
    }

    private func runQueries(_ catalog: Catalog, _ values: [Float], count: Int, k: Int, ef: Int,
                            callers: Int) async throws -> ([Double], [[String]]) {
        let dimensions = dimensions
        return try await withThrowingTaskGroup(of: [(Int, Double, [String])].self) { group in
            for caller in 0..<callers {
                group.addTask {
                    var results: [(Int, Double, [String])] = []
                    for q in stride(from: caller, to: count, by: callers) {
                        let query = Array(values[q * dimensions..<(q + 1) * dimensions])
                        let start = BenchClock.now()
                        let response = try await catalog.search(SearchRequest(dataset: "bench", space: "npy", query: .vector(query), k: k, efSearch: ef))
                        results.append((q, BenchClock.now() - start, response.hits.map(\.rowID)))
                    }
                    return results
                }
            }
            var latencies: [Double] = []
            var answers = [[String]](repeating: [], count: count)
            for try await results in group {
                for (q, latency, ids) in results {
                    latencies.append(latency)
                    answers[q] = ids
                }
            }
            return (latencies, answers)
        }
    }

    /// The exact top-k row ids of the first `count` queries, by an exact index over the same vectors.
    private func exactTopK(queries: [Float], count: Int, k: Int) throws -> [Set<String>] {
        let base = Self.clustered(count: self.count, dimensions: dimensions, seed: seed)
        let flat = try FlatIndex(dimensions: dimensions, metric: .cosine)
        try flat.add(base, ids: (0..<UInt32(self.count)).map { $0 })
        return try (0..<count).map { q in
            Set(try flat.search(Array(queries[q * dimensions..<(q + 1) * dimensions]), k: k).ids.map { "r\($0)" })
        }
    }
}
