import Curation
import TestSupport
import VectorMath

/// Seeded inputs and brute-force references for the Curation tests, computed in Double without
/// the kernels under test.
enum CurationTestData {
    /// `count` rows around `clusters` far-apart centres: the rows, and each row's centre.
    static func blobs(count: Int, dimensions: Int, clusters: Int, spread: Float = 0.3, seed: UInt64) -> (values: [Float], labels: [Int32]) {
        var generator = SeededGenerator(seed: seed)
        let centres = (0..<clusters * dimensions).map { _ in 4 * generator.nextGaussian() }
        var values: [Float] = []
        var labels: [Int32] = []
        for row in 0..<count {
            let c = row % clusters
            labels.append(Int32(c))
            for d in 0..<dimensions { values.append(centres[c * dimensions + d] + spread * generator.nextGaussian()) }
        }
        return (values, labels)
    }

    /// `base` uniform rows followed by one lightly perturbed copy of each of the first `copies`
    /// rows: row `base + i` copies row `i`.
    static func withCopies(base: Int, copies: Int, dimensions: Int, noise: Float, seed: UInt64) -> [Float] {
        var generator = SeededGenerator(seed: seed)
        var values = TestData.uniform(count: base, dimensions: dimensions, seed: seed)
        for i in 0..<copies {
            for d in 0..<dimensions { values.append(values[i * dimensions + d] + noise * generator.nextGaussian()) }
        }
        return values
    }

    /// The score of rows `a` and `b` under `metric` (higher is more similar).
    static func score(_ values: [Float], _ a: Int, _ b: Int, dimensions: Int, metric: Metric) -> Double {
        Reference.score(metric, values[(a * dimensions)..<((a + 1) * dimensions)], values[(b * dimensions)..<((b + 1) * dimensions)])
    }

    /// Euclidean distance between rows `a` and `b`.
    static func distance(_ values: [Float], _ a: Int, _ b: Int, dimensions: Int) -> Double {
        Reference.squaredL2(values[(a * dimensions)..<((a + 1) * dimensions)], values[(b * dimensions)..<((b + 1) * dimensions)]).squareRoot()
    }

    /// Every pair `(a, b)`, a < b, of `rows` whose score reaches `threshold`.
    static func pairs(_ values: [Float], rows: [Int], dimensions: Int, metric: Metric, threshold: Double) -> Set<[UInt32]> {
        var found: Set<[UInt32]> = []
        for (i, a) in rows.enumerated() {
            for b in rows[(i + 1)...] where score(values, a, b, dimensions: dimensions, metric: metric) >= threshold {
                found.insert([UInt32(min(a, b)), UInt32(max(a, b))])
            }
        }
        return found
    }

    /// The connected components (of more than one row) of `pairs`, each ascending.
    static func components(_ pairs: Set<[UInt32]>) -> Set<[UInt32]> {
        var parent: [UInt32: UInt32] = [:]
        func find(_ x: UInt32) -> UInt32 {
            var x = x
            while let p = parent[x], p != x { x = p }
            return x
        }
        for pair in pairs {
            for x in pair where parent[x] == nil { parent[x] = x }
            let (a, b) = (find(pair[0]), find(pair[1]))
            if a != b { parent[max(a, b)] = min(a, b) }
        }
        var groups: [UInt32: [UInt32]] = [:]
        for x in parent.keys { groups[find(x), default: []].append(x) }
        return Set(groups.values.map { $0.sorted() })
    }
}
