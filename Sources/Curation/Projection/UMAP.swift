import Foundation
import VectorIndex
import VectorMath

/// Uniform Manifold Approximation and Projection (McInnes, Healy & Melville, "UMAP: Uniform
/// Manifold Approximation and Projection for Dimension Reduction", 2018), following umap-learn
/// 0.5: the cluster map's non-linear 2-D projection.
///
/// 1. The kNN graph of the rows (exact by BLAS for small sets, Loupe's HNSW index above —
///    `NeighborSearch`), with `neighbors − 1` neighbours besides the row itself as umap-learn
///    counts them.
/// 2. Local fuzzy sets: ρ and σ per row by binary search, memberships exp(−(d − ρ)/σ), and their
///    fuzzy union P + Pᵀ − P∘Pᵀ; edges below max/epochs dropped.
/// 3. Initialisation: the spectral layout of the graph (`SpectralLayout`, Lanczos), PCA, or
///    random; scaled to a largest coordinate of 10 with N(0, 10⁻⁴) noise, then each axis to
///    [0, 10].
/// 4. Stochastic gradient descent on the fuzzy cross-entropy with edges sampled in proportion to
///    their weight, `negativeSampleRate` negative samples each, learning rate 1 − epoch/epochs,
///    gradients clipped to ±4 (`UMAP+Layout.swift`), on `threads` threads lock-free (Hogwild,
///    Recht et al. 2011, as umap-learn's parallel mode; each thread runs its own edges through
///    all epochs without a barrier between epochs).
///
/// New rows are placed by `transform` without refitting. With one thread a seed reproduces the
/// layout exactly; with several, updates race as in umap-learn and runs differ slightly.
public struct UMAP: Sendable {
    /// How to initialise the layout.
    public enum Initialization: String, Sendable, Equatable {
        /// Eigenvectors of the graph's normalised Laplacian (umap-learn's default).
        case spectral
        /// The first principal components of the rows.
        case pca
        /// Uniform in [−10, 10].
        case random
    }

    /// How to embed.
    public struct Parameters: Sendable {
        /// The size of the local neighbourhood, the row itself included (umap-learn's
        /// `n_neighbors`).
        public var neighbors: Int
        /// Output dimensions.
        public var components: Int
        /// How close points may be packed in the embedding.
        public var minDistance: Double
        /// The scale of the embedded points.
        public var spread: Double
        /// Optimisation epochs; nil for 500 up to 10,000 rows and 200 above, as umap-learn.
        public var epochs: Int?
        /// The initial learning rate.
        public var learningRate: Double
        /// Negative samples per positive sample.
        public var negativeSampleRate: Int
        /// The weight of negative samples (umap-learn's `repulsion_strength`).
        public var repulsionStrength: Double
        /// Neighbours assumed connected at full strength.
        public var localConnectivity: Double
        /// How the layout starts.
        public var initialization: Initialization
        /// `.l2` or `.cosine`.
        public var metric: Metric
        /// How neighbours are found.
        public var neighborSearch: NeighborSearch
        /// Seed of the initialisation noise and the negative samples.
        public var seed: UInt64
        /// Worker threads.
        public var threads: Int

        /// umap-learn's defaults.
        public init(neighbors: Int = 15, components: Int = 2, minDistance: Double = 0.1, spread: Double = 1,
                    epochs: Int? = nil, learningRate: Double = 1, negativeSampleRate: Int = 5, repulsionStrength: Double = 1,
                    localConnectivity: Double = 1, initialization: Initialization = .spectral, metric: Metric = .l2,
                    neighborSearch: NeighborSearch = .automatic, seed: UInt64 = 42, threads: Int = KMeans.availableCores) {
            self.neighbors = neighbors
            self.components = components
            self.minDistance = minDistance
            self.spread = spread
            self.epochs = epochs
            self.learningRate = learningRate
            self.negativeSampleRate = negativeSampleRate
            self.repulsionStrength = repulsionStrength
            self.localConnectivity = localConnectivity
            self.initialization = initialization
            self.metric = metric
            self.neighborSearch = neighborSearch
            self.seed = seed
            self.threads = threads
        }
    }

