import VectorMath

/// k-means clustering of rows, as scikit-learn's `KMeans` does it: greedy k-means++ seeding
/// (Arthur & Vassilvitskii 2007, with 2 + ⌊ln k⌋ candidates per step), Lloyd iterations until the
/// assignment stops changing or the centroids move less than a relative tolerance, empty
/// clusters moved to the farthest points, and the best of several restarts. Above
/// `miniBatchThreshold` rows `.automatic` switches to mini-batch k-means (Sculley, "Web-scale
/// k-means clustering", WWW 2010).
///
/// The heavy lifting is VectorMath's `KMeans` engine: assignments by BLAS sgemm on `threads`
/// cores, centroid sums per cluster in point order — a seed gives the same result whatever the
/// number of threads. Under `.cosine`, rows are normalised and centroids kept unit length
/// (spherical k-means).
///
/// Call `BatchScoring.setThreadCount(1)` before using several threads, so that OpenBLAS does not
/// start its own threads under each worker.
public struct KMeansClustering: Sendable {
    /// Which k-means.
    public enum Algorithm: Sendable, Equatable {
        /// Lloyd up to `miniBatchThreshold` rows, mini-batch above.
        case automatic
        /// Full Lloyd iterations over every row.
        case lloyd
        /// Mini-batch k-means with batches of this many rows.
        case miniBatch(batchSize: Int)
    }

    /// How to cluster.
    public struct Parameters: Sendable, Equatable {
        /// The number of clusters k.
        public var clusters: Int
        /// Runs from different seeds; the one with the lowest inertia is kept (scikit-learn's
        /// `n_init`).
        public var restarts: Int
        /// Lloyd iterations per run at most (mini-batch: passes over the data at most).
        public var maxIterations: Int
        /// Relative tolerance on the centroids' movement (scikit-learn's `tol`).
        public var tolerance: Double
        /// Seed of the seeding draws (and of the batches).
        public var seed: UInt64
        /// Worker threads.
        public var threads: Int
        /// Lloyd, mini-batch, or chosen by size.
        public var algorithm: Algorithm
        /// `.l2`, or `.cosine` for spherical k-means on normalised rows.
        public var metric: Metric

        /// scikit-learn's defaults (`n_init` = 3 here, `max_iter` = 300, `tol` = 1e-4).
        public init(clusters: Int, restarts: Int = 3, maxIterations: Int = 300, tolerance: Double = 1e-4, seed: UInt64 = 0,
                    threads: Int = KMeans.availableCores, algorithm: Algorithm = .automatic, metric: Metric = .l2) {
            self.clusters = clusters
            self.restarts = restarts
            self.maxIterations = maxIterations
            self.tolerance = tolerance
            self.seed = seed
            self.threads = threads
            self.algorithm = algorithm
            self.metric = metric
        }
    }

    /// Above this many rows `.automatic` uses mini-batch k-means: a Lloyd iteration costs
    /// rows · k · d, and at 10⁵ rows of 768 dimensions with k = 100 three restarts of ~100
    /// iterations already take about a minute on two cores.
    public static let miniBatchThreshold = 100_000

    /// Components per row.
    public let dimensions: Int
    /// `.l2`, or `.cosine` (centroids unit length).
    public let metric: Metric
    /// The centroids, row-major `clusterCount × dimensions`.
    public let centroids: [Float]
    /// The cluster of each row that was clustered.
    public let assignments: [Int32]
    /// Σ over rows of the squared distance to their centroid (under cosine, of 1 − cos).
    public let inertia: Double
    /// Iterations of the kept run (mini-batch: steps).
    public let iterations: Int
    /// The algorithm that ran (never `.automatic`).
    public let algorithm: Algorithm

    /// The number of clusters.
    public var clusterCount: Int { centroids.count / dimensions }

    /// Clusters `points` (row-major, `dimensions` wide).
    /// - Throws: `CurationError` for no rows, bad rows (NaN, wrong width, zero under cosine),
    ///   k < 1, k > rows, or other parameters out of range.
    /// - Complexity: O(restarts · iterations · n · k · d) at sgemm speed for Lloyd.
    public static func fit(
        _ points: UnsafeBufferPointer<Float>, dimensions: Int, parameters: Parameters
    ) throws(CurationError) -> KMeansClustering {
        let k = parameters.clusters
        guard parameters.metric != .innerProduct else {
            throw CurationError(.invalidArgument, "k-means clusters by distance: use l2, or cosine for spherical k-means")
        }
        let count = try RowVectors.rowCount(points, dimensions: dimensions, metric: parameters.metric, what: "k-means input")
        guard k >= 1 else { throw CurationError(.invalidArgument, "k-means needs at least one cluster (k = \(k))") }
        guard k <= count else {
            throw CurationError(.invalidArgument, "k-means with k = \(k) needs at least \(k) rows, got \(count); ask for fewer clusters")
        }
        guard parameters.restarts >= 1, parameters.maxIterations >= 1, parameters.threads >= 1,
              parameters.tolerance >= 0, parameters.tolerance.isFinite else {
            throw CurationError(.invalidArgument, "k-means needs restarts, maxIterations and threads ≥ 1 and a finite tolerance ≥ 0")
        }
        var algorithm = parameters.algorithm
        if algorithm == .automatic {
            algorithm = count > miniBatchThreshold ? .miniBatch(batchSize: 1024) : .lloyd
        }
        if case .miniBatch(let batchSize) = algorithm, batchSize < 1 {
            throw CurationError(.invalidArgument, "mini-batch k-means needs a batch size ≥ 1 (got \(batchSize))")
        }
        return try RowVectors.withPrepared(points, rows: count, dimensions: dimensions, normalize: parameters.metric.normalizesVectors) {
            base throws(CurationError) in
            let model: KMeans, iterations: Int
            switch algorithm {
            case .miniBatch(let batchSize):
                (model, iterations) = try miniBatch(base, count: count, dimensions: dimensions, batchSize: batchSize, parameters: parameters)
            default:
                (model, iterations) = try lloyd(base, count: count, dimensions: dimensions, parameters: parameters)
            }
            var assignment = [UInt32](repeating: 0, count: count)
            model.assign(base, count: count, into: &assignment, threads: parameters.threads)
            return KMeansClustering(dimensions: dimensions, metric: parameters.metric, centroids: model.centroids,
                                    assignments: assignment.map { Int32($0) }, inertia: model.inertia,
                                    iterations: iterations, algorithm: algorithm)
        }
    }

