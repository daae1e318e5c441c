import ArgumentParser
import Foundation

/// `loupe bench http`: search over HTTP against the same search in process, on one HNSW space
/// of seeded clustered vectors (100k × 384 by default, the import benchmark's), one JSON line per measurement on
/// standard output.
///
/// It prepares the data directory once (rows, vectors from an `.npy`, the HNSW index built and
/// saved; kept for later runs with the same parameters), measures the catalog's search in
/// process (one client, then `--clients` concurrent tasks), starts `loupe serve` on the data
/// directory as a child process, drives it with its own keep-alive load generator
/// (plain SwiftNIO, `--clients` connections on loopback) and, with `--wrk-script`, with `wrk`,
/// then reads the server's resident memory from `/proc/<pid>/status` and stops it with SIGTERM.
/// Every query is a 384-d vector near a stored one (seeded), `k = 10`, without rows. The recall@k
/// of the in-process and the HTTP answers to every query, against an exact scan, is reported
/// beside their speed, so that speed is never bought with recall.
struct HTTPBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "http",
        abstract: "Benchmark search over HTTP (own load generator and wrk) against the same search in process.")

    @Option(help: "Data directory for the benchmark's catalog (reused when prepared with the same parameters).")
    var dataDir = ".bench/http-data"

    @Option(help: "Vectors in the space.")
    var count = 100_000

    @Option(help: "Dimensions of the vectors.")
    var dims = 384

    @Option(help: "Seed of vectors and queries.")
    var seed: UInt64 = 7

    @Option(help: "Distinct query vectors (cycled).")
    var queries = 2000

    @Option(help: "Concurrent clients (HTTP connections, in-process tasks).")
    var clients = 8

    @Option(help: "Seconds each timed load runs.")
    var duration = 10.0

    @Option(help: "Results per query.")
    var k = 10

    @Option(help: "Extra options for the `loupe serve` child, space-separated (e.g. \"--executor cooperative\").")
    var serveArgs = ""

    @Option(help: "A wrk Lua script that posts the query bodies (scripts/bench-http.lua); wrk must be on PATH.")
    var wrkScript: String?

    func validate() throws {
        guard count > 0, dims > 0, queries > 0, clients > 0, duration > 0, (1...1000).contains(k) else {
            throw ValidationError("--count, --dims, --queries, --clients, --duration must be positive; --k in 1…1000")
        }
    }

    func run() async throws {
        let benchmark = HTTPBenchmark(
            directory: URL(fileURLWithPath: dataDir), count: count, dimensions: dims, seed: seed,
            queryCount: queries, clients: clients, duration: duration, k: k,
            serveArguments: serveArgs.split(separator: " ").map(String.init))
        print(try await benchmark.prepare().text)
        let truth = try benchmark.groundTruth()
        let (inProcess, inProcessRecall) = try await benchmark.inProcess(truth: truth)
        for (clients, result) in inProcess { print(result.line(mode: "in-process", clients: clients, recall: inProcessRecall).text) }
        let server = try await benchmark.startServer()
        var summary = JSONLine()
        summary.add("bench", "http-summary")
        do {
            let (own, recall) = try await benchmark.loadGenerator(server: server, truth: truth)
            print(own.line(mode: "http-own-client", clients: clients, recall: recall).text)
            let reference = inProcess.last?.result.qps ?? .nan
            summary.add("inprocess_qps", reference, digits: 1)
            summary.add("own_client_qps", own.qps, digits: 1)
            summary.add("own_client_ratio", own.qps / reference, digits: 3)
            summary.add("own_client_p50_ms", BenchClock.quantile(own.latencies, 0.5) * 1e3, digits: 3)
            summary.add("own_client_p99_ms", BenchClock.quantile(own.latencies, 0.99) * 1e3, digits: 3)
            if let wrkScript {
                let wrk = try benchmark.wrk(server: server, script: wrkScript)
                print(wrk.line.text)
                summary.add("wrk_qps", wrk.qps, digits: 1)
                summary.add("wrk_ratio", wrk.qps.map { $0 / reference }, digits: 3)
            }
            let memory = try benchmark.memory(server: server)
            print(memory.line.text)
            summary.add("rss_over_raw", memory.ratio, digits: 3)
        } catch {
            server.stop()
            throw error
        }
        server.stop()
        print(summary.text)
    }
}
