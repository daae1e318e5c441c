import Foundation

/// A symmetric weighted graph in compressed sparse rows: the fuzzy simplicial set of UMAP (each
/// edge weight a membership strength in (0, 1]).
struct FuzzyGraph: Sendable {
    let count: Int
    /// Row `i`'s entries are `rowStart[i]..<rowStart[i + 1]`, columns ascending.
    var rowStart: [Int]
    var columns: [Int32]
    var weights: [Float]

    var edgeCount: Int { columns.count }

    /// Groups `(row, column, weight)` triples by row (counting sort), columns ascending within a row.
    init(count: Int, rows: [Int32], columns: [Int32], weights: [Float]) {
        self.count = count
        var start = [Int](repeating: 0, count: count + 1)
        for row in rows { start[Int(row) + 1] += 1 }
        for i in 0..<count { start[i + 1] += start[i] }
        var next = Array(start[0..<count])
        var sortedColumns = [Int32](repeating: 0, count: rows.count)
        var sortedWeights = [Float](repeating: 0, count: rows.count)
        for e in rows.indices {
            let slot = next[Int(rows[e])]
            next[Int(rows[e])] += 1
            sortedColumns[slot] = columns[e]
            sortedWeights[slot] = weights[e]
        }
        for i in 0..<count where start[i + 1] - start[i] > 1 {
            let range = start[i]..<start[i + 1]
            let order = range.sorted { sortedColumns[$0] < sortedColumns[$1] }
            let c = order.map { sortedColumns[$0] }, w = order.map { sortedWeights[$0] }
            sortedColumns.replaceSubrange(range, with: c)
            sortedWeights.replaceSubrange(range, with: w)
        }
        rowStart = start
        self.columns = sortedColumns
        self.weights = sortedWeights
    }

    /// The weight of edge (i, j), or nil.
    func weight(_ i: Int, _ j: Int32) -> Float? {
        var low = rowStart[i], high = rowStart[i + 1]
        while low < high {
            let middle = (low + high) / 2
            if columns[middle] < j { low = middle + 1 } else { high = middle }
        }
        return low < rowStart[i + 1] && columns[low] == j ? weights[low] : nil
    }

    /// Drops edges lighter than `threshold`.
    mutating func removeEdges(lighterThan threshold: Float) {
        var start = [Int](repeating: 0, count: count + 1)
        var keptColumns: [Int32] = [], keptWeights: [Float] = []
        keptColumns.reserveCapacity(columns.count)
        keptWeights.reserveCapacity(columns.count)
        for i in 0..<count {
            for e in rowStart[i]..<rowStart[i + 1] where weights[e] >= threshold && weights[e] > 0 {
                keptColumns.append(columns[e])
                keptWeights.append(weights[e])
            }
            start[i + 1] = keptColumns.count
        }
        rowStart = start
        columns = keptColumns
        weights = keptWeights
    }

    /// The connected component of each vertex (numbered by first vertex) and the number of
    /// components.
    func components() -> (labels: [Int32], count: Int) {
        var labels = [Int32](repeating: -1, count: count)
        var next: Int32 = 0
        var stack: [Int] = []
        for seed in 0..<count where labels[seed] < 0 {
            labels[seed] = next
            stack.append(seed)
            while let v = stack.popLast() {
                for e in rowStart[v]..<rowStart[v + 1] where labels[Int(columns[e])] < 0 {
                    labels[Int(columns[e])] = next
                    stack.append(Int(columns[e]))
                }
            }
            next += 1
        }
        return (labels, Int(next))
    }
}

/// UMAP's local fuzzy sets (McInnes, Healy & Melville 2018, §3.1; umap-learn's
/// `smooth_knn_dist` and `compute_membership_strengths`).
enum FuzzySet {
    static let tolerance = 1e-5
    static let minimumDistanceScale = 1e-3

