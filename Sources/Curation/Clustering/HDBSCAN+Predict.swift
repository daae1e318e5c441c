import VectorMath
extension HDBSCAN {
    /// Labels new rows (row-major, `dimensions` wide) without refitting, like hdbscan's
    /// `approximate_predict`: among a row's 2·minSamples nearest fitted rows, its core distance
    /// is the distance to the minSamples-th; the clustered neighbour nearest by mutual
    /// reachability r gives the cluster, unless the row would have left that cluster's tree
    /// before the cluster formed (1/r below the cluster's birth λ), which makes it noise.
    /// - Returns: labels (−1 for noise) and membership probabilities.
    /// - Throws: `CurationError` for rows of another width or with NaN.
    public func predict(_ rows: UnsafeBufferPointer<Float>) throws(CurationError) -> (labels: [Int32], probabilities: [Float]) {
        let m = try RowVectors.rowCount(rows, dimensions: finder.dimensions, metric: finder.metric, what: "rows to label with HDBSCAN")
        let minSamples = parameters.minSamples ?? parameters.minClusterSize
        let k = min(finder.count, 2 * minSamples)
        let (ids, distances) = try finder.neighbors(of: rows.baseAddress!, count: m, k: k, excludingSelf: false)
        var labels = [Int32](repeating: -1, count: m)
        var probabilities = [Float](repeating: 0, count: m)
        for i in 0..<m {
            let found = (i * k..<(i + 1) * k).filter { ids[$0] >= 0 }
            guard !found.isEmpty else { continue }
            let core = distances[found[min(minSamples, found.count) - 1]]
            var best: (reach: Float, cluster: Int)?
            for slot in found {
                let j = Int(ids[slot])
                guard self.labels[j] >= 0 else { continue }
                let reach = max(core, coreDistances[j], distances[slot])
                if best == nil || reach < best!.reach {
                    best = (reach, Int(tree.selectedAncestor[Int(tree.pointCluster[j])]))
                }
            }
            guard let best, best.cluster >= 0 else { continue }
            let lambda = 1 / max(Double(best.reach), CondensedTree.smallestDistance)
            guard lambda >= tree.birth[best.cluster] else { continue }
            labels[i] = tree.labelOfCluster[best.cluster]
            probabilities[i] = Float(tree.membership(lambda: lambda, cluster: best.cluster))
        }
        return (labels, probabilities)
    }

    /// `predict` over an array.
    public func predict(_ rows: [Float]) throws(CurationError) -> (labels: [Int32], probabilities: [Float]) {
        try rows.withUnsafeBufferPointer { rows throws(CurationError) in try predict(rows) }
    }
}

extension HDBSCAN {
    /// The distance at which each cluster (by label) formed: 1 / its birth λ in the condensed
    /// tree. A new row joins a cluster only when its mutual reachability to a member is at most
    /// this (what `predict` checks); a catalog stores it to label new rows without the fit.
    public var birthDistances: [Double] {
        var distances = [Double](repeating: .infinity, count: clusterCount)
        for (cluster, label) in tree.labelOfCluster.enumerated() where label >= 0 && Int(label) < clusterCount {
            distances[Int(label)] = 1 / max(tree.birth[cluster], CondensedTree.smallestDistance)
        }
        return distances
    }

    /// Labels new rows from what a fit leaves behind — the fitted rows, their labels and core
    /// distances, and each cluster's birth distance — without the fit itself: the rule of
    /// `predict`. Among a new row's 2·minSamples nearest fitted rows, its core distance is the
    /// distance to the minSamples-th; the clustered neighbour nearest by mutual reachability r
    /// gives the cluster unless r exceeds that cluster's birth distance (then noise, −1).
    /// - Parameters:
    ///   - rows: the new rows, row-major, `dimensions` wide.
    ///   - fitted: the fitted rows, row-major, same width.
    ///   - labels, coreDistances: one per fitted row (−1 for noise).
    ///   - birthDistances: one per cluster label.
    /// - Throws: `CurationError` for mismatched lengths, bad rows or an inner-product metric.
    /// - Complexity: O(new · fitted · d) (an exact search).
    public static func assign(
        _ rows: [Float], fitted: [Float], dimensions: Int, labels: [Int32], coreDistances: [Float], birthDistances: [Double],
        minSamples: Int, metric: Metric, threads: Int = 1
    ) throws(CurationError) -> [Int32] {
        try RowVectors.checkDistanceMetric(metric, what: "HDBSCAN assignment")
        let n = try fitted.withUnsafeBufferPointer { f throws(CurationError) in
            try RowVectors.rowCount(f, dimensions: dimensions, metric: metric, what: "fitted rows")
        }
        let m = try rows.withUnsafeBufferPointer { r throws(CurationError) in
            try RowVectors.rowCount(r, dimensions: dimensions, metric: metric, what: "rows to label with HDBSCAN")
        }
        guard labels.count == n, coreDistances.count == n, minSamples >= 1 else {
            throw CurationError(.invalidArgument, "HDBSCAN assignment: \(labels.count) labels and \(coreDistances.count) core distances for \(n) fitted rows (minSamples \(minSamples))")
        }
        if let bad = labels.first(where: { $0 >= 0 && Int($0) >= birthDistances.count }) {
            throw CurationError(.invalidArgument, "HDBSCAN assignment: label \(bad) has no birth distance (\(birthDistances.count) clusters)")
        }
        let k = min(n, 2 * minSamples)
        // The exact search normalises rows and queries itself under cosine.
        let (ids, distances) = try fitted.withUnsafeBufferPointer { points throws(CurationError) in
            let finder = try NeighborFinder(points.baseAddress!, count: n, dimensions: dimensions, metric: metric, search: .exact, threads: threads)
            return try rows.withUnsafeBufferPointer { queries throws(CurationError) in
                try finder.neighbors(of: queries.baseAddress!, count: m, k: k, excludingSelf: false)
            }
        }
        return (0..<m).map { i -> Int32 in
            let found = (i * k..<(i + 1) * k).filter { ids[$0] >= 0 }
            guard !found.isEmpty else { return -1 }
            let core = distances[found[min(minSamples, found.count) - 1]]
            var best: (reach: Float, label: Int32)?
            for slot in found where labels[Int(ids[slot])] >= 0 {
                let j = Int(ids[slot])
                let reach = max(core, coreDistances[j], distances[slot])
                if best == nil || reach < best!.reach { best = (reach, labels[j]) }
            }
            guard let best, Double(best.reach) <= birthDistances[Int(best.label)] else { return -1 }
            return best.label
        }
    }
}
