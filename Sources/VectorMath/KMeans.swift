import Dispatch

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// k-means clustering of float vectors: k-means++ seeding (Arthur & Vassilvitskii, "k-means++:
/// The Advantages of Careful Seeding", SODA 2007) or random points, followed by Lloyd iterations
/// (Lloyd, "Least squares quantization in PCM", IEEE Trans. Inf. Theory 1982).
///
/// Assignments are matrix-shaped — every point against every centroid — so they go through BLAS
/// sgemm in blocks (`‖x − c‖² = ‖x‖² − 2·x·c + ‖c‖²`), split over cores with
/// `DispatchQueue.concurrentPerform`. As in faiss, training runs on a random sample of at most
/// `maxPointsPerCluster` points per cluster, empty clusters are refilled by splitting the largest
/// one, and `spherical` k-means keeps unit-length centroids and assigns by the largest inner
/// product (for cosine and inner-product data).
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

    /// How to train.
    public struct Parameters: Sendable, Equatable, Codable {
        /// The number of clusters k.
        public var clusters: Int
        /// Lloyd iterations after seeding (fewer if the assignment stops changing).
        public var iterations: Int
        /// Seed of the sample, the k-means++ draws and the splits of empty clusters.
        public var seed: UInt64
        /// Train on a random sample of at most `clusters · maxPointsPerCluster` points.
        public var maxPointsPerCluster: Int
        /// Unit-length centroids, assignment by the largest inner product.
        public var spherical: Bool
        /// Worker threads for assignments and updates.
        public var threads: Int
        /// How the first centroids are chosen.
        public var seeding: Seeding

        /// Parameters for `clusters` clusters; `threads` defaults to every core.
        public init(clusters: Int, iterations: Int = 20, seed: UInt64 = 42, maxPointsPerCluster: Int = 256,
                    spherical: Bool = false, threads: Int? = nil, seeding: Seeding = .kMeansPlusPlus) {
            self.seeding = seeding
            self.clusters = clusters
            self.iterations = iterations
            self.seed = seed
            self.maxPointsPerCluster = maxPointsPerCluster
            self.spherical = spherical
            self.threads = threads ?? KMeans.availableCores
        }
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
    /// k-means++ seeding runs on at most this many points per cluster: each new centre costs one
    /// pass over the seeding points, so seeding is O(seedingPoints · k · d).
    static let seedingPointsPerCluster = 8

    /// Centroids found earlier (for instance read back from a file).
    /// - Throws: `InputError` if `centroids` is empty or not a whole number of rows.
    public init(centroids: [Float], dimensions: Int, spherical: Bool) throws(InputError) {
        guard dimensions > 0, !centroids.isEmpty, centroids.count % dimensions == 0 else {
            throw InputError(description: "\(centroids.count) centroid values are not a whole, non-zero number of \(dimensions)-dimensional rows")
        }
        self.init(dimensions: dimensions, spherical: spherical, centroids: centroids, inertia: .nan, iterationsRun: 0)
    }

    private init(dimensions: Int, spherical: Bool, centroids: [Float], inertia: Double, iterationsRun: Int) {
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
    ///   speed on `threads` cores, plus O(s' · k · d) for seeding on s' ≤ 8·k points.
    public static func train(
        _ points: UnsafePointer<Float>, count: Int, dimensions: Int, parameters: Parameters
    ) throws(InputError) -> KMeans {
        let k = parameters.clusters
        guard dimensions > 0 else { throw InputError(description: "dimensions must be positive (got \(dimensions))") }
        guard k >= 1 else { throw InputError(description: "k-means needs at least one cluster (got \(k))") }
        guard count >= k else {
            throw InputError(description: "k-means with \(k) clusters needs at least \(k) points (got \(count)); add vectors or ask for fewer clusters")
        }
        guard parameters.iterations >= 0, parameters.maxPointsPerCluster >= 1, parameters.threads >= 1 else {
            throw InputError(description: "iterations must be ≥ 0, maxPointsPerCluster and threads ≥ 1")
        }
        var random = SplitMix64(seed: parameters.seed)
        // The training sample: a random subset when there are many points.
        let sampleCount = min(count, k * parameters.maxPointsPerCluster)
        var order = Array(0..<count)
        for i in 0..<min(sampleCount, count - 1) {
            order.swapAt(i, Int.random(in: i..<count, using: &random))
        }
        let sample = UnsafeMutablePointer<Float>.allocate(capacity: sampleCount * dimensions)
        defer { sample.deallocate() }
        // Sorted, the copy reads the source in order.
        let chosen = order[0..<sampleCount].sorted()
        for (row, index) in chosen.enumerated() {
            (sample + row * dimensions).update(from: points + index * dimensions, count: dimensions)
        }
        var seedingRows = Array(0..<sampleCount)
        let seedingCount = min(sampleCount, max(k * seedingPointsPerCluster, k))
        for i in 0..<min(seedingCount, sampleCount - 1) {
            seedingRows.swapAt(i, Int.random(in: i..<sampleCount, using: &random))
        }
        var centroids: [Float]
        switch parameters.seeding {
        case .kMeansPlusPlus:
            centroids = seed(sample, rows: Array(seedingRows[0..<seedingCount]), dimensions: dimensions, k: k,
                             threads: parameters.threads, random: &random)
        case .randomPoints:
            centroids = seedingRows[0..<k].flatMap { Array(UnsafeBufferPointer(start: sample + $0 * dimensions, count: dimensions)) }
        }
        if parameters.spherical { Vectors.normalizeRows(&centroids, rows: k, dimensions: dimensions) }

        var assignment = [UInt32](repeating: UInt32.max, count: sampleCount)
        var keys = [Float](repeating: 0, count: sampleCount)
        var iterationsRun = 0
        for _ in 0..<parameters.iterations {
            let model = KMeans(dimensions: dimensions, spherical: parameters.spherical, centroids: centroids, inertia: .nan, iterationsRun: 0)
            let previous = assignment
            model.assign(sample, count: sampleCount, into: &assignment, keys: &keys, threads: parameters.threads)
            iterationsRun += 1
            if assignment == previous { break }
            centroids = updatedCentroids(sample, count: sampleCount, assignment: assignment, k: k, dimensions: dimensions,
                                         spherical: parameters.spherical, threads: parameters.threads, random: &random)
        }
        let final = KMeans(dimensions: dimensions, spherical: parameters.spherical, centroids: centroids, inertia: .nan, iterationsRun: 0)
        final.assign(sample, count: sampleCount, into: &assignment, keys: &keys, threads: parameters.threads)
        // keys are ‖c‖² − 2x·c (or −x·c); add back what makes them distances.
        var inertia = 0.0
        for row in 0..<sampleCount {
            let point = sample + row * dimensions
            if parameters.spherical {
                inertia += 1 + Double(keys[row])
            } else {
                inertia += max(0, Double(keys[row]) + Double(VectorKernels.active.dot(point, point, count: dimensions)))
            }
        }
        return KMeans(dimensions: dimensions, spherical: parameters.spherical, centroids: centroids,
                      inertia: inertia, iterationsRun: iterationsRun)
    }

    /// k-means++: the first centre uniformly, each next one with probability proportional to its
    /// squared distance from the nearest centre chosen so far.
    private static func seed(
        _ sample: UnsafePointer<Float>, rows: [Int], dimensions: Int, k: Int, threads: Int, random: inout SplitMix64
    ) -> [Float] {
        let n = rows.count
        let points = UnsafeMutablePointer<Float>.allocate(capacity: n * dimensions)
        let nearest = UnsafeMutablePointer<Float>.allocate(capacity: n)
        defer {
            points.deallocate()
            nearest.deallocate()
        }
        for (i, row) in rows.enumerated() { (points + i * dimensions).update(from: sample + row * dimensions, count: dimensions) }
        nearest.initialize(repeating: .infinity, count: n)
        var centroids = [Float](repeating: 0, count: k * dimensions)
        var next = Int.random(in: 0..<n, using: &random)
        let kernels = VectorKernels.active
        let workers = min(threads, max(1, n / 2048))
        let shared = UncheckedSendable((points: points, nearest: nearest))
        for c in 0..<k {
            centroids.withUnsafeMutableBufferPointer { $0.baseAddress!.advanced(by: c * dimensions).update(from: points + next * dimensions, count: dimensions) }
            if c == k - 1 { break }
            let centre = UncheckedSendable(points + next * dimensions)
            // Each worker lowers the distances of its own range of points.
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                let range = chunk(worker, of: workers, count: n)
                for i in range {
                    let distance = kernels.squaredL2(shared.value.points + i * dimensions, centre.value, count: dimensions)
                    if distance < shared.value.nearest[i] { shared.value.nearest[i] = distance }
                }
            }
            var total = 0.0
            for i in 0..<n { total += Double(nearest[i]) }
            if total <= 0 {
                // Every point coincides with a centre: any point will do.
                next = Int.random(in: 0..<n, using: &random)
                continue
            }
            var target = random.nextUnitInterval() * total
            next = n - 1
            for i in 0..<n {
                target -= Double(nearest[i])
                if target < 0 {
                    next = i
                    break
                }
            }
        }
        return centroids
    }

    /// The mean of each cluster's points (normalised when spherical); an empty cluster takes half
    /// of the largest one, as in faiss: both centroids move apart by a relative 1/1024.
    private static func updatedCentroids(
        _ points: UnsafePointer<Float>, count: Int, assignment: [UInt32], k: Int, dimensions: Int,
        spherical: Bool, threads: Int, random: inout SplitMix64
    ) -> [Float] {
        let workers = min(threads, max(1, count / 4096))
        let sums = UnsafeMutablePointer<Double>.allocate(capacity: workers * k * dimensions)
        let counts = UnsafeMutablePointer<Int>.allocate(capacity: workers * k)
        defer {
            sums.deallocate()
            counts.deallocate()
        }
        sums.initialize(repeating: 0, count: workers * k * dimensions)
        counts.initialize(repeating: 0, count: workers * k)
        assignment.withUnsafeBufferPointer { assignment in
            // Each worker sums its own range of points into its own accumulators.
            let shared = UncheckedSendable((sums: sums, counts: counts, assignment: assignment.baseAddress!, points: points))
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                let mySums = shared.value.sums + worker * k * dimensions
                let myCounts = shared.value.counts + worker * k
                for i in chunk(worker, of: workers, count: count) {
                    let cluster = Int(shared.value.assignment[i])
                    myCounts[cluster] += 1
                    let sum = mySums + cluster * dimensions
                    let point = shared.value.points + i * dimensions
                    for d in 0..<dimensions { sum[d] += Double(point[d]) }
                }
            }
        }
        for worker in 1..<max(workers, 1) {
            for i in 0..<k * dimensions { sums[i] += sums[worker * k * dimensions + i] }
            for c in 0..<k { counts[c] += counts[worker * k + c] }
        }
        var centroids = [Float](repeating: 0, count: k * dimensions)
        var sizes = [Int](repeating: 0, count: k)
        for c in 0..<k where counts[c] > 0 {
            sizes[c] = counts[c]
            let inverse = 1 / Double(counts[c])
            for d in 0..<dimensions { centroids[c * dimensions + d] = Float(sums[c * dimensions + d] * inverse) }
        }
        let epsilon: Float = 1 / 1024
        for empty in 0..<k where sizes[empty] == 0 {
            // Split a cluster chosen with probability proportional to its size beyond one point.
            let weight = sizes.reduce(0) { $0 + max($1 - 1, 0) }
            guard weight > 0 else { break }
            var target = Int.random(in: 0..<weight, using: &random)
            var donor = 0
            for c in 0..<k {
                target -= max(sizes[c] - 1, 0)
                if target < 0 {
                    donor = c
                    break
                }
            }
            for d in 0..<dimensions {
                let value = centroids[donor * dimensions + d]
                let sign: Float = d % 2 == 0 ? 1 : -1
                centroids[empty * dimensions + d] = value * (1 + sign * epsilon)
                centroids[donor * dimensions + d] = value * (1 - sign * epsilon)
            }
            sizes[empty] = sizes[donor] / 2
            sizes[donor] -= sizes[empty]
        }
        if spherical { Vectors.normalizeRows(&centroids, rows: k, dimensions: dimensions) }
        return centroids
    }

    // MARK: Assignment

    /// Writes the nearest centroid of each of `count` points to `clusters`, and its ordering key
    /// (lower is nearer: `‖c‖² − 2·x·c`, or `−x·c` when spherical) to `keys` if given.
    /// - Complexity: O(count · k · d) at sgemm speed, on `threads` cores.
    public func assign(
        _ points: UnsafePointer<Float>, count: Int, into clusters: UnsafeMutablePointer<UInt32>,
        keys: UnsafeMutablePointer<Float>? = nil, threads: Int = 1
    ) {
        guard count > 0 else { return }
        let k = clusterCount, dimensions = dimensions, spherical = spherical
        let centroidNorms = centroids.withUnsafeBufferPointer { c in
            (0..<k).map { spherical ? 0 : VectorKernels.active.dot(c.baseAddress! + $0 * dimensions, c.baseAddress! + $0 * dimensions, count: dimensions) }
        }
        let workers = min(max(threads, 1), max(1, count / Self.pointBlock))
        centroids.withUnsafeBufferPointer { centroids in
            centroidNorms.withUnsafeBufferPointer { norms in
                // Workers write the disjoint ranges of `clusters` and `keys` of their points.
                let shared = UncheckedSendable((centroids: centroids.baseAddress!, norms: norms.baseAddress!,
                                                clusters: clusters, keys: keys, points: points))
                DispatchQueue.concurrentPerform(iterations: workers) { worker in
                    let range = Self.chunk(worker, of: workers, count: count)
                    Self.assignRange(shared.value.points, range: range, centroids: shared.value.centroids, norms: shared.value.norms,
                                     k: k, dimensions: dimensions, spherical: spherical,
                                     clusters: shared.value.clusters, keys: shared.value.keys)
                }
            }
        }
    }

    private static func assignRange(
        _ points: UnsafePointer<Float>, range: Range<Int>, centroids: UnsafePointer<Float>, norms: UnsafePointer<Float>,
        k: Int, dimensions: Int, spherical: Bool, clusters: UnsafeMutablePointer<UInt32>, keys: UnsafeMutablePointer<Float>?
    ) {
        let columns = min(k, centroidBlock)
        let scores = UnsafeMutablePointer<Float>.allocate(capacity: pointBlock * columns)
        let best = UnsafeMutablePointer<Float>.allocate(capacity: pointBlock)
        defer {
            scores.deallocate()
            best.deallocate()
        }
        var start = range.lowerBound
        while start < range.upperBound {
            let rows = min(pointBlock, range.upperBound - start)
            best.initialize(repeating: .infinity, count: rows)
            var centroidStart = 0
            while centroidStart < k {
                let block = min(columns, k - centroidStart)
                BatchScoring.innerProducts(
                    queries: points + start * dimensions, queryCount: rows,
                    rows: centroids + centroidStart * dimensions, rowCount: block, rowStride: dimensions,
                    dimensions: dimensions, into: scores, outStride: block)
                for r in 0..<rows {
                    let line = scores + r * block
                    var bestKey = best[r], bestCluster = clusters[start + r]
                    if spherical {
                        for c in 0..<block where -line[c] < bestKey {
                            bestKey = -line[c]
                            bestCluster = UInt32(centroidStart + c)
                        }
                    } else {
                        let blockNorms = norms + centroidStart
                        for c in 0..<block {
                            let key = blockNorms[c] - 2 * line[c]
                            if key < bestKey {
                                bestKey = key
                                bestCluster = UInt32(centroidStart + c)
                            }
                        }
                    }
                    best[r] = bestKey
                    clusters[start + r] = bestCluster
                }
                centroidStart += block
            }
            if let keys { (keys + start).update(from: best, count: rows) }
            start += rows
        }
    }

    /// The `worker`-th of `workers` nearly equal contiguous ranges of `0..<count`.
    static func chunk(_ worker: Int, of workers: Int, count: Int) -> Range<Int> {
        (count * worker / workers)..<(count * (worker + 1) / workers)
    }
}
