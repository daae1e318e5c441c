import Curation
import Foundation
import VectorMath

/// The measurements behind `loupe bench curation`, on rows already in memory.
struct CurationBenchmark {
    let points: [Float]
    let dimensions: Int
    let threads: Int
    let seed: UInt64

    var count: Int { points.count / dimensions }

    /// k-means with scikit-learn's settings, best of `restarts`.
    func kMeans(k: Int, restarts: Int) throws -> JSONLine {
        let parameters = KMeansClustering.Parameters(clusters: k, restarts: restarts, seed: seed, threads: threads, algorithm: .lloyd)
        var model: KMeansClustering?
        let seconds = try BenchClock.time { model = try KMeansClustering.fit(points, dimensions: dimensions, parameters: parameters) }
        guard let model else { throw CurationError(.computationFailed, "k-means returned nothing") }
        log("kmeans k=\(k): \(String(format: "%.3f", seconds)) s, inertia \(model.inertia), \(model.iterations) iterations")
        var line = JSONLine()
        line.add("task", "kmeans")
        line.add("implementation", "loupe")
        line.add("k", k)
        line.add("restarts", restarts)
        line.add("seconds", seconds)
        line.add("inertia", model.inertia, digits: 2)
        line.add("iterations", model.iterations)
        return line
    }

    /// UMAP with umap-learn's defaults, and the trustworthiness (k = 10) of its embedding.
    func umap(initialization: UMAP.Initialization) throws -> (JSONLine, [Float]) {
        let parameters = UMAP.Parameters(initialization: initialization, seed: seed, threads: threads)
        var model: UMAP?
        let seconds = try BenchClock.time { model = try UMAP.fit(points, dimensions: dimensions, parameters: parameters) }
        guard let model else { throw CurationError(.computationFailed, "UMAP returned nothing") }
        let trust = try Trustworthiness.score(original: points, dimensions: dimensions, embedding: model.embedding,
                                              embeddingDimensions: model.parameters.components, k: 10, threads: threads)
        let t = model.timings
        log("umap: \(String(format: "%.3f", seconds)) s (kNN \(String(format: "%.3f", t.neighbors)), fuzzy set \(String(format: "%.3f", t.fuzzySet)), "
            + "init \(String(format: "%.3f", t.initialization)) \(model.initializationUsed.rawValue), layout \(String(format: "%.3f", t.layout))), "
            + "trustworthiness \(String(format: "%.4f", trust))")
        var line = JSONLine()
        line.add("task", "umap")
        line.add("implementation", "loupe")
        line.add("init", model.initializationUsed.rawValue)
        line.add("seconds", seconds)
        line.add("knn_seconds", t.neighbors)
        line.add("fuzzy_seconds", t.fuzzySet)
        line.add("init_seconds", t.initialization)
        line.add("layout_seconds", t.layout)
        line.add("epochs", model.epochs)
        line.add("exact_knn", model.exactNeighbors ? 1 : 0)
        line.add("trustworthiness", trust)
        return (line, model.embedding)
    }

    /// PCA to 2-D, and the trustworthiness of that projection.
    func pca() throws -> JSONLine {
        var model: PCA?
        let seconds = try BenchClock.time { model = try PCA.fit(points, dimensions: dimensions, components: 2, threads: threads) }
        guard let model else { throw CurationError(.computationFailed, "PCA returned nothing") }
        let projected = try model.transform(points)
        let trust = try Trustworthiness.score(original: points, dimensions: dimensions, embedding: projected, embeddingDimensions: 2,
                                              k: 10, threads: threads)
        var line = JSONLine()
        line.add("task", "pca")
        line.add("implementation", "loupe")
        line.add("seconds", seconds)
        line.add("explained_variance_ratio", model.explainedVarianceRatio.prefix(2).reduce(0, +))
        line.add("trustworthiness", trust)
        return line
    }

    /// HDBSCAN (no peer target; for the record), and its labels.
    func hdbscan(minClusterSize: Int) throws -> (JSONLine, [Int32]) {
        let parameters = HDBSCAN.Parameters(minClusterSize: minClusterSize, threads: threads)
        var model: HDBSCAN?
        let seconds = try BenchClock.time { model = try HDBSCAN.fit(points, dimensions: dimensions, parameters: parameters) }
        guard let model else { throw CurationError(.computationFailed, "HDBSCAN returned nothing") }
        var line = JSONLine()
        line.add("task", "hdbscan")
        line.add("implementation", "loupe")
        line.add("min_cluster_size", minClusterSize)
        line.add("seconds", seconds)
        line.add("clusters", model.clusterCount)
        line.add("noise", model.labels.filter { $0 < 0 }.count)
        return (line, model.labels)
    }
}
