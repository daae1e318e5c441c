import ArgumentParser
import Foundation
import VectorIndex

/// `loupe bench rtree`: the R-tree on seeded 2-D points, one JSON line per (data set, node
/// capacity) on standard output.
///
/// Each line has the STR bulk-load time, then the median and 99th-percentile single-thread
/// latency of rectangle queries that each return about 1% of the points, of radius queries and
/// 20-vertex lasso polygons of the same selectivity, and of k = 10 nearest-neighbour queries; and
/// whether the answers to the first `--check` queries of each kind are identical to a brute-force
/// scan (they must be). `--export` writes the points and queries for the peers
/// (`scripts/rtree_peers.py`), so both measure the same work.
struct RTreeBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rtree",
        abstract: "Benchmark the R-tree's bulk load and rectangle, radius, lasso and kNN queries on seeded 2-D points.")

    @Option(help: "Comma list of data sets, distribution:count (uniform or clustered).")
    var sets = "uniform:1000000,clustered:1000000,uniform:100000"

    @Option(help: "Comma list of node capacities to measure.")
    var capacities = "16,32,64"

    @Option(help: "Timed queries of each kind.")
    var queries = 1000

    @Option(help: "Queries of each kind checked against brute force.")
    var check = 50

    @Option(help: "Fraction of the points a rectangle, radius or lasso query should return.")
    var selectivity = 0.01

    @Option(help: "Seed of the points and queries.")
    var seed: UInt64 = 7

    @Option(help: "Folder to write each set's points and queries to, for the peers.")
    var export: String?

    func validate() throws {
        guard queries > 0, check >= 0, selectivity > 0, selectivity < 1 else {
            throw ValidationError("--queries must be positive, --check at least 0, --selectivity in (0, 1)")
        }
    }

    func run() throws {
        let capacityList = try capacities.split(separator: ",").map { text -> Int in
            guard let value = Int(text.trimmingCharacters(in: .whitespaces)) else { throw ValidationError("bad capacity '\(text)'") }
            return value
        }
        for (number, spec) in sets.split(separator: ",").enumerated() {
            let parts = spec.split(separator: ":")
            guard parts.count == 2, let count = Int(parts[1]), count > 0,
                  let distribution = RTreeBenchmark.Distribution(rawValue: String(parts[0])) else {
                throw ValidationError("bad set '\(spec)' (expected uniform:N or clustered:N)")
            }
            let benchmark = RTreeBenchmark(
                distribution: distribution, count: count, queryCount: queries, checkCount: min(check, queries),
                selectivity: selectivity, seed: seed &+ UInt64(number))
            if let export {
                try benchmark.export(to: export + "/" + benchmark.name)
                log("\(benchmark.name): exported to \(export)/\(benchmark.name)")
            }
            for capacity in capacityList { print(try benchmark.run(nodeCapacity: capacity).text) }
        }
    }
}
