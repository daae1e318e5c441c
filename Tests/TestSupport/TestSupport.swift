// Shared helpers for Loupe's tests: seeded data, brute-force references, recall, approximate
// equality and temporary folders.

import Foundation
import VectorIndex
import VectorMath

/// A small seeded generator (VectorMath's SplitMix64) so every test's data is reproducible.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var core: SplitMix64
    public init(seed: UInt64) { core = SplitMix64(seed: seed) }
    public mutating func next() -> UInt64 { core.next() }

    /// A standard normal draw (Box–Muller).
    public mutating func nextGaussian() -> Float {
        let u1 = Double.random(in: Double.ulpOfOne..<1, using: &self)
        let u2 = Double.random(in: 0..<1, using: &self)
        return Float((-2 * log(u1)).squareRoot() * cos(2 * .pi * u2))
    }
}

/// Seeded test vectors.
public enum TestData {
    /// `count` vectors of `dimensions` uniform values in [-1, 1], row-major.
    public static func uniform(count: Int, dimensions: Int, seed: UInt64) -> [Float] {
        var generator = SeededGenerator(seed: seed)
        return (0..<count * dimensions).map { _ in Float.random(in: -1...1, using: &generator) }
    }

    /// `count` vectors drawn around `clusters` Gaussian centres (centre ~ N(0, I), spread 0.5),
    /// like the benchmark's `clustered` sets.
    public static func clustered(count: Int, dimensions: Int, clusters: Int, seed: UInt64) -> [Float] {
        var generator = SeededGenerator(seed: seed)
        let centres = (0..<clusters * dimensions).map { _ in generator.nextGaussian() }
        var values = [Float](repeating: 0, count: count * dimensions)
        for row in 0..<count {
            let centre = Int.random(in: 0..<clusters, using: &generator)
            for d in 0..<dimensions {
                values[row * dimensions + d] = centres[centre * dimensions + d] + 0.5 * generator.nextGaussian()
            }
        }
        return values
    }

    /// Row `row` of a row-major matrix.
    public static func row(_ values: [Float], _ row: Int, dimensions: Int) -> [Float] {
        Array(values[row * dimensions..<(row + 1) * dimensions])
    }
}

/// Brute-force references computed in Double, independent of the kernels under test.
public enum Reference {
    public static func dot(_ a: ArraySlice<Float>, _ b: ArraySlice<Float>) -> Double {
        zip(a, b).reduce(0) { $0 + Double($1.0) * Double($1.1) }
    }

    public static func squaredL2(_ a: ArraySlice<Float>, _ b: ArraySlice<Float>) -> Double {
        zip(a, b).reduce(0) { $0 + (Double($1.0) - Double($1.1)) * (Double($1.0) - Double($1.1)) }
    }

    /// The score of `metric` between two vectors (higher is more similar).
    public static func score(_ metric: Metric, _ a: ArraySlice<Float>, _ b: ArraySlice<Float>) -> Double {
        switch metric {
        case .cosine:
            let norms = (dot(a, a) * dot(b, b)).squareRoot()
            return norms == 0 ? 0 : dot(a, b) / norms
        case .innerProduct:
            return dot(a, b)
        case .l2:
            return -squaredL2(a, b).squareRoot()
        }
    }

    /// The exact top-k ids of `query` among `ids`, best first (ties by lower id).
    public static func topK(
        _ query: [Float], base: [Float], ids: [UInt32], dimensions: Int, metric: Metric, k: Int,
        where isAllowed: (UInt32) -> Bool = { _ in true }
    ) -> [(id: UInt32, score: Double)] {
        var scored: [(id: UInt32, score: Double)] = []
        for (row, id) in ids.enumerated() where isAllowed(id) {
            scored.append((id, score(metric, query[...], base[row * dimensions..<(row + 1) * dimensions])))
        }
        scored.sort { $0.score != $1.score ? $0.score > $1.score : $0.id < $1.id }
        return Array(scored.prefix(k))
    }

    /// |found ∩ exact| / |exact|.
    public static func recall(found: [UInt32], exact: [UInt32]) -> Double {
        guard !exact.isEmpty else { return 1 }
        let truth = Set(exact)
        return Double(found.filter { truth.contains($0) }.count) / Double(exact.count)
    }
}

/// A folder that is removed when the value is deinitialised.
public final class TemporaryFolder {
    public let path: String

    public init() throws {
        path = NSTemporaryDirectory() + "loupe-test-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// A path inside the folder.
    public func file(_ name: String) -> String { path + "/" + name }
}

/// Whether two floats agree within an absolute or relative tolerance.
public func approximatelyEqual(_ a: Double, _ b: Double, absolute: Double = 1e-5, relative: Double = 1e-5) -> Bool {
    abs(a - b) <= max(absolute, relative * max(abs(a), abs(b)))
}

/// Exact vectors held in memory, row `i` for id `ids[i]`: the rescoring source of tests.
public final class InMemoryVectorSource: ExactVectorSource, @unchecked Sendable {
    // @unchecked: the storage is written once in init and only read afterwards.
    public let dimensions: Int
    private let storage: UnsafeMutablePointer<Float>
    private let rowOfID: [UInt32: Int]

    public init(vectors: [Float], ids: [UInt32], dimensions: Int) {
        self.dimensions = dimensions
        storage = .allocate(capacity: max(vectors.count, 1))
        storage.initialize(from: vectors, count: vectors.count)
        rowOfID = Dictionary(uniqueKeysWithValues: ids.enumerated().map { ($1, $0) })
    }

    deinit { storage.deallocate() }

    public func vector(for id: UInt32) -> UnsafePointer<Float>? {
        rowOfID[id].map { UnsafePointer(storage + $0 * dimensions) }
    }
}
