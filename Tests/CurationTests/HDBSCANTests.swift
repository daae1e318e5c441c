import Curation
import Foundation
import Testing
import TestSupport
import VectorIndex

@Suite struct HDBSCANTests {
    /// Planted blobs of different sizes and spreads plus uniform noise over the whole box.
    static func blobsWithNoise(seed: UInt64) -> (points: [Float], labels: [Int], noiseStart: Int) {
        var generator = SeededGenerator(seed: seed)
        let dimensions = 5
        let sizes = [120, 80, 150, 60], spreads: [Float] = [0.4, 0.3, 0.6, 0.25]
        var points: [Float] = [], labels: [Int] = []
        for (c, size) in sizes.enumerated() {
            let centre = (0..<dimensions).map { d in Float(c * 10 + (d == 0 ? 0 : 3 * d)) - 15 }
            for _ in 0..<size {
                points += centre.map { $0 + spreads[c] * generator.nextGaussian() }
                labels.append(c)
            }
        }
        let noiseStart = labels.count
        for _ in 0..<60 {
            points += (0..<dimensions).map { _ in Float.random(in: -25...25, using: &generator) }
            labels.append(-1)
        }
        return (points, labels, noiseStart)
    }

    @Test(arguments: [NeighborSearch.exact, .approximate(HNSWParameters(m: 16, efConstruction: 100, efSearch: 64))])
    func findsPlantedClustersAndMarksNoise(search: NeighborSearch) throws {
        let (points, labels, noiseStart) = Self.blobsWithNoise(seed: 5)
        let model = try HDBSCAN.fit(points, dimensions: 5, parameters: .init(minClusterSize: 15, neighborSearch: search, threads: 2))
        #expect(model.clusterCount == 4)
        let clustered = Array(labels[..<noiseStart]), found = Array(model.labels[..<noiseStart])
        // Planted rows: at most 3% noise, and no two planted blobs share a cluster.
        #expect(found.filter { $0 < 0 }.count <= noiseStart * 3 / 100)
        var clusterOf: [Int: Set<Int32>] = [:]
        for (label, cluster) in zip(clustered, found) where cluster >= 0 { clusterOf[label, default: []].insert(cluster) }
        #expect(clusterOf.values.allSatisfy { $0.count == 1 })
        #expect(Set(clusterOf.values.map { $0.first! }).count == 4)
        // Uniform noise: at least 80% labelled −1.
        let noise = model.labels[noiseStart...]
        #expect(noise.filter { $0 < 0 }.count >= noise.count * 8 / 10)
        #expect(model.probabilities.allSatisfy { (0...1).contains($0) })
        #expect(zip(model.labels, model.probabilities).allSatisfy { $0 >= 0 || $1 == 0 })
    }

    @Test func predictLabelsNewRowsWithoutRefitting() throws {
        let (points, labels, noiseStart) = Self.blobsWithNoise(seed: 6)
        let model = try HDBSCAN.fit(points, dimensions: 5, parameters: .init(minClusterSize: 15))
        // Near copies of planted rows get their cluster; a far row is noise.
        var generator = SeededGenerator(seed: 3)
        var fresh: [Float] = [], expected: [Int32] = []
        for row in stride(from: 0, to: noiseStart, by: 37) where model.labels[row] >= 0 {
            fresh += TestData.row(points, row, dimensions: 5).map { $0 + 0.05 * generator.nextGaussian() }
            expected.append(model.labels[row])
        }
        fresh += [200, 200, 200, 200, 200]
        let (predicted, probabilities) = try model.predict(fresh)
        #expect(Array(predicted.dropLast()) == expected)
        #expect(predicted.last == -1 && probabilities.last == 0)
        _ = labels
    }

    @Test func duplicatesAndASingleBlob() throws {
        // 30 identical rows and a small blob: finite probabilities, no crash on zero distances.
        var points: [Float] = Array(repeating: [Float(1), 2, 3], count: 30).flatMap { $0 }
        points += TestData.uniform(count: 30, dimensions: 3, seed: 2).map { (value: Float) -> Float in value * 0.1 + 8 }
        let model = try HDBSCAN.fit(points, dimensions: 3, parameters: .init(minClusterSize: 10))
        #expect(model.clusterCount == 2)
        #expect(Set(model.labels[0..<30]).count == 1 && model.labels[0] >= 0)
        #expect(model.probabilities.allSatisfy { $0.isFinite })
    }

    @Test func badInputIsAClearError() {
        let points = TestData.uniform(count: 20, dimensions: 4, seed: 1)
        expectCurationError(.invalidArgument, "minClusterSize 1") { _ = try HDBSCAN.fit(points, dimensions: 4, parameters: .init(minClusterSize: 1)) }
        expectCurationError(.notEnoughRows, "too few rows") { _ = try HDBSCAN.fit(points, dimensions: 4, parameters: .init(minClusterSize: 30)) }
        expectCurationError(.notEnoughRows, "no rows") { _ = try HDBSCAN.fit([], dimensions: 4) }
        var bad = points
        bad[5] = .nan
        expectCurationError(.invalidVector, "NaN") { _ = try HDBSCAN.fit(bad, dimensions: 4) }
        expectCurationError(.invalidVector, "ragged") { _ = try HDBSCAN.fit(Array(points.dropLast(2)), dimensions: 4) }
        expectCurationError(.invalidArgument, "inner product") { _ = try HDBSCAN.fit(points, dimensions: 4, parameters: .init(metric: .innerProduct)) }
        do {
            let model = try HDBSCAN.fit(points, dimensions: 4, parameters: .init(minClusterSize: 5))
            expectCurationError(.invalidVector, "predict dims") { _ = try model.predict([1, 2, 3]) }
        } catch {
            Issue.record("fit failed: \(error)")
        }
    }
}

/// HDBSCAN against scikit-learn's on the same rows (`Fixtures/hdbscan_blobs.json`, written by
/// numpy and sklearn.cluster.HDBSCAN 1.9.1: four Gaussian blobs and 60 uniform rows).
@Suite struct HDBSCANReferenceTests {
    struct Reference: Decodable {
        let dimensions: Int
        let min_cluster_size: Int
        let points: [Float]
        let labels: [Int32]
        let probabilities: [Float]
    }

    @Test func labelsMatchScikitLearn() throws {
        guard let url = Bundle.module.url(forResource: "hdbscan_blobs", withExtension: "json", subdirectory: "Fixtures") else {
            Issue.record("Fixtures/hdbscan_blobs.json is missing from Tests/CurationTests")
            return
        }
        let reference = try JSONDecoder().decode(Reference.self, from: Data(contentsOf: url))
        let model = try HDBSCAN.fit(reference.points, dimensions: reference.dimensions,
                                    parameters: .init(minClusterSize: reference.min_cluster_size, neighborSearch: .exact))
        // The same partition (cluster numbers may differ) and the same noise.
        var mapping: [Int32: Int32] = [:]
        for (mine, theirs) in zip(model.labels, reference.labels) {
            #expect((mine < 0) == (theirs < 0))
            if mine >= 0, theirs >= 0 {
                if let seen = mapping[mine] { #expect(seen == theirs) } else { mapping[mine] = theirs }
            }
        }
        #expect(Set(mapping.values).count == mapping.count && model.clusterCount == Set(reference.labels.filter { $0 >= 0 }).count)
        for (mine, theirs) in zip(model.probabilities, reference.probabilities) { #expect(abs(mine - theirs) < 1e-4) }
    }
}
