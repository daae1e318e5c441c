import Catalog
import Foundation
import VectorIndex
import VectorMath

/// The measurements of `loupe bench http` (see `HTTPBenchCommand`).
struct HTTPBenchmark {
    let directory: URL
    let count: Int
    let dimensions: Int
    let seed: UInt64
    let queryCount: Int
    let clients: Int
    let duration: Double
    let k: Int
    /// Extra options for `loupe serve`.
    var serveArguments: [String] = []

    static let dataset = "bench"
    static let space = "v"

    private var markerURL: URL { directory.appendingPathComponent("bench-http.json") }
    /// One JSON search body a line, for the load generator and wrk.
    var bodiesURL: URL { directory.appendingPathComponent("queries.ndjson") }
    private var queryVectorsURL: URL { directory.appendingPathComponent("queries.f32") }
    private var parameters: String { "count=\(count) dims=\(dimensions) seed=\(seed) queries=\(queryCount) k=\(k)" }

    // MARK: Data

    /// Creates the catalog (rows, the space, its vectors from an `.npy`, the HNSW index) unless
    /// the data directory already holds one made with the same parameters.
    func prepare() async throws -> JSONLine {
        var line = JSONLine()
        line.add("bench", "http-prepare")
        if (try? String(contentsOf: markerURL, encoding: .utf8)) == parameters {
            line.add("source", "reused")
            log("http: reusing \(directory.path) (\(parameters))")
            return line
        }
        log("http: preparing \(directory.path) (\(parameters)) …")
        try? FileManager.default.removeItem(at: directory)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let catalog = try await Catalog.open(CatalogConfiguration(
            dataDirectory: directory.path, durability: .processCrash, runsJobs: false))
        _ = try await catalog.createDataset(NewDataset(name: Self.dataset))
        let rowsFile = directory.appendingPathComponent("rows.ndjson")
        var rows = ""
        rows.reserveCapacity(count * 40)
        for i in 0..<count { rows += "{\"id\":\"r\(i)\",\"row_data\":\"row \(i)\",\"media_type\":\"text\"}\n" }
        try Data(rows.utf8).write(to: rowsFile)
        let rowReport = try await catalog.importRows(.ndjson(path: rowsFile.path), into: Self.dataset)
        _ = try await catalog.createSpace(
            NewEmbeddingSpace(name: Self.space, dimensions: dimensions, metric: .cosine, index: IndexSettings(kind: .hnsw)), in: Self.dataset)

        let base = ImportBenchmark.clustered(count: count, dimensions: dimensions, seed: seed)  // the import benchmark's vectors
        let npy = directory.appendingPathComponent("vectors.npy")
        let ids = directory.appendingPathComponent("ids.txt")
        try ImportBenchmark.npy(base, rows: count, columns: dimensions).write(to: npy)
        try Data((0..<count).map { "r\($0)\n" }.joined().utf8).write(to: ids)
        let vectorReport = try await catalog.importVectors(.npy(path: npy.path, idsPath: ids.path, byGlobalKey: false), into: Self.space, in: Self.dataset)
        let index = try await catalog.prepareIndex(space: Self.space, in: Self.dataset)
        await catalog.close()
        for file in [rowsFile, npy, ids] { try? FileManager.default.removeItem(at: file) }

        // Queries: stored vectors with Gaussian noise (σ 0.1 per component), seeded.
        var random = SplitMix64(seed: seed &+ 1)
        var queryValues: [Float] = []
        var bodies = ""
        for _ in 0..<queryCount {
            let row = Int(random.next() % UInt64(count))
            let query = (0..<dimensions).map { base[row * dimensions + $0] + 0.1 * random.nextGaussian() }
            queryValues += query
            bodies += "{\"vector\":[" + query.map { "\($0)" }.joined(separator: ",") + "],\"k\":\(k),\"include_rows\":false}\n"
        }
        try queryValues.withUnsafeBytes { try Data($0).write(to: queryVectorsURL) }
        try Data(bodies.utf8).write(to: bodiesURL)
        try Data(parameters.utf8).write(to: markerURL)

        line.add("source", "built")
        line.add("rows", rowReport.stored)
        line.add("vectors", vectorReport.stored)
        line.add("npy_import_vectors_per_s", Double(vectorReport.stored) / max(vectorReport.seconds, 1e-9), digits: 0)
        line.add("index", index.kind)
        line.add("index_build_s", index.seconds, digits: 2)
        return line
    }

    private func queryVectors() throws -> [[Float]] {
        let data = try Data(contentsOf: queryVectorsURL)
        let values = data.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
        return stride(from: 0, to: values.count, by: dimensions).map { Array(values[$0..<$0 + dimensions]) }
    }

