import ArgumentParser
import Encoders
import Foundation
import NeuralNet
import VectorMath

/// `loupe bench image-encoder`: EfficientNet-Lite0 throughput under the rules of
/// `shared/bench/encoder_peers.py`: batches of `--batch` preprocessed 3×224×224 images, the
/// forward pass to the 1000 logits timed, `--warmup` untimed batches, then `--repeats` passes of
/// `--images` images, the fastest counting. One JSON line on standard output with the keys the
/// peer prints, plus the process's CPU time per image in that pass (`cpu_ms_per_image`, steadier
/// than wall time on a busy shared machine) and its peak resident memory.
struct ImageEncoderBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "image-encoder",
        abstract: "Benchmark EfficientNet-Lite0 image embeddings + classifier (images/s, peak memory).")

    @Option(help: "The model cache `loupe models fetch` filled (default: $LOUPE_MODEL_CACHE or ~/.cache/loupe/models).")
    var modelCache: String?

    @Option(help: "Threads (the peer's torch intra-op threads).")
    var threads = 2

    @Option(help: "Images per batch.")
    var batch = 16

    @Option(help: "Images per timed pass.")
    var images = 128

    @Option(help: "Untimed batches before timing.")
    var warmup = 2

    @Option(help: "Timed passes; the fastest counts.")
    var repeats = 3

    @Option(help: "A float32 little-endian NCHW batch (batch × 3 × 224 × 224) to encode, e.g. the peer's exact input; default: seeded pixels normalised as (p − 127) / 128.")
    var input: String?

    func validate() throws {
        guard threads >= 1, batch >= 1, images >= 1, repeats >= 1, warmup >= 0 else {
            throw ValidationError("--threads, --batch, --images and --repeats must be at least 1, --warmup at least 0")
        }
    }

    func run() throws {
        let store = modelCache.map { ModelStore(directory: URL(fileURLWithPath: $0, isDirectory: true)) } ?? ModelStore()
        let encoder = try EfficientNetLite0Encoder(store: store, threads: threads)
        let x = try inputBatch()
        let batches = (images + batch - 1) / batch
        log("EfficientNet-Lite0: \(threads) threads, batch \(batch), \(batches * batch) images per pass")
        for _ in 0..<warmup { _ = try encoder.classify(x) }
        var best = Double.infinity, bestCPU = Double.infinity
        for _ in 0..<repeats {
            let cpuStart = Self.processCPUSeconds()
            let seconds = try BenchClock.time { for _ in 0..<batches { _ = try encoder.classify(x) } }
            let cpu = Self.processCPUSeconds() - cpuStart
            log(String(format: "pass: %.3f s, CPU %.3f s", seconds, cpu))
            if seconds < best { (best, bestCPU) = (seconds, cpu) }
        }
        var line = JSONLine()
        line.add("model", "EfficientNet-Lite0")
        line.add("lib", "loupe")
        line.add("threads", threads)
        line.add("batch", batch)
        line.add("items_per_s", Double(batches * batch) / best, digits: 2)
        line.add("cpu_ms_per_image", bestCPU * 1000 / Double(batches * batch), digits: 2)
        line.add("peak_rss_mb", Self.peakResidentMegabytes(), digits: 1)
        print(line.text)
    }

    /// The batch to encode: the file given, or seeded uint8 pixels normalised as the model expects.
    private func inputBatch() throws -> Tensor {
        let shape = [batch, 3, 224, 224]
        let count = Tensor.elementCount(shape)
        if let input {
            guard let data = FileManager.default.contents(atPath: input), data.count == count * 4 else {
                throw ValidationError("\(input): expected \(count * 4) bytes of float32 (\(shape))")
            }
            return try Tensor(shape: shape, storage: data.withUnsafeBytes { raw in
                (0..<count).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self))) }
            })
        }
        var generator = SplitMix64(seed: 0)
        return try Tensor(shape: shape, storage: (0..<count).map { _ in (Float(generator.next() & 0xFF) - 127) / 128 })
    }

    /// User + system CPU seconds of every thread of the process so far.
    static func processCPUSeconds() -> Double {
        var usage = rusage()
        #if os(Linux)
        getrusage(RUSAGE_SELF.rawValue, &usage)
        #else
        getrusage(RUSAGE_SELF, &usage)
        #endif
        let seconds = { (t: timeval) in Double(t.tv_sec) + Double(t.tv_usec) * 1e-6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }

    /// The process's peak resident set size (getrusage's ru_maxrss), in MB (10⁶ bytes).
    static func peakResidentMegabytes() -> Double {
        var usage = rusage()
        #if os(Linux)
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_maxrss) * 1024 / 1e6  // kilobytes
        #else
        getrusage(RUSAGE_SELF, &usage)
        return Double(usage.ru_maxrss) / 1e6  // bytes on Darwin
        #endif
    }
}
