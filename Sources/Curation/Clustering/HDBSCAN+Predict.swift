extension HDBSCAN {
    /// Labels new rows (row-major, `dimensions` wide) without refitting, like hdbscan's
    /// `approximate_predict`: among a row's 2·minSamples nearest fitted rows, its core distance
    /// is the distance to the minSamples-th; the clustered neighbour nearest by mutual
    /// reachability r gives the cluster, unless the row would have left that cluster's tree
    /// before the cluster formed (1/r below the cluster's birth λ), which makes it noise.
    /// - Returns: labels (−1 for noise) and membership probabilities.
    /// - Throws: `CurationError` for rows of another width or with NaN.
    public func predict(_ rows: UnsafeBufferPointer<Float>) throws(CurationError) -> (labels: [Int32], probabilities: [Float]) {
        let m = try RowInput.rowCount(rows, dimensions: finder.dimensions, metric: finder.metric, what: "rows to label with HDBSCAN")
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
