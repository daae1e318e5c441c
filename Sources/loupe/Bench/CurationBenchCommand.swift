import ArgumentParser
import Curation
import Foundation
import VectorMath

/// `loupe bench curation`: k-means, UMAP, PCA and HDBSCAN on one `.fvecs` file (Fashion-MNIST's
/// 10,000 test images as written by `scripts/curation_peers.py export`), one JSON line per task on
/// standard output, with the keys `scripts/curation_peers.py run` prints for scikit-learn and
/// umap-learn on the same file.
///
/// k-means: scikit-learn's rules (k-means++ greedy seeding, Lloyd, `tol` 1e-4, `max_iter` 300),
/// best of `--restarts` runs; UMAP: umap-learn's defaults (15 neighbours, min_dist 0.1, spectral
/// initialisation), trustworthiness (k = 10) of the embedding, which `--export` writes for the
/// peer script to score with scikit-learn as well.
struct CurationBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "curation",
        abstract: "Benchmark k-means, UMAP, PCA and HDBSCAN on an .fvecs file (Fashion-MNIST 10k).")

    @Option(help: "The rows, an .fvecs file.")
    var data: String

    @Option(help: "Comma list of k for k-means.")
    var kmeans = "10,100"

    @Option(help: "k-means restarts (n_init); the lowest inertia is kept.")
    var restarts = 3

    @Option(help: "Worker threads (OpenBLAS runs single-threaded under them).")
    var threads = 2

    @Option(help: "Seed of k-means and UMAP.")
    var seed: UInt64 = 0

    @Option(help: "Comma list of tasks: kmeans, umap, pca, hdbscan.")
    var tasks = "kmeans,umap,pca,hdbscan"

    @Option(help: "UMAP initialisation: spectral, pca or random.")
    var umapInit = "spectral"

    @Option(help: "HDBSCAN's minimum cluster size.")
    var minClusterSize = 50

    @Option(help: "Folder to write the UMAP embedding (umap-embedding.f32, row-major float32) and HDBSCAN labels (hdbscan-labels.i32) to.")
    var export: String?

    func validate() throws {
        guard restarts >= 1, threads >= 1 else { throw ValidationError("--restarts and --threads must be at least 1") }
        guard UMAP.Initialization(rawValue: umapInit) != nil else { throw ValidationError("--umap-init must be spectral, pca or random") }
    }

    func run() throws {
        BatchScoring.setThreadCount(1)
        let (values, dimensions, count) = try Texmex.readFloatVectors(data)
        let benchmark = CurationBenchmark(points: values, dimensions: dimensions, threads: threads, seed: seed)
        log("curation: \(count) rows × \(dimensions) from \(data); \(threads) threads; kernels \(VectorKernels.active.level)")
        let wanted = Set(tasks.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
        if wanted.contains("kmeans") {
            for text in kmeans.split(separator: ",") {
                guard let k = Int(text.trimmingCharacters(in: .whitespaces)) else { throw ValidationError("bad k '\(text)'") }
                print(try benchmark.kMeans(k: k, restarts: restarts).text)
            }
        }
        if wanted.contains("umap") {
            let (line, embedding) = try benchmark.umap(initialization: UMAP.Initialization(rawValue: umapInit) ?? .spectral)
            print(line.text)
            if let export {
                try FileManager.default.createDirectory(atPath: export, withIntermediateDirectories: true)
                try embedding.withUnsafeBufferPointer { Data(buffer: $0) }.write(to: URL(fileURLWithPath: export + "/umap-embedding.f32"))
            }
        }
        if wanted.contains("pca") { print(try benchmark.pca().text) }
        if wanted.contains("hdbscan") {
            let (line, labels) = try benchmark.hdbscan(minClusterSize: minClusterSize)
            print(line.text)
            if let export {
                try labels.withUnsafeBufferPointer { Data(buffer: $0) }.write(to: URL(fileURLWithPath: export + "/hdbscan-labels.i32"))
            }
        }
    }
}
