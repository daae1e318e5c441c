import Testing
import TestSupport
import VectorMath

@Suite struct KMeansTests {
    /// `perCluster` points around each of `clusters` far-apart centres, and each point's centre.
    static func planted(clusters: Int, perCluster: Int, dimensions: Int, seed: UInt64) -> (points: [Float], labels: [Int]) {
        var generator = SeededGenerator(seed: seed)
        let centres = (0..<clusters * dimensions).map { _ in 10 * generator.nextGaussian() }
        var points: [Float] = []
        var labels: [Int] = []
        for i in 0..<clusters * perCluster {
            let c = i % clusters
            labels.append(c)
            for d in 0..<dimensions { points.append(centres[c * dimensions + d] + 0.1 * generator.nextGaussian()) }
        }
        return (points, labels)
    }

    @Test(arguments: [1, 2])
    func recoversPlantedClusters(threads: Int) throws {
        let (points, labels) = Self.planted(clusters: 12, perCluster: 50, dimensions: 8, seed: 3)
        let model = try KMeans.train(points, count: labels.count, dimensions: 8,
                                     parameters: KMeans.Parameters(clusters: 12, iterations: 20, threads: threads))
        try Self.expectRecovered(model, points: points, labels: labels, threads: threads)
    }

    /// Random-point seeding may start two centres in one planted cluster; Lloyd iterations with
    /// empty-cluster splits must still reach a low inertia.
    @Test func randomPointSeedingConverges() throws {
        let (points, labels) = Self.planted(clusters: 12, perCluster: 50, dimensions: 8, seed: 3)
        let model = try KMeans.train(points, count: labels.count, dimensions: 8,
                                     parameters: KMeans.Parameters(clusters: 12, iterations: 30, seeding: .randomPoints))
        let plusPlus = try KMeans.train(points, count: labels.count, dimensions: 8, parameters: KMeans.Parameters(clusters: 12, iterations: 30))
        #expect(model.clusterCount == 12 && model.centroids.allSatisfy(\.isFinite))
        #expect(model.inertia >= plusPlus.inertia * 0.999)  // k-means++ finds the planted optimum
    }

    static func expectRecovered(_ model: KMeans, points: [Float], labels: [Int], threads: Int) throws {
        var assignment = [UInt32](repeating: 0, count: labels.count)
        model.assign(points, count: labels.count, into: &assignment, threads: threads)
        // Same planted cluster ⇔ same k-means cluster.
        var clusterOfLabel: [Int: UInt32] = [:]
        for (i, label) in labels.enumerated() {
            if let seen = clusterOfLabel[label] { #expect(seen == assignment[i]) } else { clusterOfLabel[label] = assignment[i] }
        }
        #expect(Set(clusterOfLabel.values).count == 12)
        #expect(model.inertia < Double(labels.count) * 8 * 0.02)
    }

    @Test func assignmentIsTheNearestCentroid() throws {
        let points = TestData.uniform(count: 700, dimensions: 13, seed: 9)
        for spherical in [false, true] {
            let model = try KMeans.train(points, count: 700, dimensions: 13,
                                         parameters: KMeans.Parameters(clusters: 20, iterations: 5, spherical: spherical))
            #expect(model.clusterCount == 20)
            var assignment = [UInt32](repeating: 0, count: 700)
            model.assign(points, count: 700, into: &assignment, threads: 2)
            for i in stride(from: 0, to: 700, by: 7) {
                let point = TestData.row(points, i, dimensions: 13)
                let scores = (0..<20).map { c -> Double in
                    let centroid = TestData.row(model.centroids, c, dimensions: 13)
                    return spherical ? -Reference.dot(point[...], centroid[...]) : Reference.squaredL2(point[...], centroid[...])
                }
                #expect(approximatelyEqual(scores[Int(assignment[i])], scores.min()!, absolute: 1e-4))
            }
            if spherical {
                for c in 0..<20 {
                    let centroid = TestData.row(model.centroids, c, dimensions: 13)
                    #expect(approximatelyEqual(Reference.dot(centroid[...], centroid[...]), 1, absolute: 1e-4))
                }
            }
        }
    }

    @Test func moreIterationsNeverRaiseInertiaAndSeedsReproduce() throws {
        let points = TestData.clustered(count: 1500, dimensions: 10, clusters: 15, seed: 2)
        func train(_ iterations: Int, seed: UInt64 = 42) throws -> KMeans {
            try KMeans.train(points, count: 1500, dimensions: 10, parameters: KMeans.Parameters(clusters: 15, iterations: iterations, seed: seed))
        }
        let none = try train(0), some = try train(3), many = try train(25)
        #expect(some.inertia <= none.inertia * 1.0001 && many.inertia <= some.inertia * 1.0001)
        #expect(try train(25).centroids == many.centroids)
    }

    @Test func trainsOnASampleAndFillsEmptyClusters() throws {
        // 40 distinct points, 30 of them duplicates of one: k-means++ and the empty-cluster split
        // must still give 10 usable centroids.
        var points = TestData.uniform(count: 10, dimensions: 4, seed: 1)
        points += Array(repeating: Array(points.prefix(4)), count: 30).flatMap { $0 }
        let model = try KMeans.train(points, count: 40, dimensions: 4, parameters: KMeans.Parameters(clusters: 10, maxPointsPerCluster: 3))
        #expect(model.centroids.count == 40 && model.centroids.allSatisfy(\.isFinite))
    }

    @Test func badInputIsRejected() {
        let points: [Float] = [1, 2, 3, 4]
        #expect(throws: KMeans.InputError.self) { try KMeans.train(points, count: 2, dimensions: 2, parameters: KMeans.Parameters(clusters: 3)) }
        #expect(throws: KMeans.InputError.self) { try KMeans.train(points, count: 2, dimensions: 2, parameters: KMeans.Parameters(clusters: 0)) }
        #expect(throws: KMeans.InputError.self) { try KMeans.train(points, count: 2, dimensions: 0, parameters: KMeans.Parameters(clusters: 1)) }
        #expect(throws: KMeans.InputError.self) { try KMeans(centroids: [1, 2, 3], dimensions: 2, spherical: false) }
    }
}