    /// Seconds spent in each stage of `fit`.
    public struct Timings: Sendable {
        public var neighbors = 0.0, fuzzySet = 0.0, initialization = 0.0, layout = 0.0
    }

    /// Components per input row.
    public let dimensions: Int
    /// The parameters of the fit.
    public let parameters: Parameters
    /// The embedding, row-major `rows × components`.
    public let embedding: [Float]
    /// The membership curve's a and b.
    public let a: Double, b: Double
    /// Epochs of the fit.
    public let epochs: Int
    /// Whether the kNN graph was exact.
    public let exactNeighbors: Bool
    /// The initialisation that ran (spectral falls back to PCA only if its eigensolver fails).
    public let initializationUsed: Initialization
    /// Where the time went.
    public let timings: Timings
    let finder: NeighborFinder

    /// Rows embedded.
    public var count: Int { embedding.count / parameters.components }

    /// Embeds `points` (row-major, `dimensions` wide).
    /// - Throws: `CurationError` for bad rows, fewer rows than `neighbors`, or parameters out of
    ///   range.
    /// - Complexity: the kNN graph (O(n² · d) exact, or HNSW), then O(epochs · edges ·
    ///   negativeSampleRate) for the layout.
    public static func fit(
        _ points: UnsafeBufferPointer<Float>, dimensions: Int, parameters: Parameters = Parameters()
    ) throws(CurationError) -> UMAP {
        try RowVectors.checkDistanceMetric(parameters.metric, what: "UMAP")
        let n = try RowVectors.rowCount(points, dimensions: dimensions, metric: parameters.metric, what: "UMAP input")
        guard parameters.neighbors >= 2 else { throw CurationError(.invalidArgument, "UMAP needs neighbors ≥ 2 (got \(parameters.neighbors))") }
        guard n > parameters.neighbors else {
            throw CurationError(.notEnoughRows, "UMAP with \(parameters.neighbors) neighbours needs more than \(parameters.neighbors) rows (got \(n))")
        }
        guard parameters.components >= 1, parameters.components < n, parameters.minDistance >= 0,
              parameters.spread > 0, parameters.minDistance <= parameters.spread, parameters.learningRate > 0,
              parameters.negativeSampleRate >= 0, parameters.repulsionStrength >= 0, parameters.localConnectivity >= 0,
              parameters.threads >= 1, (parameters.epochs ?? 1) >= 1 else {
            throw CurationError(.invalidArgument, "UMAP parameters out of range: components 1…rows−1, 0 ≤ minDistance ≤ spread, positive learning rate and epochs, threads ≥ 1")
        }
        var timings = Timings()
        let base = points.baseAddress!
        var clock = Stopwatch()
        let finder = try NeighborFinder(base, count: n, dimensions: dimensions, metric: parameters.metric,
                                        search: parameters.neighborSearch, threads: parameters.threads)
        let knn = try finder.graph(k: parameters.neighbors - 1, points: base)
        timings.neighbors = clock.lap()

        let (sigma, rho) = FuzzySet.smoothDistances(
            Self.withSelf(knn), rows: n, width: knn.k + 1,
            neighbors: Double(parameters.neighbors), localConnectivity: parameters.localConnectivity)
        let memberships = FuzzySet.memberships(knn.distances, ids: knn.neighbors, rows: n, width: knn.k, sigma: sigma, rho: rho)
        var graph = FuzzySet.union(knn, memberships: memberships)
        let epochs = parameters.epochs ?? (n <= 10_000 ? 500 : 200)
        let heaviest = graph.weights.max() ?? 0
        graph.removeEdges(lighterThan: epochs > 10 ? heaviest / Float(epochs) : heaviest / Float(n <= 10_000 ? 500 : 200))
        timings.fuzzySet = clock.lap()

        let dim = parameters.components
        var random = SplitMix64(seed: parameters.seed)
        var initializationUsed = parameters.initialization
        var start: [Float]
        switch parameters.initialization {
        case .random:
            start = (0..<n * dim).map { _ in Float(random.nextUnitInterval() * 20 - 10) }
        case .pca:
            start = try pcaStart(points, dimensions: dimensions, components: dim, threads: parameters.threads)
            noisyScale(&start, random: &random)
        case .spectral:
            do {
                start = try SpectralLayout.layout(graph, dim: dim, points: base, dimensions: dimensions, seed: parameters.seed,
                                                  threads: parameters.threads)
            } catch {
                initializationUsed = .pca
                start = try pcaStart(points, dimensions: dimensions, components: dim, threads: parameters.threads)
            }
            noisyScale(&start, random: &random)
        }
        rescaleAxes(&start, dim: dim)
        timings.initialization = clock.lap()

        let (a, b) = curveParameters(minDistance: parameters.minDistance, spread: parameters.spread)
        var layout = Layout(graph: graph, epochs: epochs)
        layout.optimize(head: &start, tail: nil, dim: dim, a: Float(a), b: Float(b), gamma: Float(parameters.repulsionStrength),
                        initialAlpha: Float(parameters.learningRate), negativeSampleRate: parameters.negativeSampleRate,
                        seed: parameters.seed, threads: parameters.threads)
        timings.layout = clock.lap()
        return UMAP(dimensions: dimensions, parameters: parameters, embedding: start, a: a, b: b, epochs: epochs,
                    exactNeighbors: knn.isExact, initializationUsed: initializationUsed, timings: timings, finder: finder)
    }

