import ArgumentParser
import Encoders
import Foundation
import NeuralNet

/// `loupe bench text-encoder`: MiniLM sentence embeddings on WordNet glosses under the rules of
/// `shared/bench/encoder_peers.py` (the PyTorch peer): the first `--texts` glosses of
/// `data.noun`, `data.verb`, `data.adj`, `data.adv`; `--threads` threads; warm-up batches, then the
/// fastest of `--repeats` passes, each embedding every gloss once with tokenisation inside the
/// timed region. One JSON line on standard output, with the peer's keys plus the token counts and
/// the process's peak resident memory.
struct TextEncoderBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "text-encoder",
        abstract: "Benchmark MiniLM sentence embeddings on WordNet glosses (the PyTorch peer's workload).")

    @Option(help: "A sentence-transformers model folder (default: the model cache's all-MiniLM-L6-v2).")
    var model: String?

    @Option(help: "Folder with WordNet's data.noun, data.verb, data.adj, data.adv (Debian wordnet-base).")
    var wordnetDir = "/usr/share/wordnet"

    @Option(help: "Glosses per pass.")
    var texts = 1024

    @Option(help: "Texts per batch.")
    var textBatch = 32

    @Option(help: "length-sorted: one embed call over all glosses (sorted by length inside); file-order: one call per batch of consecutive glosses.")
    var textOrder = "length-sorted"

    @Option(help: "Threads for NeuralNet's ops and OpenBLAS.")
    var threads = 2

    @Option(help: "Untimed batches before timing.")
    var warmup = 2

    @Option(help: "Timed passes; the fastest counts.")
    var repeats = 3

    func validate() throws {
        guard texts >= 1, textBatch >= 1, threads >= 1, repeats >= 1, warmup >= 0 else {
            throw ValidationError("--texts, --text-batch, --threads and --repeats must be at least 1, --warmup at least 0")
        }
        guard ["length-sorted", "file-order"].contains(textOrder) else {
            throw ValidationError("--text-order must be length-sorted or file-order")
        }
    }

    func run() throws {
        Parallel.setThreadCount(threads)
        let folder = model.map { URL(fileURLWithPath: $0) } ?? Self.defaultModelFolder
        let loadStart = BenchClock.now()
        let encoder = try MiniLMEncoder(folder: folder, batchSize: textBatch)
        let loadSeconds = BenchClock.now() - loadStart
        let glosses = try Self.wordnetGlosses(in: wordnetDir, count: texts)
        let lengths = encoder.tokenize(glosses).map(\.count)
        let batches = stride(from: 0, to: glosses.count, by: textBatch).map { Array(glosses[$0..<min($0 + textBatch, glosses.count)]) }
        log("text-encoder: \(glosses.count) glosses, \(String(format: "%.1f", Double(lengths.reduce(0, +)) / Double(lengths.count))) tokens mean, "
            + "max \(lengths.max() ?? 0); \(textOrder); \(threads) threads; model loaded in \(String(format: "%.2f", loadSeconds)) s")

        for index in 0..<warmup { _ = try encoder.embed(batches[index % batches.count]) }
        var best = Double.infinity
        for _ in 0..<repeats {
            let seconds = try BenchClock.time {
                if textOrder == "length-sorted" {
                    _ = try encoder.embed(glosses)
                } else {
                    for batch in batches { _ = try encoder.embed(batch) }
                }
            }
            best = min(best, seconds)
            log("text-encoder: pass \(String(format: "%.3f", seconds)) s")
        }
        var line = JSONLine()
        line.add("model", "all-MiniLM-L6-v2" + (textOrder == "length-sorted" ? "" : " (file order)"))
        line.add("lib", "loupe")
        line.add("threads", threads)
        line.add("batch", textBatch)
        line.add("texts", glosses.count)
        line.add("tokens", lengths.reduce(0, +))
        line.add("items_per_s", Double(glosses.count) / best, digits: 2)
        line.add("best_pass_s", best, digits: 4)
        line.add("load_s", loadSeconds, digits: 3)
        line.add("peak_rss_mb", Self.peakResidentMegabytes(), digits: 1)
        print(line.text)
    }

    /// all-MiniLM-L6-v2 in `$LOUPE_MODEL_CACHE` or `~/.cache/loupe/models` (`loupe models fetch`).
    static var defaultModelFolder: URL {
        let environment = ProcessInfo.processInfo.environment["LOUPE_MODEL_CACHE"].flatMap { $0.isEmpty ? nil : $0 }
        let cache = environment.map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/loupe/models")
        return cache.appendingPathComponent("all-MiniLM-L6-v2")
    }

    /// The first `count` glosses of WordNet's data files, as encoder_peers.py reads them: lines
    /// not starting with a space, the text after `|`, stripped, non-empty.
    static func wordnetGlosses(in folder: String, count: Int) throws -> [String] {
        var glosses: [String] = []
        for name in ["data.noun", "data.verb", "data.adj", "data.adv"] {
            let path = folder + "/" + name
            guard let data = FileManager.default.contents(atPath: path) else {
                throw ValidationError("cannot read \(path): install Debian wordnet-base or pass --wordnet-dir")
            }
            for line in String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false) {
                guard !line.hasPrefix(" "), let bar = line.firstIndex(of: "|") else { continue }
                let gloss = line[line.index(after: bar)...].trimmingCharacters(in: .whitespacesAndNewlines)
                guard !gloss.isEmpty else { continue }
                glosses.append(gloss)
                if glosses.count == count { return glosses }
            }
        }
        throw ValidationError("WordNet has only \(glosses.count) glosses; --texts \(count) is too many")
    }

    /// The process's peak resident set (VmHWM) in 10⁶ bytes, from /proc/self/status.
    static func peakResidentMegabytes() -> Double? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
              let kilobytes = line.split(separator: " ").dropFirst().first.flatMap({ Double($0) })
        else { return nil }
        return kilobytes * 1024 / 1e6
    }
}
