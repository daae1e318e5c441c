import ArgumentParser
import Foundation
import VectorMath

/// `loupe bench select`: the Curation module's selection and cleaning algorithms on the files
/// `scripts/select_peer.py inputs` writes (Fashion-MNIST with planted image copies and flipped
/// labels, WordNet glosses with planted edited copies), one JSON line per measurement on
/// standard output and each answer in a file of `--out` for `select_peer.py table` to score
/// beside the peers' answers.
///
/// (1) near-duplicate images by the exact sgemm join and by HNSW; (2) near-duplicate texts by
/// MinHash LSH; (3) label mistakes on pixels and on PCA-50, from exact and HNSW neighbour
/// graphs; (4) a k-center greedy coreset.
struct SelectBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "select",
        abstract: "Benchmark near-duplicates, label mistakes and k-center selection against their Python peers.")

    @Option(help: "Folder written by `scripts/select_peer.py inputs`.")
    var data: String

    @Option(help: "Folder for the answers (pairs, rankings, picks).")
    var out: String

    @Option(help: "Worker threads (OpenBLAS itself runs single-threaded under them).")
    var threads = 2

    @Option(help: "Comma list of the measurements to run: images, texts, labels, kcenter.")
    var tests = "images,texts,labels,kcenter"

    func validate() throws {
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1") }
    }

    func run() throws {
        BatchScoring.setThreadCount(1)
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let inputs = try SelectInputs(folder: data)
        log("select: \(inputs.imageRows) images, \(inputs.texts.count) texts, \(inputs.labels.count) labels; "
            + "\(threads) threads, kernels \(VectorKernels.active.level)")
        let benchmark = SelectBenchmark(inputs: inputs, out: out, threads: threads)
        let chosen = Set(tests.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
        if let unknown = chosen.subtracting(["images", "texts", "labels", "kcenter"]).first {
            throw ValidationError("unknown test '\(unknown)' (expected images, texts, labels, kcenter)")
        }
        var lines: [JSONLine] = []
        if chosen.contains("images") { lines += try benchmark.imageDuplicates() }
        if chosen.contains("texts") { lines.append(try benchmark.textDuplicates()) }
        if chosen.contains("labels") { lines += try benchmark.labelMistakes() }
        if chosen.contains("kcenter") { lines.append(try benchmark.kCenter()) }
        for line in lines { print(line.text) }
    }
}

/// The benchmark's inputs in memory.
struct SelectInputs {
    struct Manifest: Decodable {
        struct Images: Decodable { let rows: Int; let dims: Int; let base: Int }
        struct Labels: Decodable { let rows: Int; let classes: Int; let flipped: Int }
        struct PCA: Decodable { let rows: Int; let dims: Int }
        let images: Images
        let labels: Labels
        let pca: PCA
        let image_thresholds: [Float]
        let text_threshold: Double
        let label_k: Int
        let kcenter_picks: Int
        let kcenter_start: UInt32
    }

    let manifest: Manifest
    /// Fashion-MNIST's training images and the planted copies, raw pixels, row-major.
    let images: [Float]
    let imageRows: Int
    /// The training labels with some flipped.
    let labels: [Int32]
    /// The training images on their first 50 principal components.
    let pca: [Float]
    /// WordNet glosses and planted copies.
    let texts: [String]

    init(folder: String) throws {
        guard let json = FileManager.default.contents(atPath: folder + "/manifest.json") else {
            throw ValidationError("cannot read \(folder)/manifest.json (run scripts/select_peer.py inputs first)")
        }
        manifest = try JSONDecoder().decode(Manifest.self, from: json)
        imageRows = manifest.images.rows
        images = try Self.read(folder + "/images.f32", as: Float.self, count: imageRows * manifest.images.dims)
        labels = try Self.read(folder + "/labels.i32", as: Int32.self, count: manifest.labels.rows)
        pca = try Self.read(folder + "/pca50.f32", as: Float.self, count: manifest.pca.rows * manifest.pca.dims)
        texts = try MinHashInputs.readLines(folder + "/texts.txt")
    }

    /// `count` little-endian values of `T` from a headerless file of exactly that size.
    static func read<T: BitwiseCopyable>(_ path: String, as: T.Type, count: Int) throws -> [T] {
        guard let data = FileManager.default.contents(atPath: path) else { throw ValidationError("cannot read \(path)") }
        guard data.count == count * MemoryLayout<T>.size else {
            throw ValidationError("\(path) holds \(data.count) bytes; expected \(count) values of \(MemoryLayout<T>.size) bytes")
        }
        return [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            data.withUnsafeBytes { raw in _ = raw.copyBytes(to: buffer) }
            initialized = count
        }
    }
}
