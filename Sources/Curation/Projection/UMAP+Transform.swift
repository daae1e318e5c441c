import VectorMath

extension UMAP {
    /// Places new rows (row-major, `dimensions` wide) in the existing embedding without refitting,
    /// as umap-learn's `transform`: their `neighbors` nearest fitted rows give fuzzy memberships
    /// (local connectivity reduced by one), each new row starts at the membership-weighted mean
    /// of its neighbours' positions, then `epochs / 3` epochs (100 for up to 10,000 new rows, 30
    /// above, when the fit used the default) move only the new rows, at a quarter of the learning
    /// rate, against the fixed embedding.
    /// - Returns: row-major `rows × components` coordinates.
    /// - Throws: `CurationError` for rows of another width or with NaN.
    /// - Complexity: the neighbour search plus O(epochs · rows · neighbors · negativeSampleRate).
    public func transform(_ rows: UnsafeBufferPointer<Float>) throws(CurationError) -> [Float] {
        let m = try RowVectors.rowCount(rows, dimensions: dimensions, metric: parameters.metric, what: "rows to place with UMAP")
        let k = min(parameters.neighbors, count)
        let (ids, distances) = try finder.neighbors(of: rows.baseAddress!, count: m, k: k, excludingSelf: false)
        let (sigma, rho) = FuzzySet.smoothDistances(distances, rows: m, width: k, neighbors: Double(parameters.neighbors),
                                                    localConnectivity: max(0, parameters.localConnectivity - 1))
        let memberships = FuzzySet.memberships(distances, ids: ids, rows: m, width: k, sigma: sigma, rho: rho)
        var heads: [Int32] = [], tails: [Int32] = [], weights: [Float] = []
        for i in 0..<m {
            for slot in i * k..<(i + 1) * k where ids[slot] >= 0 && memberships[slot] > 0 {
                heads.append(Int32(i))
                tails.append(ids[slot])
                weights.append(memberships[slot])
            }
        }
        var graph = FuzzyGraph(count: m, rows: heads, columns: tails, weights: weights)
        let dim = parameters.components
        // The weighted mean of the neighbours' positions (the plain mean of the neighbours found
        // when every membership is zero).
        var placed = [Float](repeating: 0, count: m * dim)
        for i in 0..<m {
            var total: Float = 0
            for e in graph.rowStart[i]..<graph.rowStart[i + 1] {
                let j = Int(graph.columns[e]), w = graph.weights[e]
                total += w
                for c in 0..<dim { placed[i * dim + c] += w * embedding[j * dim + c] }
            }
            if total > 0 {
                for c in 0..<dim { placed[i * dim + c] /= total }
            } else {
                let found = (i * k..<(i + 1) * k).filter { ids[$0] >= 0 }
                for slot in found { for c in 0..<dim { placed[i * dim + c] += embedding[Int(ids[slot]) * dim + c] / Float(found.count) } }
            }
        }
        let epochs = parameters.epochs.map { max(1, $0 / 3) } ?? (m <= 10_000 ? 100 : 30)
        let heaviest = graph.weights.max() ?? 0
        graph.removeEdges(lighterThan: heaviest / Float(epochs))
        var layout = Layout(graph: graph, epochs: epochs)
        layout.optimize(head: &placed, tail: embedding, dim: dim, a: Float(a), b: Float(b), gamma: Float(parameters.repulsionStrength),
                        initialAlpha: Float(parameters.learningRate) / 4, negativeSampleRate: parameters.negativeSampleRate,
                        seed: parameters.seed &+ 1, threads: parameters.threads)
        return placed
    }

    /// `transform` over an array.
    public func transform(_ rows: [Float]) throws(CurationError) -> [Float] {
        try rows.withUnsafeBufferPointer { rows throws(CurationError) in try transform(rows) }
    }
}