    private var groundTruthURL: URL { directory.appendingPathComponent("groundtruth-k\(k).u32") }

    /// The exact `k` nearest rows (slots; row `r<slot>`) of every query, by cosine: computed with a
    /// flat index over the same seeded vectors the catalog holds, and kept beside the data.
    func groundTruth() throws -> [[UInt32]] {
        if let data = try? Data(contentsOf: groundTruthURL), data.count == queryCount * k * 4 {
            let values = data.withUnsafeBytes { Array($0.bindMemory(to: UInt32.self)) }
            return stride(from: 0, to: values.count, by: k).map { Array(values[$0..<$0 + k]) }
        }
        log("http: exact ground truth for \(queryCount) queries …")
        let index = try FlatIndex(dimensions: dimensions, metric: .cosine)
        try index.add(ImportBenchmark.clustered(count: count, dimensions: dimensions, seed: seed), ids: (0..<UInt32(count)).map { $0 })
        let truth = try index.search(batch: try queryVectors().flatMap { $0 }, k: k).map { $0.neighbors.map(\.id) }
        try truth.flatMap { $0 }.withUnsafeBytes { try Data($0).write(to: groundTruthURL) }
        return truth
    }

    /// Mean recall@k of `found` (row ids per query, in query order) against `truth`.
    static func recall(_ found: [[String]], truth: [[UInt32]]) -> Double {
        var hits = 0
        var wanted = 0
        for (ids, exact) in zip(found, truth) {
            let exact = Set(exact)
            hits += ids.filter { $0.first == "r" && UInt32($0.dropFirst()).map(exact.contains) == true }.count
            wanted += exact.count
        }
        return wanted == 0 ? .nan : Double(hits) / Double(wanted)
    }

    // MARK: In process

    /// The catalog's search in this process: one client, then `clients` concurrent tasks; and
    /// the recall@k of its answers to every query.
    func inProcess(truth: [[UInt32]]) async throws -> (loads: [(clients: Int, result: LoadResult)], recall: Double) {
        let catalog = try await Catalog.open(CatalogConfiguration(dataDirectory: directory.path, runsJobs: false))
        let queries = try queryVectors()
        let k = k
        let ask: @Sendable (Int) async throws -> SearchResponse = { number in
            try await catalog.search(SearchRequest(
                dataset: Self.dataset, space: Self.space, query: .vector(queries[number % queries.count]), k: k, includeRows: false))
        }
        let search: @Sendable (Int) async throws -> Void = { number in
            let response = try await ask(number)
            if response.hits.count != k { throw BenchError("in-process search returned \(response.hits.count) hits, not \(k)") }
        }
        _ = try await catalog.prepareIndex(space: Self.space, in: Self.dataset)
        var found: [[String]] = []
        for number in queries.indices { found.append(try await ask(number).hits.map(\.rowID)) }
        var results: [(clients: Int, result: LoadResult)] = []
        for concurrency in [1, clients] {
            log("http: in process, \(concurrency) client(s), \(duration) s …")
            results.append((concurrency, try await Self.drive(clients: concurrency, duration: duration, request: search)))
        }
        await catalog.close()
        return (results, Self.recall(found, truth: truth))
    }

    /// Runs `request` from `clients` tasks until `duration` seconds pass; latencies of each.
    static func drive(
        clients: Int, duration: Double, request: @escaping @Sendable (Int) async throws -> Void
    ) async throws -> LoadResult {
        let start = BenchClock.now()
        let deadline = start + duration
        let latencies = try await withThrowingTaskGroup(of: [Double].self) { group in
            for client in 0..<clients {
                group.addTask {
                    var latencies: [Double] = []
                    var number = client * 7919
                    // A closed loop: each request is issued when the previous one ends, and its
                    // latency runs from then, so the time a client waits for a thread counts
                    // (a search never suspends, so the clients take turns at `Task.yield`).
                    var begin = BenchClock.now()
                    while begin < deadline {
                        try await request(number)
                        let end = BenchClock.now()
                        latencies.append(end - begin)
                        begin = end
                        number += 1
                        await Task.yield()
                    }
                    return latencies
                }
            }
            var all: [Double] = []
            for try await part in group { all += part }
            return all
        }
        return LoadResult(latencies: latencies, seconds: BenchClock.now() - start)
    }

    struct LoadResult {
        let latencies: [Double]
        let seconds: Double
        /// CPU seconds the server and the load generator spent during the load, when measured:
        /// on a shared machine, the per-request cost that the wall clock hides.
        var serverCPU: Double?
        var clientCPU: Double?
        var qps: Double { Double(latencies.count) / seconds }