    /// ρ (the distance to the nearest neighbour, by `localConnectivity`) and σ (found by binary
    /// search so that Σ_{j ≥ 1} exp(−max(0, d_j − ρ)/σ) = log₂(k)) of each row of a `k`-wide
    /// distance list. As in umap-learn, the first neighbour is left out of the sum: it is the row
    /// itself when the lists include it.
    static func smoothDistances(
        _ distances: [Float], rows: Int, width k: Int, neighbors: Double, localConnectivity: Double
    ) -> (sigma: [Float], rho: [Float]) {
        let target = log2(neighbors)
        var sigma = [Float](repeating: 0, count: rows), rho = [Float](repeating: 0, count: rows)
        var finite = 0, total = 0.0
        for d in distances where d.isFinite {
            total += Double(d)
            finite += 1
        }
        let meanDistance = finite > 0 ? total / Double(finite) : 0
        for i in 0..<rows {
            let row = distances[i * k..<(i + 1) * k].map { $0.isFinite ? Double($0) : Double.infinity }
            let nonZero = row.filter { $0 > 0 && $0.isFinite }
            var r = 0.0
            if Double(nonZero.count) >= localConnectivity {
                let index = Int(localConnectivity.rounded(.down))
                let interpolation = localConnectivity - Double(index)
                if index > 0 {
                    r = nonZero[index - 1]
                    if interpolation > tolerance { r += interpolation * (nonZero[index] - nonZero[index - 1]) }
                } else {
                    r = interpolation * nonZero[0]
                }
            } else if let largest = nonZero.max() {
                r = largest
            }
            var low = 0.0, high = Double.infinity, middle = 1.0
            for _ in 0..<64 {
                var sum = 0.0
                for j in 1..<max(k, 1) where row[j].isFinite {
                    let d = row[j] - r
                    sum += d > 0 ? exp(-(d / middle)) : 1
                }
                if abs(sum - target) < tolerance { break }
                if sum > target {
                    high = middle
                    middle = (low + high) / 2
                } else {
                    low = middle
                    middle = high.isInfinite ? middle * 2 : (low + high) / 2
                }
            }
            let finiteRow = row.filter(\.isFinite)
            let scale = r > 0 ? (finiteRow.isEmpty ? 0 : finiteRow.reduce(0, +) / Double(finiteRow.count)) : meanDistance
            sigma[i] = Float(max(middle, minimumDistanceScale * scale))
            rho[i] = Float(r)
        }
        return (sigma, rho)
    }

    /// exp(−(d − ρ)/σ) for each neighbour (1 within ρ), 0 for padding.
    static func memberships(_ distances: [Float], ids: [Int32], rows: Int, width k: Int, sigma: [Float], rho: [Float]) -> [Float] {
        var out = [Float](repeating: 0, count: rows * k)
        for i in 0..<rows {
            for j in 0..<k where ids[i * k + j] >= 0 {
                let d = distances[i * k + j] - rho[i]
                out[i * k + j] = d <= 0 || sigma[i] == 0 ? 1 : exp(-(d / sigma[i]))
            }
        }
        return out
    }

    /// The fuzzy union P + Pᵀ − P∘Pᵀ of the directed membership graph of a kNN graph (self
    /// excluded): a symmetric graph.
    static func union(_ graph: KNNGraph, memberships: [Float]) -> FuzzyGraph {
        let n = graph.count, k = graph.k
        var heads: [Int32] = [], tails: [Int32] = [], strengths: [Float] = []
        for i in 0..<n {
            for slot in i * k..<(i + 1) * k where graph.neighbors[slot] >= 0 && memberships[slot] > 0 {
                heads.append(Int32(i))
                tails.append(graph.neighbors[slot])
                strengths.append(memberships[slot])
            }
        }
        let directed = FuzzyGraph(count: n, rows: heads, columns: tails, weights: strengths)
        var rows: [Int32] = [], columns: [Int32] = [], weights: [Float] = []
        rows.reserveCapacity(2 * directed.edgeCount)
        columns.reserveCapacity(2 * directed.edgeCount)
        weights.reserveCapacity(2 * directed.edgeCount)
        for i in 0..<n {
            for e in directed.rowStart[i]..<directed.rowStart[i + 1] {
                let j = directed.columns[e], a = directed.weights[e]
                if let b = directed.weight(Int(j), Int32(i)) {
                    rows.append(Int32(i)); columns.append(j); weights.append(a + b - a * b)
                } else {
                    rows.append(Int32(i)); columns.append(j); weights.append(a)
                    rows.append(j); columns.append(Int32(i)); weights.append(a)
                }
            }
        }
        var result = FuzzyGraph(count: n, rows: rows, columns: columns, weights: weights)
        result.removeEdges(lighterThan: 0)
        return result
    }
}
