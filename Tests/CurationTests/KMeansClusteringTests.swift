import Curation
import Testing
import TestSupport
import VectorMath

@Suite struct KMeansClusteringTests {
    @Test(arguments: [1, 2])
    func recoversPlantedBlobsAndInertiaMatchesBruteForce(threads: Int) throws {
        let (points, labels, _) = Blobs.make(clusters: 8, perCluster: 60, dimensions: 12, seed: 11)
        let model = try KMeansClustering.fit(points, dimensions: 12,
                                             parameters: .init(clusters: 8, restarts: 3, seed: 5, threads: threads, algorithm: .lloyd))
        #expect(model.clusterCount == 8 && model.assignments.count == labels.count)
        #expect(Blobs.disagreements(planted: labels, found: model.assignments) == 0)
        // Inertia: Σ squared distance to the assigned centroid, in Double; and every row is
        // assigned to its nearest centroid.
        var inertia = 0.0
        for row in 0..<labels.count {
            let point = TestData.row(points, row, dimensions: 12)
            let distances = (0..<8).map { Reference.squaredL2(point[...], TestData.row(model.centroids, $0, dimensions: 12)[...]) }
            inertia += distances[Int(model.assignments[row])]
            #expect(distances[Int(model.assignments[row])] <= distances.min()! * (1 + 1e-4) + 1e-4)
        }
        #expect(approximatelyEqual(inertia, model.inertia, absolute: 1e-3, relative: 1e-4))
    }

    @Test func sameSeedSameResultWhateverTheThreads() throws {
        let points = TestData.clustered(count: 3000, dimensions: 16, clusters: 20, seed: 4)
        let fits = try [1, 2].map { threads in
            try KMeansClustering.fit(points, dimensions: 16, parameters: .init(clusters: 20, restarts: 2, seed: 9, threads: threads))
        }
        #expect(fits[0].centroids == fits[1].centroids && fits[0].assignments == fits[1].assignments)
        let other = try KMeansClustering.fit(points, dimensions: 16, parameters: .init(clusters: 20, restarts: 2, seed: 10))
        #expect(other.centroids != fits[0].centroids)
        // More restarts never do worse than the first of them.
        let one = try KMeansClustering.fit(points, dimensions: 16, parameters: .init(clusters: 20, restarts: 1, seed: 9))
        #expect(fits[0].inertia <= one.inertia + 1e-6)
    }

    @Test func predictPlacesNewRowsWithoutRefitting() throws {
        let (points, labels, centres) = Blobs.make(clusters: 5, perCluster: 40, dimensions: 6, seed: 3)
        let model = try KMeansClustering.fit(points, dimensions: 6, parameters: .init(clusters: 5, seed: 1))
        let clusterOfLabel = Dictionary(zip(labels, model.assignments), uniquingKeysWith: { a, _ in a })
        var generator = SeededGenerator(seed: 77)
        var fresh: [Float] = [], expected: [Int32] = []
        for c in 0..<5 {
            for _ in 0..<10 {
                fresh += (0..<6).map { centres[c * 6 + $0] + 0.5 * generator.nextGaussian() }
                expected.append(clusterOfLabel[c]!)
            }
        }
        #expect(try model.predict(fresh, threads: 2) == expected)
        #expect(try model.predict(points) == model.assignments)
    }

    @Test func miniBatchRecoversBlobs() throws {
        let (points, labels, _) = Blobs.make(clusters: 6, perCluster: 400, dimensions: 10, seed: 21)
        let model = try KMeansClustering.fit(points, dimensions: 10,
                                             parameters: .init(clusters: 6, seed: 2, algorithm: .miniBatch(batchSize: 256)))
        #expect(model.algorithm == .miniBatch(batchSize: 256))
        #expect(Blobs.disagreements(planted: labels, found: model.assignments) == 0)
        let lloyd = try KMeansClustering.fit(points, dimensions: 10, parameters: .init(clusters: 6, seed: 2, algorithm: .lloyd))
        #expect(model.inertia <= lloyd.inertia * 1.01)
    }

    @Test func sphericalUnderCosine() throws {
        let (points, labels, _) = Blobs.make(clusters: 4, perCluster: 50, dimensions: 8, separation: 5, spread: 0.2, seed: 8)
        let model = try KMeansClustering.fit(points, dimensions: 8, parameters: .init(clusters: 4, seed: 3, metric: .cosine))
        #expect(Blobs.disagreements(planted: labels, found: model.assignments) == 0)
        for c in 0..<4 {
            let centroid = TestData.row(model.centroids, c, dimensions: 8)
            #expect(approximatelyEqual(Reference.dot(centroid[...], centroid[...]), 1, absolute: 1e-4))
        }
    }

    @Test func badInputIsAClearError() {
        let points = TestData.uniform(count: 10, dimensions: 3, seed: 1)
        expectCurationError(.invalidArgument, "k > n") { _ = try KMeansClustering.fit(points, dimensions: 3, parameters: .init(clusters: 11)) }
        expectCurationError(.invalidArgument, "k = 0") { _ = try KMeansClustering.fit(points, dimensions: 3, parameters: .init(clusters: 0)) }
        expectCurationError(.notEnoughRows, "n = 0") { _ = try KMeansClustering.fit([], dimensions: 3, parameters: .init(clusters: 1)) }
        var withNaN = points
        withNaN[7] = .nan
        expectCurationError(.invalidVector, "NaN") { _ = try KMeansClustering.fit(withNaN, dimensions: 3, parameters: .init(clusters: 2)) }
        expectCurationError(.invalidVector, "ragged") { _ = try KMeansClustering.fit(Array(points.dropLast()), dimensions: 3, parameters: .init(clusters: 2)) }
        expectCurationError(.invalidArgument, "restarts") { _ = try KMeansClustering.fit(points, dimensions: 3, parameters: .init(clusters: 2, restarts: 0)) }
        expectCurationError(.invalidArgument, "inner product") {
            _ = try KMeansClustering.fit(points, dimensions: 3, parameters: .init(clusters: 2, metric: .innerProduct))
        }
        do {
            let model = try KMeansClustering.fit(points, dimensions: 3, parameters: .init(clusters: 2))
            expectCurationError(.invalidVector, "predict dims") { _ = try model.predict([1, 2, 3, 4]) }
            expectCurationError(.invalidVector, "predict NaN") { _ = try model.predict([1, .infinity, 3]) }
        } catch {
            Issue.record("fit failed: \(error)")
        }
        let error = #expect(throws: CurationError.self) {
            try KMeansClustering.fit(points, dimensions: 3, parameters: .init(clusters: 11))
        }
        #expect(error?.message.contains("11") == true && error?.message.contains("10") == true)
    }
}