    init(dimensions: Int, metric: Metric, centroids: [Float], assignments: [Int32], inertia: Double, iterations: Int, algorithm: Algorithm) {
        self.dimensions = dimensions
        self.metric = metric
        self.centroids = centroids
        self.assignments = assignments
        self.inertia = inertia
        self.iterations = iterations
        self.algorithm = algorithm
    }

    /// The engine's parameters for run `run` (its own seed).
    static func engineParameters(_ parameters: Parameters, run: Int, iterations: Int) -> KMeans.Parameters {
        var seeds = SplitMix64(seed: parameters.seed &+ 0x9E37_79B9 &* UInt64(run + 1))
        return KMeans.Parameters(
            clusters: parameters.clusters, iterations: iterations, seed: seeds.next(), maxPointsPerCluster: Int.max,
            spherical: parameters.metric.normalizesVectors, threads: parameters.threads, seeding: .kMeansPlusPlus,
            seedingTrials: KMeans.Parameters.greedyTrials(clusters: parameters.clusters), seedingPointsPerCluster: Int.max,
            tolerance: parameters.tolerance, emptyClusterRepair: .farthestPoint)
    }

    /// Best of `restarts` full Lloyd runs.
    private static func lloyd(
        _ points: UnsafePointer<Float>, count: Int, dimensions: Int, parameters: Parameters
    ) throws(CurationError) -> (KMeans, Int) {
        var best: KMeans?
        for run in 0..<parameters.restarts {
            let model: KMeans
            do {
                model = try KMeans.train(points, count: count, dimensions: dimensions,
                                         parameters: engineParameters(parameters, run: run, iterations: parameters.maxIterations))
            } catch {
                throw CurationError(.invalidArgument, "k-means: \(error)")
            }
            if best == nil || model.inertia < best!.inertia { best = model }
        }
        // restarts ≥ 1, so a model was trained.
        return (best!, best!.iterationsRun)
    }

    // MARK: New rows

    /// The nearest centroid of each row (row-major, `dimensions` wide), without refitting.
    /// - Throws: `CurationError` for rows of another width or with NaN.
    /// - Complexity: O(rows · k · d) at sgemm speed.
    public func predict(_ rows: UnsafeBufferPointer<Float>, threads: Int = 1) throws(CurationError) -> [Int32] {
        try Self.assign(rows, centroids: centroids, dimensions: dimensions, metric: metric, threads: threads)
    }

    /// The nearest of stored `centroids` (row-major, `dimensions` wide, from an earlier fit) for
    /// each row: how a catalog places new rows without keeping the fit.
    /// - Throws: `CurationError` for rows or centroids of another width or with NaN.
    /// - Complexity: O(rows · k · d) at sgemm speed.
    public static func assign(
        _ rows: UnsafeBufferPointer<Float>, centroids: [Float], dimensions: Int, metric: Metric, threads: Int = 1
    ) throws(CurationError) -> [Int32] {
        let count = try RowVectors.rowCount(rows, dimensions: dimensions, metric: metric, what: "rows to assign to k-means clusters")
        let model: KMeans
        do {
            model = try KMeans(centroids: centroids, dimensions: dimensions, spherical: metric.normalizesVectors)
        } catch {
            throw CurationError(.invalidArgument, "k-means centroids: \(error)")
        }
        var prepared = Array(rows)
        if metric.normalizesVectors { Vectors.normalizeRows(&prepared, rows: count, dimensions: dimensions) }
        var assignment = [UInt32](repeating: 0, count: count)
        model.assign(prepared, count: count, into: &assignment, threads: max(1, threads))
        return assignment.map { Int32($0) }
    }

    /// `predict` over an array.
    public func predict(_ rows: [Float], threads: Int = 1) throws(CurationError) -> [Int32] {
        try rows.withUnsafeBufferPointer { rows throws(CurationError) in try predict(rows, threads: threads) }
    }

    /// `fit` over an array.
    public static func fit(_ points: [Float], dimensions: Int, parameters: Parameters) throws(CurationError) -> KMeansClustering {
        try points.withUnsafeBufferPointer { points throws(CurationError) in try fit(points, dimensions: dimensions, parameters: parameters) }
    }
}