    /// `fit` over an array.
    public static func fit(_ points: [Float], dimensions: Int, parameters: Parameters = Parameters()) throws(CurationError) -> UMAP {
        try points.withUnsafeBufferPointer { points throws(CurationError) in try fit(points, dimensions: dimensions, parameters: parameters) }
    }

    /// The kNN distances with a leading 0 column for the row itself, as umap-learn's lists have.
    static func withSelf(_ knn: KNNGraph) -> [Float] {
        var out = [Float](repeating: 0, count: knn.count * (knn.k + 1))
        for i in 0..<knn.count {
            for j in 0..<knn.k { out[i * (knn.k + 1) + j + 1] = knn.distances[i * knn.k + j] }
        }
        return out
    }

    static func pcaStart(_ points: UnsafeBufferPointer<Float>, dimensions: Int, components: Int, threads: Int) throws(CurationError) -> [Float] {
        let pca = try PCA.fit(points, dimensions: dimensions, components: min(components, dimensions), threads: threads)
        var projected = try pca.transform(points)
        if pca.components < components {
            // More output dimensions than input ones: pad with zeros.
            let n = projected.count / pca.components
            var padded = [Float](repeating: 0, count: n * components)
            for i in 0..<n { for j in 0..<pca.components { padded[i * components + j] = projected[i * pca.components + j] } }
            projected = padded
        }
        return projected
    }

    /// umap-learn's `noisy_scale_coords`: largest |coordinate| 10, plus N(0, 10⁻⁴) noise.
    static func noisyScale(_ coordinates: inout [Float], random: inout SplitMix64) {
        let largest = coordinates.map { abs($0) }.max() ?? 0
        let expansion: Float = largest > 0 ? 10 / largest : 1
        for i in coordinates.indices { coordinates[i] = coordinates[i] * expansion + 0.0001 * random.nextGaussian() }
    }

    /// Each axis scaled to [0, 10].
    static func rescaleAxes(_ coordinates: inout [Float], dim: Int) {
        let n = coordinates.count / dim
        for j in 0..<dim {
            var low = Float.infinity, high = -Float.infinity
            for i in 0..<n {
                low = min(low, coordinates[i * dim + j])
                high = max(high, coordinates[i * dim + j])
            }
            let scale: Float = high > low ? 10 / (high - low) : 0
            for i in 0..<n { coordinates[i * dim + j] = (coordinates[i * dim + j] - low) * scale }
        }
    }
}

/// Seconds between laps, on a monotonic clock.
struct Stopwatch {
    private var last = DispatchTime.now().uptimeNanoseconds

    mutating func lap() -> Double {
        let now = DispatchTime.now().uptimeNanoseconds
        defer { last = now }
        return Double(now - last) * 1e-9
    }
}
