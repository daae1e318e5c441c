import Dispatch

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// k-means clustering of float vectors: k-means++ seeding (Arthur & Vassilvitskii, "k-means++:
/// The Advantages of Careful Seeding", SODA 2007), optionally greedy with several candidates per
/// step as in scikit-learn, or random points; then Lloyd iterations (Lloyd, "Least squares
/// quantization in PCM", IEEE Trans. Inf. Theory 1982).
///
/// Assignments are matrix-shaped — every point against every centroid — so they go through BLAS
/// sgemm in blocks (`‖x − c‖² = ‖x‖² − 2·x·c + ‖c‖²`), split over cores with
/// `DispatchQueue.concurrentPerform`. Centroid sums are accumulated per cluster in point order, so
/// a seed gives the same centroids whatever the number of threads.
///
/// Two profiles share this engine. The inverted file (faiss-like) trains on a random sample of at
/// most `maxPointsPerCluster` points per cluster, seeds on a small subset and refills an empty
/// cluster by splitting the largest one; `spherical` k-means keeps unit-length centroids and
/// assigns by the largest inner product. Curation's k-means (scikit-learn-like) trains on every
/// point, seeds greedily on every point, stops on a relative `tolerance`, and moves an empty
/// cluster to the point farthest from its centroid.
///
/// Call `BatchScoring.setThreadCount(1)` when using several `threads`, so that OpenBLAS does not
/// start its own threads under each worker.
public struct KMeans: Sendable {
    /// How the first centroids are chosen.
    public enum Seeding: String, Sendable, Equatable, Codable {
        /// k-means++ (Arthur & Vassilvitskii 2007): each next centre is drawn with probability
        /// proportional to its squared distance from the nearest one chosen. Lower inertia; it
        /// also gives outliers centres of their own.
        case kMeansPlusPlus
        /// k distinct random points (Forgy), as faiss does: centres follow the data's density,
        /// which gives an inverted file lists of more even sizes.
        case randomPoints
    }

    /// What happens to a cluster that loses all its points during the Lloyd iterations.
    public enum EmptyClusterRepair: String, Sendable, Equatable, Codable {
        /// Split a cluster chosen with probability proportional to its size (faiss): both halves
        /// move apart by a relative 1/1024.
        case splitLargest
        /// Move the empty centroid onto the point farthest from its own centroid, taking that
        /// point out of its cluster (scikit-learn).
        case farthestPoint
    }

    /// How to train.
    public struct Parameters: Sendable, Equatable, Codable {
        /// The number of clusters k.
        public var clusters: Int
        /// At most this many Lloyd iterations after seeding (fewer once the assignment stops
        /// changing or the centroids move less than `tolerance`).
        public var iterations: Int
        /// Seed of the sample, the k-means++ draws and the splits of empty clusters.
        public var seed: UInt64
        /// Train on a random sample of at most `clusters · maxPointsPerCluster` points
        /// (`Int.max`: every point).
        public var maxPointsPerCluster: Int
        /// Unit-length centroids, assignment by the largest inner product.
        public var spherical: Bool
        /// Worker threads for seeding, assignments and updates.
        public var threads: Int
        /// How the first centroids are chosen.
        public var seeding: Seeding
        /// Candidates drawn per k-means++ step; the one that lowers the potential most is kept
        /// (greedy k-means++; scikit-learn uses 2 + ⌊ln k⌋). 1 is plain k-means++.
        public var seedingTrials: Int
        /// k-means++ runs on at most `clusters · seedingPointsPerCluster` of the training points
        /// (`Int.max`: all of them). Each centre costs one pass over them.
        public var seedingPointsPerCluster: Int
        /// Stop when the centroids' total squared movement in one iteration is at most
        /// `tolerance` times the mean per-dimension variance of the training points, as
        /// scikit-learn does (0: stop only when the assignment no longer changes).
        public var tolerance: Double
        /// What happens to a cluster that becomes empty.
        public var emptyClusterRepair: EmptyClusterRepair

        /// Parameters for `clusters` clusters; `threads` defaults to every core.
        public init(clusters: Int, iterations: Int = 20, seed: UInt64 = 42, maxPointsPerCluster: Int = 256,
                    spherical: Bool = false, threads: Int? = nil, seeding: Seeding = .kMeansPlusPlus,
                    seedingTrials: Int = 1, seedingPointsPerCluster: Int = 8, tolerance: Double = 0,
                    emptyClusterRepair: EmptyClusterRepair = .splitLargest) {
            self.seeding = seeding
            self.clusters = clusters
            self.iterations = iterations
            self.seed = seed
            self.maxPointsPerCluster = maxPointsPerCluster
            self.spherical = spherical
            self.threads = threads ?? KMeans.availableCores
            self.seedingTrials = seedingTrials
            self.seedingPointsPerCluster = seedingPointsPerCluster
            self.tolerance = tolerance
            self.emptyClusterRepair = emptyClusterRepair
        }

