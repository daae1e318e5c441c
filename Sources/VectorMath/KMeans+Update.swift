extension KMeans {
    /// The mean of each cluster's points from their `sums` and `counts` (normalised when
    /// spherical), with empty clusters repaired as `parameters.emptyClusterRepair` says; a
    /// cluster that cannot be repaired keeps its centroid from `previous`.
    static func updatedCentroids(
        _ points: UnsafePointer<Float>, sums: [Double], counts: [Int], assignment: [UInt32], keys: [Float], norms: [Float],
        previous: [Float], k: Int, dimensions d: Int, parameters: Parameters, random: inout SplitMix64
    ) -> [Float] {
        var sums = sums, counts = counts
        if parameters.emptyClusterRepair == .farthestPoint, counts.contains(0) {
            moveEmptyToFarthest(points, assignment: assignment, keys: keys, norms: norms, spherical: parameters.spherical,
                                counts: &counts, sums: &sums, dimensions: d)
        }
        var centroids = previous
        for c in 0..<k where counts[c] > 0 {
            let inverse = 1 / Double(counts[c])
            for j in 0..<d { centroids[c * d + j] = Float(sums[c * d + j] * inverse) }
        }
        if parameters.emptyClusterRepair == .splitLargest {
            splitLargest(into: &centroids, sizes: counts, k: k, dimensions: d, random: &random)
        }
        if parameters.spherical { Vectors.normalizeRows(&centroids, rows: k, dimensions: d) }
        return centroids
    }

    /// target += row, over `count` floats.
    @inline(__always)
    static func addRow(_ row: UnsafePointer<Float>, into target: UnsafeMutablePointer<Float>, count: Int) {
        for j in 0..<count { target[j] += row[j] }
    }

    /// scikit-learn's relocation: each empty cluster takes one of the points farthest from their
    /// centroids, which leaves its old cluster (never emptying it).
    private static func moveEmptyToFarthest(
        _ points: UnsafePointer<Float>, assignment: [UInt32], keys: [Float], norms: [Float], spherical: Bool,
        counts: inout [Int], sums: inout [Double], dimensions d: Int
    ) {
        let empty = counts.indices.filter { counts[$0] == 0 }
        // Squared distance (or 1 − x·c) of each point to its centroid, from the assignment keys.
        let distance = { (i: Int) -> Float in spherical ? 1 + keys[i] : max(0, keys[i] + norms[i]) }
        var candidates = Array(0..<assignment.count)
        candidates.sort { distance($0) != distance($1) ? distance($0) > distance($1) : $0 < $1 }
        var next = 0
        for target in empty {
            while next < candidates.count && counts[Int(assignment[candidates[next]])] <= 1 { next += 1 }
            guard next < candidates.count else { return }
            let point = candidates[next]
            next += 1
            let old = Int(assignment[point])
            for j in 0..<d {
                let value = Double(points[point * d + j])
                sums[old * d + j] -= value
                sums[target * d + j] = value
            }
            counts[old] -= 1
            counts[target] = 1
        }
    }

    /// faiss's repair: an empty cluster takes half of a cluster chosen with probability
    /// proportional to its size beyond one point; both centroids move apart by a relative 1/1024.
    private static func splitLargest(into centroids: inout [Float], sizes counts: [Int], k: Int, dimensions d: Int, random: inout SplitMix64) {
        var sizes = counts
        let epsilon: Float = 1 / 1024
        for empty in 0..<k where sizes[empty] == 0 {
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
            for j in 0..<d {
                let value = centroids[donor * d + j]
                let sign: Float = j % 2 == 0 ? 1 : -1
                centroids[empty * d + j] = value * (1 + sign * epsilon)
                centroids[donor * d + j] = value * (1 - sign * epsilon)
            }
            sizes[empty] = sizes[donor] / 2
            sizes[donor] -= sizes[empty]
        }
    }
}
