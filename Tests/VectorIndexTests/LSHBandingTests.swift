import Foundation
import Testing
import TestSupport
@testable import VectorIndex

@Suite struct LSHBandingTests {
    /// (threshold, false-positive weight, false-negative weight) → (bands, rows) as datasketch
    /// 2.0.0's `_optimal_param(threshold, 128, fp, fn)` computes them (scipy quad, same grid).
    static let datasketch128: [(Double, Double, Double, Int, Int)] = [
        (0.3, 0.5, 0.5, 37, 3), (0.3, 0.3, 0.7, 42, 3), (0.3, 0.1, 0.9, 32, 2),
        (0.5, 0.5, 0.5, 25, 5), (0.5, 0.3, 0.7, 25, 5), (0.5, 0.1, 0.9, 32, 4),
        (0.6, 0.5, 0.5, 18, 7), (0.6, 0.3, 0.7, 21, 6), (0.6, 0.1, 0.9, 25, 5),
        (0.8, 0.5, 0.5, 9, 13), (0.8, 0.3, 0.7, 11, 11), (0.8, 0.1, 0.9, 14, 9),
        (0.9, 0.5, 0.5, 5, 25), (0.9, 0.3, 0.7, 6, 20), (0.9, 0.1, 0.9, 8, 16),
    ]

    @Test func optimalBandsMatchDatasketch() throws {
        for (threshold, fp, fn, bands, rows) in Self.datasketch128 {
            let banding = try LSHBanding.optimal(threshold: threshold, numPermutations: 128,
                                                 falsePositiveWeight: fp, falseNegativeWeight: fn)
            #expect(banding.bands == bands && banding.rows == rows, "t=\(threshold) w=(\(fp), \(fn)): \(banding)")
        }
        #expect(try LSHBanding.optimal(threshold: 0.5, numPermutations: 64) == LSHBanding(bands: 14, rows: 4, numPermutations: 64))
        #expect(try LSHBanding.optimal(threshold: 0.7, numPermutations: 256) == LSHBanding(bands: 25, rows: 10, numPermutations: 256))
    }

    @Test func gaussLegendreIsExactForPolynomials() {
        let rule = GaussLegendre(nodes: 10)  // exact up to degree 19
        #expect(abs(rule.integrate(from: 0, to: 1) { pow($0, 19) } - 1.0 / 20) < 1e-14)
        #expect(abs(rule.integrate(from: 0.3, to: 0.9) { 3 * $0 * $0 } - (0.729 - 0.027)) < 1e-14)
        let banding = LSHBanding(unchecked: 4, rows: 3)
        // ∫₀¹ 1 − (1 − s³)⁴ ds, expanded by hand: Σ_{k=1..4} C(4,k)(−1)^{k+1}/(3k+1).
        let exact = 4.0 / 4 - 6.0 / 7 + 4.0 / 10 - 1.0 / 13
        #expect(abs(banding.falsePositiveMass(threshold: 1) - exact) < 1e-13)
        // ∫₀ᵗ P + ∫ₜ¹ P = ∫₀¹ P, with ∫ₜ¹ P = (1 − t) − the false-negative mass.
        let t = 0.4
        #expect(abs(banding.falsePositiveMass(threshold: t) + (1 - t) - banding.falseNegativeMass(threshold: t) - exact) < 1e-13)
    }

    @Test func theSCurveRisesThroughItsSteepestPoint() throws {
        let banding = try LSHBanding(bands: 20, rows: 5, numPermutations: 128)
        #expect(banding.candidateProbability(jaccard: 0) == 0)
        #expect(banding.candidateProbability(jaccard: 1) == 1)
        let middle = banding.steepestSimilarity
        #expect(abs(middle - pow(0.05, 0.2)) < 1e-12)
        #expect(banding.candidateProbability(jaccard: middle - 0.2) < 0.2)
        #expect(banding.candidateProbability(jaccard: middle + 0.2) > 0.95)
    }

    @Test func parametersAreChecked() {
        #expect(throws: VectorIndexError.self) { try LSHBanding(bands: 20, rows: 7, numPermutations: 128) }
        #expect(throws: VectorIndexError.self) { try LSHBanding(bands: 0, rows: 7, numPermutations: 128) }
        #expect(throws: VectorIndexError.self) { try LSHBanding.optimal(threshold: 1, numPermutations: 128) }
        #expect(throws: VectorIndexError.self) { try LSHBanding.optimal(threshold: 0.5, numPermutations: 128, falsePositiveWeight: -1) }
    }
}
