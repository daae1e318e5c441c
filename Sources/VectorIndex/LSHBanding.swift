#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How an LSH index cuts MinHash signatures into `bands` bands of `rows` rows (Leskovec,
/// Rajaraman & Ullman, *Mining of Massive Datasets*, ch. 3.4): two sets become candidates when
/// they agree on every row of at least one band, which for Jaccard similarity s happens with
/// probability 1 − (1 − s^r)^b — an S-curve that rises steeply near (1/b)^(1/r).
///
/// `optimal(threshold:…)` chooses b and r (b·r ≤ k) the way datasketch's `MinHashLSH` does: by
/// minimising the weighted sum of the false-positive mass ∫₀ᵗ P(s) ds and the false-negative mass
/// ∫ₜ¹ (1 − P(s)) ds. The integrands are polynomials of degree b·r ≤ k, so a Gauss–Legendre rule
/// with more than k/2 nodes integrates them exactly.
public struct LSHBanding: Sendable, Hashable, CustomStringConvertible {
    /// Bands: independent chances to become candidates.
    public let bands: Int
    /// Signature slots per band.
    public let rows: Int

    /// Explicit bands and rows for signatures of `numPermutations` slots (slots past
    /// `bands · rows` are used only to verify candidates).
    /// - Throws: `invalidArgument` unless both are positive and `bands · rows ≤ numPermutations`.
    public init(bands: Int, rows: Int, numPermutations: Int) throws {
        guard bands >= 1, rows >= 1, bands * rows <= numPermutations else {
            throw VectorIndexError(.invalidArgument, "\(bands) bands × \(rows) rows do not fit signatures of \(numPermutations) slots")
        }
        self.bands = bands
        self.rows = rows
    }

    init(unchecked bands: Int, rows: Int) {
        self.bands = bands
        self.rows = rows
    }

    public var description: String { "\(bands) bands × \(rows) rows" }

    /// The probability that two sets of Jaccard similarity `s` share at least one band.
    public func candidateProbability(jaccard s: Double) -> Double {
        1 - pow(1 - pow(s, Double(rows)), Double(bands))
    }

    /// The similarity where the S-curve is steepest, about (1/b)^(1/r).
    public var steepestSimilarity: Double { pow(1 / Double(bands), 1 / Double(rows)) }

    /// ∫₀ᵗ P(s) ds: how much of the range below `threshold` becomes candidates.
    public func falsePositiveMass(threshold: Double) -> Double {
        GaussLegendre(nodes: Self.nodeCount(degree: bands * rows))
            .integrate(from: 0, to: threshold) { candidateProbability(jaccard: $0) }
    }

    /// ∫ₜ¹ (1 − P(s)) ds: how much of the range above `threshold` is missed.
    public func falseNegativeMass(threshold: Double) -> Double {
        GaussLegendre(nodes: Self.nodeCount(degree: bands * rows))
            .integrate(from: threshold, to: 1) { 1 - candidateProbability(jaccard: $0) }
    }

    /// The bands and rows that minimise `falsePositiveWeight · falsePositiveMass +
    /// falseNegativeWeight · falseNegativeMass` over b·r ≤ `numPermutations` (datasketch's grid
    /// search, same order and tie rule). Weigh false negatives more for higher recall.
    /// - Throws: `invalidArgument` for a threshold outside (0, 1), negative weights, or a number of
    ///   permutations outside 1...1024 (choose bands and rows explicitly beyond that).
    /// - Complexity: O(k log k) candidate pairs, each integrated with O(k) evaluations.
    public static func optimal(
        threshold: Double, numPermutations: Int,
        falsePositiveWeight: Double = 0.5, falseNegativeWeight: Double = 0.5
    ) throws -> LSHBanding {
        guard threshold > 0, threshold < 1 else {
            throw VectorIndexError(.invalidArgument, "threshold must be in (0, 1) (got \(threshold))")
        }
        guard falsePositiveWeight >= 0, falseNegativeWeight >= 0, falsePositiveWeight + falseNegativeWeight > 0 else {
            throw VectorIndexError(.invalidArgument, "weights must be non-negative and not both zero")
        }
        guard (1...1024).contains(numPermutations) else {
            throw VectorIndexError(.invalidArgument, "optimal bands are searched for 1...1024 permutations (got \(numPermutations)); give bands and rows explicitly")
        }
        let rule = GaussLegendre(nodes: nodeCount(degree: numPermutations))
        var best = LSHBanding(unchecked: 1, rows: 1)
        var bestError = Double.infinity
        for b in 1...numPermutations {
            for r in 1...(numPermutations / b) {
                let banding = LSHBanding(unchecked: b, rows: r)
                let falsePositive = rule.integrate(from: 0, to: threshold) { banding.candidateProbability(jaccard: $0) }
                let falseNegative = rule.integrate(from: threshold, to: 1) { 1 - banding.candidateProbability(jaccard: $0) }
                let error = falsePositiveWeight * falsePositive + falseNegativeWeight * falseNegative
                if error < bestError {
                    bestError = error
                    best = banding
                }
            }
        }
        return best
    }

    /// Nodes that integrate a polynomial of `degree` exactly (2n − 1 ≥ degree).
    static func nodeCount(degree: Int) -> Int { max(8, degree / 2 + 1) }
}

/// An n-point Gauss–Legendre quadrature rule, exact for polynomials of degree ≤ 2n − 1.
/// Nodes are the roots of the Legendre polynomial P_n, found by Newton's method from the
/// Chebyshev guesses (Numerical Recipes' `gauleg`).
struct GaussLegendre {
    /// Nodes and weights on [−1, 1].
    private(set) var nodes: [Double] = []
    private(set) var weights: [Double] = []

    init(nodes n: Int) {
        nodes = [Double](repeating: 0, count: n)
        weights = [Double](repeating: 0, count: n)
        for i in 0..<(n + 1) / 2 {
            var x = cos(Double.pi * (Double(i) + 0.75) / (Double(n) + 0.5))
            var derivative = 0.0
            for _ in 0..<100 {
                var p0 = 1.0, p1 = 0.0
                for j in 1...n {
                    let p2 = p1
                    p1 = p0
                    p0 = ((2 * Double(j) - 1) * x * p1 - (Double(j) - 1) * p2) / Double(j)
                }
                derivative = Double(n) * (x * p0 - p1) / (x * x - 1)
                let step = p0 / derivative
                x -= step
                if abs(step) < 1e-15 { break }
            }
            nodes[i] = -x
            nodes[n - 1 - i] = x
            let weight = 2 / ((1 - x * x) * derivative * derivative)
            weights[i] = weight
            weights[n - 1 - i] = weight
        }
    }

    /// ∫ₐᵇ f(x) dx.
    func integrate(from a: Double, to b: Double, _ f: (Double) -> Double) -> Double {
        let half = (b - a) / 2, middle = (a + b) / 2
        var sum = 0.0
        for (node, weight) in zip(nodes, weights) { sum += weight * f(middle + half * node) }
        return sum * half
    }
}
