import Curation
import Testing
import TestSupport

/// Seeded data for the curation tests.
enum Blobs {
    /// `perCluster` rows around each of `clusters` centres spaced `separation` apart on average
    /// (centres ~ N(0, separation²·I)), spread `spread`; labels are the centre of each row.
    static func make(clusters: Int, perCluster: Int, dimensions: Int, separation: Float = 10, spread: Float = 0.5,
                     seed: UInt64) -> (points: [Float], labels: [Int], centres: [Float]) {
        var generator = SeededGenerator(seed: seed)
        let centres = (0..<clusters * dimensions).map { _ in separation * generator.nextGaussian() }
        var points: [Float] = [], labels: [Int] = []
        for i in 0..<clusters * perCluster {
            let c = i % clusters
            labels.append(c)
            for d in 0..<dimensions { points.append(centres[c * dimensions + d] + spread * generator.nextGaussian()) }
        }
        return (points, labels, centres)
    }

    /// Whether two labellings group the rows the same way (same label ⇔ same cluster), counting
    /// the rows where `found` disagrees with the majority of its planted group.
    static func disagreements(planted: [Int], found: [Int32]) -> Int {
        var groups: [Int: [Int32: Int]] = [:]
        for (row, label) in planted.enumerated() { groups[label, default: [:]][found[row], default: 0] += 1 }
        var wrong = 0
        var used = Set<Int32>()
        for (_, tally) in groups {
            let (majority, count) = tally.max { $0.value != $1.value ? $0.value < $1.value : $0.key > $1.key }!
            wrong += tally.values.reduce(0, +) - count
            if used.contains(majority) { wrong += count } // two planted groups merged into one
            used.insert(majority)
        }
        return wrong
    }
}

/// Expects `body` to throw a `CurationError` with `code` and a message.
func expectCurationError(
    _ code: CurationError.Code, _ label: String = "", sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void
) {
    expectError(CurationError.self, "\(label) (\(code))", sourceLocation: sourceLocation,
                matches: { $0.code == code && !$0.message.isEmpty }, body)
}
