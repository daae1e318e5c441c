import VectorMath

extension KMeansClustering {
    /// Mini-batch k-means (Sculley, "Web-scale k-means clustering", WWW 2010) as scikit-learn's
    /// `MiniBatchKMeans` runs it: each restart seeds greedy k-means++ on a random sample of
    /// 3 · max(batch, k) rows and the seeding with the lowest inertia on its sample is kept; then
    /// each step assigns a random batch (through BLAS) and moves every centroid to the running
    /// mean of the rows it has been given (per-centroid learning rate 1/count); centroids that
    /// receive under 1% of the busiest one's rows are moved to random rows of the batch every
    /// 10·k rows seen; the run stops when the smoothed batch inertia has not improved for 10 steps
    /// or after `maxIterations` passes over the data.
    static func miniBatch(
        _ points: UnsafePointer<Float>, count: Int, dimensions d: Int, batchSize: Int, parameters: Parameters
    ) throws(CurationError) -> (KMeans, Int) {
        let k = parameters.clusters, threads = parameters.threads, spherical = parameters.metric.normalizesVectors
        var random = SplitMix64(seed: parameters.seed ^ 0x4D49_4E49_4241_5443)
        let batch = min(batchSize, count)
        // Seeding: the best of `restarts` k-means++ runs on their own samples.
        let initSize = min(count, 3 * max(batch, k))
        var centroids: [Float] = []
        var bestSeedInertia = Double.infinity
        for run in 0..<parameters.restarts {
            let rows = sampleRows(count: count, size: initSize, random: &random).sorted()
            let seeded: KMeans
            do {
                seeded = try gather(points, rows: rows, dimensions: d).withUnsafeBufferPointer { sample in
                    try KMeans.train(sample.baseAddress!, count: rows.count, dimensions: d,
                                     parameters: engineParameters(parameters, run: run, iterations: 0))
                }
            } catch {
                throw CurationError(.invalidArgument, "mini-batch k-means seeding: \(error)")
            }
            if seeded.inertia < bestSeedInertia {
                bestSeedInertia = seeded.inertia
                centroids = seeded.centroids
            }
        }

        var weights = [Double](repeating: 0, count: k)
        var batchRows = [Float](repeating: 0, count: batch * d)
        var assignment = [UInt32](repeating: 0, count: batch)
        var keys = [Float](repeating: 0, count: batch)
        let (rowsToSee, overflow) = parameters.maxIterations.multipliedReportingOverflow(by: count)
        let steps = max(1, (overflow ? Int.max : rowsToSee) / batch)
        var smoothed = Double.nan, bestSmoothed = Double.infinity, stepsWithoutImprovement = 0
        var seenSinceReassign = 0
        var stepsRun = 0
        for _ in 0..<steps {
            stepsRun += 1
            let indices = (0..<batch).map { _ in Int.random(in: 0..<count, using: &random) }
            batchRows.withUnsafeMutableBufferPointer { buffer in
                for (slot, row) in indices.enumerated() {
                    (buffer.baseAddress! + slot * d).update(from: points + row * d, count: d)
                }
            }
            let model: KMeans
            do { model = try KMeans(centroids: centroids, dimensions: d, spherical: spherical) } catch {
                throw CurationError(.computationFailed, "mini-batch k-means: \(error)")
            }
            model.assign(batchRows, count: batch, into: &assignment, keys: &keys, threads: threads)
            // Batch inertia, smoothed over about two passes' worth of batches.
            var batchInertia = 0.0
            batchRows.withUnsafeBufferPointer { rows in
                for i in 0..<batch {
                    let row = rows.baseAddress! + i * d
                    batchInertia += spherical ? 1 + Double(keys[i]) : max(0, Double(keys[i]) + Double(VectorKernels.active.dot(row, row, count: d)))
                }
            }
            batchInertia /= Double(batch)
            let alpha = min(1, Double(batch) * 2 / Double(count + 1))
            smoothed = smoothed.isNaN ? batchInertia : smoothed * (1 - alpha) + batchInertia * alpha
            // Running means: c ← (c·w + Σ batch rows) / (w + n_batch).
            var sums = [Double](repeating: 0, count: k * d), counts = [Int](repeating: 0, count: k)
            batchRows.withUnsafeBufferPointer { rows in
                for i in 0..<batch {
                    let c = Int(assignment[i])
                    counts[c] += 1
                    let row = rows.baseAddress! + i * d
                    for j in 0..<d { sums[c * d + j] += Double(row[j]) }
                }
            }
            for c in 0..<k where counts[c] > 0 {
                let total = weights[c] + Double(counts[c])
                for j in 0..<d {
                    centroids[c * d + j] = Float((Double(centroids[c * d + j]) * weights[c] + sums[c * d + j]) / total)
                }
                weights[c] = total
            }
            seenSinceReassign += batch
            if seenSinceReassign >= 10 * k || weights.contains(0) {
                seenSinceReassign = 0
                reassignSmallCentroids(&centroids, weights: &weights, batchRows: batchRows, batch: batch, dimensions: d, random: &random)
            }
            if spherical { Vectors.normalizeRows(&centroids, rows: k, dimensions: d) }
            if smoothed < bestSmoothed {
                bestSmoothed = smoothed
                stepsWithoutImprovement = 0
            } else {
                stepsWithoutImprovement += 1
                if stepsWithoutImprovement >= 10 { break }
            }
        }
        let final: KMeans
        do { final = try KMeans(centroids: centroids, dimensions: d, spherical: spherical) } catch {
            throw CurationError(.computationFailed, "mini-batch k-means: \(error)")
        }
        return (final.measured(on: points, count: count, threads: threads), stepsRun)
    }

    /// Centroids that received under 1% of the busiest centroid's rows move to random batch rows
    /// (at most half a batch of them) and get the smallest weight among the others.
    private static func reassignSmallCentroids(
        _ centroids: inout [Float], weights: inout [Double], batchRows: [Float], batch: Int, dimensions d: Int,
        random: inout SplitMix64
    ) {
        guard let heaviest = weights.max() else { return }
        var small = weights.indices.filter { weights[$0] < 0.01 * heaviest }
        guard !small.isEmpty, small.count < weights.count else { return }
        small = Array(small.prefix(max(1, batch / 2)))
        let others = weights.indices.filter { weights[$0] >= 0.01 * heaviest }.map { weights[$0] }
        let floor = others.min() ?? 1
        let picks = sampleRows(count: batch, size: min(small.count, batch), random: &random)
        for (c, row) in zip(small, picks) {
            for j in 0..<d { centroids[c * d + j] = batchRows[row * d + j] }
            weights[c] = floor
        }
    }

    /// `size` distinct random row numbers out of `count` (partial Fisher–Yates).
    static func sampleRows(count: Int, size: Int, random: inout SplitMix64) -> [Int] {
        var rows = Array(0..<count)
        for i in 0..<min(size, count) { rows.swapAt(i, Int.random(in: i..<count, using: &random)) }
        return Array(rows.prefix(size))
    }

    /// A copy of `rows` of `points`.
    static func gather(_ points: UnsafePointer<Float>, rows: [Int], dimensions d: Int) -> [Float] {
        var copy = [Float](repeating: 0, count: rows.count * d)
        copy.withUnsafeMutableBufferPointer { copy in
            for (slot, row) in rows.enumerated() { (copy.baseAddress! + slot * d).update(from: points + row * d, count: d) }
        }
        return copy
    }
}
