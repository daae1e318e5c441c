import ArgumentParser
import Encoders
import Foundation

/// `loupe bench images`: image decoding and EfficientNet-Lite preprocessing (decode → resize
/// shorter side to 256, bicubic → centre crop 224) on skimage's sample photos, one JSON line per
/// measurement on standard output, with the keys `scripts/images_peer.py` prints for Pillow.
///
/// The files are read into memory first, so only decoding and preprocessing are timed. A pass
/// processes every file `--rounds` times; with T threads the images of a pass are shared out
/// among T workers. The fastest of `--repeats` passes counts, for wall time (`images_per_s`) and
/// separately for the workers' CPU time (`cpu_ms_per_image`, the fairer figure on a busy shared
/// machine). Pipelines:
/// - `crop`: decode + resize + crop to the 8-bit 224 × 224 crop (the reference path, bit-exact
///   with Pillow);
/// - `tensor`: `crop` + normalisation to the float32 CHW tensor;
/// - `crop-reduced-jpeg`: `crop` with the opt-in DCT-scaled JPEG decoding (not bit-exact);
/// - `decode` and `resize-crop` alone, on one thread, to show where the time goes.
struct ImagesBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "images",
        abstract: "Benchmark image decoding and EfficientNet-Lite preprocessing on real photos.")

    @Option(help: "Folder holding the photos (Debian python3-skimage's sample data).")
    var folder = "/usr/lib/python3/dist-packages/skimage/data"

    @Option(help: "Comma list of files in the folder.")
    var files = "astronaut.png,chelsea.png,coffee.png,rocket.jpg,motorcycle_left.png,hubble_deep_field.jpg,camera.png,retina.jpg"

    @Option(help: "Times each file is processed in one pass.")
    var rounds = 4

    @Option(help: "Timed passes per measurement; the fastest counts.")
    var repeats = 5

    @Option(help: "Comma list of thread counts.")
    var threads = "1,2"

    func validate() throws {
        guard rounds > 0, repeats > 0 else { throw ValidationError("--rounds and --repeats must be positive") }
    }

    func run() throws {
        let names = files.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }
        let inputs = try names.map { name -> Data in
            let path = folder + "/" + name
            guard let data = FileManager.default.contents(atPath: path) else { throw ValidationError("cannot read \(path)") }
            return data
        }
        let threadCounts = try threads.split(separator: ",").map { text -> Int in
            guard let value = Int(text), value > 0 else { throw ValidationError("bad thread count '\(text)'") }
            return value
        }
        let benchmark = ImagesBenchmark(names: names, inputs: inputs, rounds: rounds, repeats: repeats)
        log("images: \(names.count) files × \(rounds) rounds per pass, best of \(repeats)")
        for count in threadCounts {
            for pipeline in ImagesBenchmark.Pipeline.allCases where pipeline.isEndToEnd {
                print(try benchmark.measure(pipeline, threads: count).text)
            }
        }
        for pipeline in ImagesBenchmark.Pipeline.allCases where !pipeline.isEndToEnd {
            print(try benchmark.measure(pipeline, threads: 1).text)
        }
    }
}

/// The work and the timing of `loupe bench images`.
struct ImagesBenchmark {
    /// What one image goes through.
    enum Pipeline: String, CaseIterable {
        case crop
        case tensor
        case cropReducedJPEG = "crop-reduced-jpeg"
        case decode
        case resizeCrop = "resize-crop"

        var isEndToEnd: Bool { self != .decode && self != .resizeCrop }
    }

    let names: [String]
    let inputs: [Data]
    let rounds: Int
    let repeats: Int
    let preprocessor = ImagePreprocessor.efficientNetLite

    /// One JSON line: images per second of the fastest pass.
    func measure(_ pipeline: Pipeline, threads: Int) throws -> JSONLine {
        let exact = ImageDecoder()
        let reduced = ImageDecoder(reducedJPEGShorterSide: preprocessor.shorterSide)
        let decoded = pipeline == .resizeCrop ? try zip(names, inputs).map { try exact.decode(data: $1, name: $0) } : []
        let work = names.count * rounds
        let failures = Failures()
        let process: @Sendable (Int) -> Void = { item in
            let index = item % names.count
            do {
                switch pipeline {
                case .crop: _ = try preprocessor.crop(exact.decode(data: inputs[index], name: names[index]))
                case .tensor: _ = try preprocessor.tensor(for: exact.decode(data: inputs[index], name: names[index]))
                case .cropReducedJPEG: _ = try preprocessor.crop(reduced.decode(data: inputs[index], name: names[index]))
                case .decode: _ = try exact.decode(data: inputs[index], name: names[index])
                case .resizeCrop: _ = try preprocessor.crop(decoded[index])
                }
            } catch {
                failures.record("\(names[index]): \(error)")
            }
        }
        process(0)  // warm-up
        var best = Double.infinity, bestCPU = Double.infinity
        for _ in 0..<repeats {
            let cpu = CPUTime()
            let seconds = BenchClock.time {
                DispatchQueue.concurrentPerform(iterations: threads) { worker in
                    let start = CPUTime.thread()
                    for item in stride(from: worker, to: work, by: threads) { process(item) }
                    cpu.add(CPUTime.thread() - start)
                }
            }
            best = min(best, seconds)
            bestCPU = min(bestCPU, cpu.total)
        }
        if let failure = failures.first { throw ValidationError(failure) }
        var line = JSONLine()
        line.add("impl", "loupe")
        line.add("pipeline", pipeline.rawValue)
        line.add("threads", threads)
        line.add("images", work)
        line.add("images_per_s", Double(work) / best, digits: 1)
        line.add("ms_per_image", best * 1000 / Double(work) * Double(threads), digits: 3)
        line.add("cpu_ms_per_image", bestCPU * 1000 / Double(work), digits: 3)
        return line
    }
}

/// CPU seconds spent by the workers of one pass: unlike wall time, barely moved by other
/// processes competing for the cores of a shared machine.
private final class CPUTime: @unchecked Sendable {
    // @unchecked: `seconds` is only touched while `lock` is held.
    private let lock = NSLock()
    private var seconds = 0.0

    func add(_ value: Double) { lock.withLock { seconds += value } }
    var total: Double { lock.withLock { seconds } }

    /// The calling thread's CPU time in seconds.
    static func thread() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
    }
}

/// The first error a worker hit, kept for the report.
private final class Failures: @unchecked Sendable {
    // @unchecked: `messages` is only touched while `lock` is held.
    private let lock = NSLock()
    private var messages: [String] = []

    func record(_ message: String) { lock.withLock { messages.append(message) } }
    var first: String? { lock.withLock { messages.first } }
}