        func line(mode: String, clients: Int, recall: Double?) -> JSONLine {
            var line = JSONLine()
            line.add("bench", "http")
            line.add("mode", mode)
            line.add("clients", clients)
            line.add("requests", latencies.count)
            line.add("qps", qps, digits: 1)
            line.add("p50_ms", BenchClock.quantile(latencies, 0.5) * 1e3, digits: 3)
            line.add("p99_ms", BenchClock.quantile(latencies, 0.99) * 1e3, digits: 3)
            line.add("recall_at_k", recall, digits: 4)
            line.add("server_cpu_ms_per_request", serverCPU.map { $0 * 1e3 / Double(max(latencies.count, 1)) }, digits: 4)
            line.add("client_cpu_ms_per_request", clientCPU.map { $0 * 1e3 / Double(max(latencies.count, 1)) }, digits: 4)
            return line
        }
    }

    // MARK: Over HTTP

    /// A `loupe serve` child process on the data directory.
    struct Server {
        let process: Process
        let port: Int
        var baseURL: String { "http://127.0.0.1:\(port)" }
        static let searchPath = "/v1/datasets/\(HTTPBenchmark.dataset)/spaces/\(HTTPBenchmark.space)/search"
        var searchURL: String { baseURL + Self.searchPath }

        /// CPU seconds (user + system) the server has used so far, from `/proc/<pid>/stat`.
        func cpuSeconds() -> Double? {
            guard let stat = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { return nil }
            // Fields after the command name: state is field 3, utime 14, stime 15.
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
            return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
        }

        func stop() {
            guard process.isRunning else { return }
            process.terminate()  // SIGTERM: a graceful stop
            process.waitUntilExit()
        }
    }

    /// Starts `loupe serve` (this executable) on a free loopback port and waits for it to answer.
    func startServer() async throws -> Server {
        let port = try Self.freePort()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        process.arguments = ["serve", "--data-dir", directory.path, "--port", String(port), "--log-level", "warning"] + serveArguments
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let server = Server(process: process, port: port)
        for _ in 0..<600 {
            if Self.answersHealth(port: port) {
                log("http: loupe serve (pid \(process.processIdentifier)) answers on \(server.baseURL)")
                return server
            }
            guard process.isRunning else { throw BenchError("loupe serve exited with status \(process.terminationStatus)") }
            try await Task.sleep(for: .milliseconds(50))
        }
        server.stop()
        throw BenchError("loupe serve did not answer /v1/health within 30 s")
    }

    /// Whether something on `port` answers `GET /v1/health` with 200 (a blocking one-shot probe).
    static func answersHealth(port: Int) -> Bool {
        guard let fd = LoopbackConnection.connectedSocket(port: port) else { return false }
        defer { close(fd) }
        let request = "GET /v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
        guard request.withCString({ send(fd, $0, strlen($0), 0) }) > 0 else { return false }
        var buffer = [UInt8](repeating: 0, count: 64)
        let got = recv(fd, &buffer, buffer.count, 0)
        return got > 12 && String(decoding: buffer[..<got], as: UTF8.self).hasPrefix("HTTP/1.1 200")
    }

