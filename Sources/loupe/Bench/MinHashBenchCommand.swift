import ArgumentParser
import Foundation
import VectorIndex
import VectorMath

/// `loupe bench minhash`: MinHash signatures, LSH near-duplicate search and Jaccard estimates on
/// the files written by `scripts/minhash_peer.py inputs`, one JSON line per setting on standard
/// output, with the keys the peer (datasketch) prints for the same settings.
///
/// (1) signature throughput on ann_peers.py's 5,000 synthetic sets, one thread; (2) planted
/// near-duplicates among WordNet glosses: recall and precision at Jaccard threshold 0.6 for
/// several bandings and verifications; (3) the mean absolute error of the Jaccard estimate over
/// seeded pairs, averaged over permutation seeds; and ann_peers.py's LSH micro-benchmark.
struct MinHashBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "minhash",
        abstract: "Benchmark MinHash signatures, LSH near-duplicates and Jaccard estimates.")

    @Option(help: "Folder written by `scripts/minhash_peer.py inputs`.")
    var data: String

    @Option(help: "Timed passes per measurement; the fastest counts.")
    var repeats = 3

    @Option(help: "Permutation seeds averaged in the estimate-error test.")
    var seeds = 5

    func run() throws {
        let inputs = try MinHashInputs(folder: data)
        log("minhash: \(inputs.sets.count) sets, \(inputs.pairs.count / 2) pairs, \(inputs.corpus.count) glosses, "
            + "\(inputs.planted.count) planted copies; kernels \(VectorKernels.active.level)")
        let runner = MinHashBenchmark(inputs: inputs, repeats: repeats)
        let lines = try runner.signatures() + [runner.syntheticLSH(), runner.estimateError(seeds: seeds)]
            + runner.plantedNearDuplicates()
        for line in lines { print(line.text) }
    }
}

/// The benchmark's inputs in memory.
struct MinHashInputs {
    /// ann_peers.py's synthetic sets (without its 200 queries).
    let sets: [[UInt64]]
    /// Its 200 queries: query i is set i with 20 tokens replaced.
    let setQueries: [[UInt64]]
    /// Pairs for the estimate error: sets 2i and 2i + 1.
    let pairs: [[UInt64]]
    /// WordNet glosses.
    let corpus: [String]
    /// Planted copies: (text, corpus line of the original, Jaccard by the peer's shingles).
    let planted: [(text: String, original: Int, jaccard: Double)]

    init(folder: String) throws {
        let all = try Self.readSets(folder + "/sets.bin")
        guard all.count > 200 else { throw ValidationError("sets.bin holds \(all.count) sets; expected the sets and 200 queries") }
        sets = Array(all.dropLast(200))
        setQueries = Array(all.suffix(200))
        pairs = try Self.readSets(folder + "/pairs.bin")
        corpus = try Self.readLines(folder + "/corpus.txt")
        let queries = try Self.readLines(folder + "/queries.txt")
        planted = try Self.readLines(folder + "/planted.tsv").map { line in
            let fields = line.split(separator: "\t")
            guard fields.count == 3, let query = Int(fields[0]), let original = Int(fields[1]), let jaccard = Double(fields[2]),
                  queries.indices.contains(query) else {
                throw ValidationError("bad line in planted.tsv: \(line)")
            }
            return (queries[query], original, jaccard)
        }
    }

    static func readLines(_ path: String) throws -> [String] {
        guard let data = FileManager.default.contents(atPath: path) else { throw ValidationError("cannot read \(path)") }
        return String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
            .dropLast().map(String.init)
    }

    /// Little-endian u64: count, count + 1 offsets, tokens.
    static func readSets(_ path: String) throws -> [[UInt64]] {
        guard let data = FileManager.default.contents(atPath: path) else { throw ValidationError("cannot read \(path)") }
        let words = data.withUnsafeBytes { raw in
            (0..<data.count / 8).map { UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 8, as: UInt64.self)) }
        }
        guard let count = words.first.map(Int.init), words.count >= count + 2 else { throw ValidationError("\(path) is truncated") }
        let offsets = words[1...(count + 1)].map(Int.init)
        let base = count + 2
        guard offsets.last! + base == words.count, zip(offsets, offsets.dropFirst()).allSatisfy({ $0 <= $1 }) else {
            throw ValidationError("\(path) has inconsistent offsets")
        }
        return (0..<count).map { Array(words[(base + offsets[$0])..<(base + offsets[$0 + 1])]) }
    }
}
