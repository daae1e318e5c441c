import Testing
import VectorMath

@testable import LoupeServer

/// The smart select strategies, on seeded data.
@Suite struct SmartSelectionTests {
    /// Unit vectors: three tight groups of 50 near three axes of a 3-D space.
    func groups() -> [Float] {
        var random = SplitMix64(seed: 9)
        var vectors: [Float] = []
        for row in 0..<150 {
            var v = (0..<3).map { Float($0 == row % 3 ? 1 : 0) + 0.01 * random.nextGaussian() }
            let norm = (v[0] * v[0] + v[1] * v[1] + v[2] * v[2]).squareRoot()
            v = v.map { $0 / norm }
            vectors += v
        }
        return vectors
    }

    @Test func randomIsSeededAndDistinct() {
        let a = SmartSelection.pick(.random, count: 20, rowCount: 150, vectors: [], dimensions: 0, duplicateScore: nil, seed: 1)
        let b = SmartSelection.pick(.random, count: 20, rowCount: 150, vectors: [], dimensions: 0, duplicateScore: nil, seed: 1)
        let c = SmartSelection.pick(.random, count: 20, rowCount: 150, vectors: [], dimensions: 0, duplicateScore: nil, seed: 2)
        #expect(a == b && a != c)
        #expect(Set(a.rows).count == 20)
    }

    @Test func orderedPutsMissingValuesLast() {
        let values: [Double?] = [3, nil, 7, 1, nil, 5]
        let down = SmartSelection.pick(.ordered(values: values, descending: true), count: 6, rowCount: 6, vectors: [], dimensions: 0, duplicateScore: nil, seed: 0)
        #expect(down.rows == [2, 5, 0, 3, 1, 4])
        let up = SmartSelection.pick(.ordered(values: values, descending: false), count: 3, rowCount: 6, vectors: [], dimensions: 0, duplicateScore: nil, seed: 0)
        #expect(up.rows == [3, 0, 5])
    }

    @Test func clustersGetEqualOrProportionalShares() {
        // 60 rows in cluster 0, 30 in 1, 10 in 2.
        let clusters = (0..<100).map { Int32($0 < 60 ? 0 : $0 < 90 ? 1 : 2) }
        let proportional = SmartSelection.pick(.cluster(clusters: clusters, proportional: true), count: 10, rowCount: 100, vectors: [], dimensions: 0, duplicateScore: nil, seed: 4)
        let counts = proportional.rows.reduce(into: [Int32: Int]()) { $0[clusters[$1], default: 0] += 1 }
        #expect(counts == [0: 6, 1: 3, 2: 1])
        let equal = SmartSelection.pick(.cluster(clusters: clusters, proportional: false), count: 9, rowCount: 100, vectors: [], dimensions: 0, duplicateScore: nil, seed: 4)
        let equalCounts = equal.rows.reduce(into: [Int32: Int]()) { $0[clusters[$1], default: 0] += 1 }
        #expect(equalCounts == [0: 3, 1: 3, 2: 3])
    }

    @Test func diverseCoversEveryGroupFirst() {
        let result = SmartSelection.pick(.diverse, count: 3, rowCount: 150, vectors: groups(), dimensions: 3, duplicateScore: nil, seed: 7)
        #expect(Set(result.rows.map { $0 % 3 }) == [0, 1, 2])
    }

    @Test func duplicatesAreSkippedWithACount() {
        // Random order over three tight groups with a 0.9 threshold: one row per group, the rest skipped.
        let result = SmartSelection.pick(.random, count: 10, rowCount: 150, vectors: groups(), dimensions: 3, duplicateScore: 0.9, seed: 3)
        #expect(result.rows.count == 3)
        #expect(Set(result.rows.map { $0 % 3 }) == [0, 1, 2])
        #expect(result.duplicatesSkipped == 147)
        let diverse = SmartSelection.pick(.diverse, count: 10, rowCount: 150, vectors: groups(), dimensions: 3, duplicateScore: 0.9, seed: 3)
        #expect(diverse.rows.count == 3 && diverse.duplicatesSkipped == 147)
    }
}