        /// scikit-learn's greedy k-means++ trial count for `clusters`: 2 + ⌊ln k⌋.
        public static func greedyTrials(clusters: Int) -> Int { 2 + Int(log(Double(max(clusters, 1)))) }
    }

    /// Why training cannot start.
    public struct InputError: Error, Sendable, CustomStringConvertible {
        /// What is wrong and what to do about it.
        public let description: String
    }

    /// Components per vector.
    public let dimensions: Int
    /// Whether centroids are unit length and points are assigned by inner product.
    public let spherical: Bool
    /// The centroids, row-major, `clusterCount × dimensions`.
    public let centroids: [Float]
    /// The sum over training points of the squared distance to their centroid (for spherical
    /// k-means, of `1 − x·c`), after the last iteration.
    public let inertia: Double
    /// Lloyd iterations run.
    public let iterationsRun: Int

    /// The number of clusters.
    public var clusterCount: Int { centroids.count / dimensions }

    /// Cores online.
    public static var availableCores: Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }

    /// Points scored per BLAS call, and centroids per block of them: the score block (1 MiB)
    /// stays in cache.
    static let pointBlock = 256
    static let centroidBlock = 1024

    /// Centroids found earlier (for instance read back from a file).
    /// - Throws: `InputError` if `centroids` is empty or not a whole number of rows.
    public init(centroids: [Float], dimensions: Int, spherical: Bool) throws(InputError) {
        guard dimensions > 0, !centroids.isEmpty, centroids.count % dimensions == 0 else {
            throw InputError(description: "\(centroids.count) centroid values are not a whole, non-zero number of \(dimensions)-dimensional rows")
        }
        self.init(dimensions: dimensions, spherical: spherical, centroids: centroids, inertia: .nan, iterationsRun: 0)
    }

    init(dimensions: Int, spherical: Bool, centroids: [Float], inertia: Double, iterationsRun: Int) {
        self.dimensions = dimensions
        self.spherical = spherical
        self.centroids = centroids
        self.inertia = inertia
        self.iterationsRun = iterationsRun
    }

    // MARK: Training

    /// Clusters `count` points stored row-major at `points`.
    /// - Throws: `InputError` when there are fewer points than clusters or a parameter is out of
    ///   range.
    /// - Complexity: O(s · k · d · (iterations + 1)) for a training sample of s points, at sgemm
    ///   speed on `threads` cores, plus O(s' · k · d · trials) for seeding on s' points.
    public static func train(
        _ points: UnsafePointer<Float>, count: Int, dimensions: Int, parameters: Parameters
    ) throws(InputError) -> KMeans {
        let k = parameters.clusters
        guard dimensions > 0 else { throw InputError(description: "dimensions must be positive (got \(dimensions))") }
        guard k >= 1 else { throw InputError(description: "k-means needs at least one cluster (got \(k))") }
        guard count >= k else {
            throw InputError(description: "k-means with \(k) clusters needs at least \(k) points (got \(count)); add vectors or ask for fewer clusters")
        }
        guard parameters.iterations >= 0, parameters.maxPointsPerCluster >= 1, parameters.threads >= 1,
              parameters.seedingTrials >= 1, parameters.seedingPointsPerCluster >= 1,
              parameters.tolerance >= 0, parameters.tolerance.isFinite else {
            throw InputError(description: "iterations and tolerance must be ≥ 0; maxPointsPerCluster, seedingPointsPerCluster, seedingTrials and threads ≥ 1")
        }
        var random = SplitMix64(seed: parameters.seed)
        // The training sample: a random subset when there are many points.
        let sampleCount = min(count, saturatingProduct(k, parameters.maxPointsPerCluster))
        let sampleStorage: UnsafeMutablePointer<Float>?
        let sample: UnsafePointer<Float>
        if sampleCount == count {
            sampleStorage = nil
            sample = points
        } else {
            var order = Array(0..<count)
            for i in 0..<sampleCount { order.swapAt(i, Int.random(in: i..<count, using: &random)) }
            let storage = UnsafeMutablePointer<Float>.allocate(capacity: sampleCount * dimensions)
            // Sorted, the copy reads the source in order.
            for (row, index) in order[0..<sampleCount].sorted().enumerated() {
                (storage + row * dimensions).update(from: points + index * dimensions, count: dimensions)
            }
            sampleStorage = storage
            sample = UnsafePointer(storage)
        }
        defer { sampleStorage?.deallocate() }

        var centroids = initialCentroids(sample, count: sampleCount, dimensions: dimensions, parameters: parameters, random: &random)
        return lloyd(sample, count: sampleCount, dimensions: dimensions, centroids: &centroids, parameters: parameters, random: &random)
    }

    /// The seeding step of `train`: k-means++ or random points on (a subset of) the sample.
    static func initialCentroids(
        _ sample: UnsafePointer<Float>, count: Int, dimensions: Int, parameters: Parameters, random: inout SplitMix64
    ) -> [Float] {
        let k = parameters.clusters
        let seedingCount = parameters.seeding == .randomPoints
            ? k : min(count, max(saturatingProduct(k, parameters.seedingPointsPerCluster), k))
        var centroids: [Float]
        if parameters.seeding == .kMeansPlusPlus && seedingCount == count {
            centroids = plusPlusCentroids(sample, count: count, dimensions: dimensions, k: k, trials: parameters.seedingTrials,
                                          threads: parameters.threads, random: &random)
        } else {
            var rows = Array(0..<count)
            for i in 0..<seedingCount { rows.swapAt(i, Int.random(in: i..<count, using: &random)) }
            rows.removeLast(count - seedingCount)
            if parameters.seeding == .randomPoints {
                centroids = rows.flatMap { Array(UnsafeBufferPointer(start: sample + $0 * dimensions, count: dimensions)) }
            } else {
                // Sorted, the copy reads the sample in order.
                centroids = gathered(sample, rows: rows.sorted(), dimensions: dimensions) { subset in
                    plusPlusCentroids(subset, count: seedingCount, dimensions: dimensions, k: k, trials: parameters.seedingTrials,
                                      threads: parameters.threads, random: &random)
                }
            }
        }
        if parameters.spherical { Vectors.normalizeRows(&centroids, rows: k, dimensions: dimensions) }
        return centroids
    }

    /// Lloyd iterations from `centroids`, then the final assignment and inertia.
    static func lloyd(
        _ sample: UnsafePointer<Float>, count: Int, dimensions: Int, centroids: inout [Float], parameters: Parameters,
        random: inout SplitMix64
    ) -> KMeans {
        let k = parameters.clusters, spherical = parameters.spherical, threads = parameters.threads
        let norms = spherical ? [] : squaredNorms(sample, count: count, dimensions: dimensions)
        let shiftLimit = parameters.tolerance > 0
            ? parameters.tolerance * meanVariance(sample, count: count, dimensions: dimensions) : -1
        var assignment = [UInt32](repeating: UInt32.max, count: count)
        var previous = assignment
        var keys = [Float](repeating: 0, count: count)
        var iterationsRun = 0
        for _ in 0..<parameters.iterations {
            let model = KMeans(dimensions: dimensions, spherical: spherical, centroids: centroids, inertia: .nan, iterationsRun: 0)
            swap(&previous, &assignment)
            let (sums, counts) = model.assignAccumulating(sample, count: count, into: &assignment, keys: &keys, threads: threads)
            iterationsRun += 1
            if assignment == previous { break }
            let updated = updatedCentroids(sample, sums: sums, counts: counts, assignment: assignment, keys: keys, norms: norms,
                                           previous: centroids, k: k, dimensions: dimensions, parameters: parameters, random: &random)
            let shift = squaredShift(centroids, updated)
            centroids = updated
            if shift <= shiftLimit { break }
        }
        let final = KMeans(dimensions: dimensions, spherical: spherical, centroids: centroids, inertia: .nan, iterationsRun: 0)
        final.assign(sample, count: count, into: &assignment, keys: &keys, threads: threads)
        let inertia = final.inertia(of: sample, count: count, assignment: assignment, keys: keys, threads: threads)
        return KMeans(dimensions: dimensions, spherical: spherical, centroids: centroids, inertia: inertia, iterationsRun: iterationsRun)
    }

    /// These centroids with `inertia` measured on `count` points, each assigned to its nearest
    /// centroid.
    /// - Complexity: O(count · k · d) at sgemm speed on `threads` cores.
    public func measured(on points: UnsafePointer<Float>, count: Int, threads: Int = 1) -> KMeans {
        var assignment = [UInt32](repeating: 0, count: count)
        var keys = [Float](repeating: 0, count: count)
        assign(points, count: count, into: &assignment, keys: &keys, threads: threads)
        return KMeans(dimensions: dimensions, spherical: spherical, centroids: centroids,
                      inertia: inertia(of: points, count: count, assignment: assignment, keys: keys, threads: threads),
                      iterationsRun: iterationsRun)
    }

    /// Σ over points of the squared distance to their assigned centroid, computed directly (for
    /// spherical k-means, Σ 1 − x·c from the keys).
    func inertia(of points: UnsafePointer<Float>, count: Int, assignment: [UInt32], keys: [Float], threads: Int) -> Double {
        if spherical { return keys.reduce(0) { $0 + 1 + Double($1) } }
        let dimensions = dimensions
        return centroids.withUnsafeBufferPointer { c in
            assignment.withUnsafeBufferPointer { a in
                let shared = UncheckedSendable((c: c.baseAddress!, a: a.baseAddress!, points: points))
                return Self.chunkedSum(count: count, threads: threads) { range in
                    var total = 0.0
                    for i in range {
                        total += Double(VectorKernels.active.squaredL2(shared.value.points + i * dimensions,
                                                                      shared.value.c + Int(shared.value.a[i]) * dimensions, count: dimensions))
                    }
                    return total
                }
            }
        }
    }

    /// Runs `body` on a copy of the rows `rows` of `points`.
    static func gathered<T>(_ points: UnsafePointer<Float>, rows: [Int], dimensions: Int, _ body: (UnsafePointer<Float>) -> T) -> T {
        let copy = UnsafeMutablePointer<Float>.allocate(capacity: rows.count * dimensions)
        defer { copy.deallocate() }
        for (i, row) in rows.enumerated() { (copy + i * dimensions).update(from: points + row * dimensions, count: dimensions) }
        return body(copy)
    }

    static func saturatingProduct(_ a: Int, _ b: Int) -> Int {
        let (product, overflow) = a.multipliedReportingOverflow(by: b)
        return overflow ? Int.max : product
    }

    /// ‖x‖² of each row.
    public static func squaredNorms(_ points: UnsafePointer<Float>, count: Int, dimensions: Int) -> [Float] {
        (0..<count).map { VectorKernels.active.dot(points + $0 * dimensions, points + $0 * dimensions, count: dimensions) }
    }

    /// The mean over dimensions of each dimension's variance (the scale of scikit-learn's tolerance).
    static func meanVariance(_ points: UnsafePointer<Float>, count: Int, dimensions: Int) -> Double {
        var sums = [Double](repeating: 0, count: dimensions), squares = [Double](repeating: 0, count: dimensions)
        for i in 0..<count {
            let row = points + i * dimensions
            for d in 0..<dimensions {
                let value = Double(row[d])
                sums[d] += value
                squares[d] += value * value
            }
        }
        let n = Double(count)
        var total = 0.0
        for d in 0..<dimensions { total += max(0, squares[d] / n - (sums[d] / n) * (sums[d] / n)) }
        return total / Double(dimensions)
    }

    /// Σ‖a_c − b_c‖² over centroids.
    static func squaredShift(_ a: [Float], _ b: [Float]) -> Double {
        var total = 0.0
        for i in a.indices {
            let difference = Double(a[i]) - Double(b[i])
            total += difference * difference
        }
        return total
    }

    /// The `worker`-th of `workers` nearly equal contiguous ranges of `0..<count`.
    static func chunk(_ worker: Int, of workers: Int, count: Int) -> Range<Int> {
        (count * worker / workers)..<(count * (worker + 1) / workers)
    }

    /// Points per chunk of the chunked reductions: chunk boundaries do not depend on the number
    /// of threads, so neither do the sums.
    static let reductionChunk = 4096

    /// Runs `body(chunk, range)` for the fixed chunks of `0..<count`, spread over `threads`
    /// workers (worker w takes chunks w, w + threads, …).
    static func forEachChunk(count: Int, threads: Int, _ body: @Sendable (Int, Range<Int>) -> Void) {
        let chunks = chunkCount(count)
        guard chunks > 0 else { return }
        let workers = min(max(threads, 1), chunks)
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            for c in stride(from: worker, to: chunks, by: workers) {
                body(c, (c * reductionChunk)..<min(count, (c + 1) * reductionChunk))
            }
        }
    }

    /// The number of fixed chunks of `0..<count`.
    static func chunkCount(_ count: Int) -> Int { (count + reductionChunk - 1) / reductionChunk }

    /// Σ body(chunk) over fixed chunks of `0..<count`, the chunks spread over `threads` workers and
    /// added in chunk order.
    static func chunkedSum(count: Int, threads: Int, _ body: @Sendable (Range<Int>) -> Double) -> Double {
        var partial = [Double](repeating: 0, count: chunkCount(count))
        partial.withUnsafeMutableBufferPointer { partial in
            // Each worker writes the partial sums of its own chunks.
            let out = UncheckedSendable(partial.baseAddress)
            forEachChunk(count: count, threads: threads) { c, range in out.value?[c] = body(range) }
        }
        return partial.reduce(0, +)
    }
}