    /// A loopback port free now.
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw BenchError("no free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// The search bodies, one per query.
    private func bodies() throws -> [[UInt8]] {
        try String(contentsOf: bodiesURL, encoding: .utf8).split(separator: "\n").map { Array($0.utf8) }
    }

    /// This benchmark's own load generator (`LoopbackHTTPLoad`): `clients` keep-alive
    /// connections, each posting the next query as soon as the previous answer arrived; and the
    /// recall@k of the server's answers to every query (asked once each, before the timed load).
    func loadGenerator(server: Server, truth: [[UInt32]]) async throws -> (load: LoadResult, recall: Double) {
        let bodies = try bodies()
        let k = k
        let answers = try await LoopbackHTTPLoad.answers(port: server.port, path: Server.searchPath, bodies: bodies)
        let found = try answers.map { answer in
            let object = try JSONSerialization.jsonObject(with: Data(answer)) as? [String: Any]
            guard let hits = object?["hits"] as? [[String: Any]], hits.count == k else {
                throw BenchError("the search answered \(String(decoding: answer, as: UTF8.self))")
            }
            return hits.compactMap { $0["row_id"] as? String }
        }
        let check: @Sendable ([UInt8]) throws -> Void = { answer in
            let hits = try JSONSerialization.jsonObject(with: Data(answer)) as? [String: Any]
            guard (hits?["hits"] as? [Any])?.count == k else { throw BenchError("the search answered \(String(decoding: answer, as: UTF8.self))") }
        }
        log("http: warming up over HTTP …")
        _ = try await LoopbackHTTPLoad.run(
            port: server.port, path: Server.searchPath, bodies: bodies, clients: clients, duration: min(2, duration), check: check)
        log("http: own load generator, \(clients) keep-alive connections, \(duration) s …")
        let serverBefore = server.cpuSeconds()
        let clientBefore = BenchClock.cpuSeconds()
        var load = try await LoopbackHTTPLoad.run(
            port: server.port, path: Server.searchPath, bodies: bodies, clients: clients, duration: duration, check: check)
        load.clientCPU = BenchClock.cpuSeconds() - clientBefore
        load.serverCPU = serverBefore.flatMap { before in server.cpuSeconds().map { $0 - before } }
        return (load, Self.recall(found, truth: truth))
    }

    /// `wrk` with `script` posting the query bodies: `clients` connections on 2 threads.
    func wrk(server: Server, script: String) throws -> (line: JSONLine, qps: Double?) {
        guard let wrk = ProcessInfo.processInfo.environment["PATH"]?.split(separator: ":")
            .map({ "\($0)/wrk" }).first(where: { FileManager.default.isExecutableFile(atPath: $0) })
        else { throw BenchError("wrk is not on PATH (Debian package wrk)") }
        log("http: wrk, \(clients) connections, \(Int(duration.rounded())) s …")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: wrk)
        process.arguments = [
            "-t", "2", "-c", String(clients), "-d", "\(Int(duration.rounded()))s", "--latency", "-s", script, server.searchURL, "--",
            bodiesURL.path,
        ]
        let output = Pipe()
        process.standardOutput = output
        let serverBefore = server.cpuSeconds()
        let wrkBefore = BenchClock.cpuSeconds(children: true)
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw BenchError("wrk failed: \(text)") }
        let requests = text.split(separator: "\n").first { $0.contains(" requests in ") }
            .flatMap { Double($0.split(separator: " ").first ?? "") } ?? .nan
        let serverCPU = serverBefore.flatMap { before in server.cpuSeconds().map { $0 - before } }
        var line = JSONLine()
        line.add("bench", "http")
        line.add("mode", "http-wrk")
        line.add("clients", clients)
        line.add("qps", Self.wrkValue(text, after: "Requests/sec:"), digits: 1)
        line.add("p50_ms", Self.wrkLatency(text, percentile: "50%"), digits: 3)
        line.add("p99_ms", Self.wrkLatency(text, percentile: "99%"), digits: 3)
        line.add("server_cpu_ms_per_request", serverCPU.map { $0 * 1e3 / requests }, digits: 4)
        line.add("client_cpu_ms_per_request", (BenchClock.cpuSeconds(children: true) - wrkBefore) * 1e3 / requests, digits: 4)
        line.add("non_2xx", Int(Self.wrkValue(text, after: "Non-2xx or 3xx responses:") ?? 0))
        return (line, Self.wrkValue(text, after: "Requests/sec:"))
    }
    static func wrkValue(_ text: String, after label: String) -> Double? {
        guard let range = text.range(of: label) else { return nil }
        return Double(text[range.upperBound...].split(whereSeparator: \.isWhitespace).first ?? "")
    }

    /// A latency of wrk's `--latency` distribution ("99%   4.21ms"), in milliseconds.
    static func wrkLatency(_ text: String, percentile: String) -> Double? {
        for line in text.split(separator: "\n") {
            let fields = line.split(whereSeparator: \.isWhitespace)
            guard fields.count == 2, fields[0] == percentile else { continue }
            let value = fields[1]
            for (unit, scale) in [("us", 1e-3), ("ms", 1.0), ("s", 1e3)] where value.hasSuffix(unit) {
                return Double(value.dropLast(unit.count)).map { $0 * scale }
            }
        }
        return nil
    }

    /// The server's resident memory against the raw vector bytes (no model is loaded: the space
    /// holds custom vectors).
    func memory(server: Server) throws -> (line: JSONLine, ratio: Double) {
        let status = try String(contentsOfFile: "/proc/\(server.process.processIdentifier)/status", encoding: .utf8)
        func kilobytes(_ field: String) -> Double? {
            status.split(separator: "\n").first { $0.hasPrefix(field + ":") }
                .flatMap { Double($0.split(whereSeparator: \.isWhitespace).dropFirst().first ?? "") }
        }
        let raw = Double(count * dimensions * 4)
        let rss = (kilobytes("VmRSS") ?? .nan) * 1024
        var line = JSONLine()
        line.add("bench", "http-memory")
        line.add("raw_vector_mb", raw / 1e6, digits: 1)
        line.add("rss_mb", rss / 1e6, digits: 1)
        line.add("peak_rss_mb", (kilobytes("VmHWM") ?? .nan) * 1024 / 1e6, digits: 1)
        line.add("rss_over_raw", rss / raw, digits: 3)
        return (line, rss / raw)
    }
}

/// A benchmark that could not run, and why.
struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
