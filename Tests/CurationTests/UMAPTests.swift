import Curation
import Foundation
import Testing
import TestSupport

@Suite struct UMAPTests {
    @Test func curveParametersMatchUmapLearn() {
        // umap-learn 0.5's find_ab_params(1.0, 0.1) gives a = 1.5769, b = 0.8951.
        let (a, b) = UMAP.curveParameters(minDistance: 0.1, spread: 1)
        #expect(abs(a - 1.5769) < 2e-3 && abs(b - 0.8951) < 2e-3, "a = \(a), b = \(b)")
    }

    /// For each blob, the largest distance of its rows from the blob's embedded centre, against
    /// the smallest distance between two blob centres.
    static func separation(_ embedding: [Float], labels: [Int], blobs: Int) -> (radius: Float, gap: Float) {
        var centres = [SIMD2<Float>](repeating: .zero, count: blobs), counts = [Float](repeating: 0, count: blobs)
        for (i, label) in labels.enumerated() {
            centres[label] += SIMD2(embedding[2 * i], embedding[2 * i + 1])
            counts[label] += 1
        }
        for c in 0..<blobs { centres[c] /= counts[c] }
        var radius: Float = 0
        for (i, label) in labels.enumerated() {
            let offset = SIMD2(embedding[2 * i], embedding[2 * i + 1]) - centres[label]
            radius = max(radius, (offset * offset).sum().squareRoot())
        }
        var gap = Float.infinity
        for p in 0..<blobs { for q in (p + 1)..<blobs { gap = min(gap, ((centres[p] - centres[q]) * (centres[p] - centres[q])).sum().squareRoot()) } }
        return (radius, gap)
    }

    @Test(arguments: [UMAP.Initialization.spectral, .pca])
    func keepsSeparatedBlobsApartAndIsTrustworthy(initialization: UMAP.Initialization) throws {
        let (points, labels, _) = Blobs.make(clusters: 5, perCluster: 120, dimensions: 20, separation: 8, spread: 1, seed: 31)
        let model = try UMAP.fit(points, dimensions: 20, parameters: .init(epochs: 200, initialization: initialization, seed: 3, threads: 2))
        #expect(model.embedding.count == 600 * 2 && model.embedding.allSatisfy { $0.isFinite })
        let (radius, gap) = Self.separation(model.embedding, labels: labels, blobs: 5)
        #expect(gap > radius, "blobs overlap: radius \(radius), gap \(gap)")
        let trust = try Trustworthiness.score(original: points, dimensions: 20, embedding: model.embedding, embeddingDimensions: 2, k: 10)
        #expect(trust > 0.9, "trustworthiness \(trust)")
    }

    @Test func aConnectedManifoldGetsASpectralStart() throws {
        // A noisy circle in 10-d: one connected component, so the spectral layout itself runs.
        var generator = SeededGenerator(seed: 4)
        var points: [Float] = []
        for i in 0..<500 {
            let angle = Float(i) * 2 * .pi / 500
            points += [10 * cos(angle), 10 * sin(angle)] + (0..<8).map { _ in 0.1 * generator.nextGaussian() }
        }
        let model = try UMAP.fit(points, dimensions: 10, parameters: .init(epochs: 100, seed: 1, threads: 1))
        #expect(model.initializationUsed == .spectral)
        let trust = try Trustworthiness.score(original: points, dimensions: 10, embedding: model.embedding, embeddingDimensions: 2, k: 10)
        #expect(trust > 0.95, "trustworthiness \(trust)")
        // One thread: the same seed gives the same layout.
        let again = try UMAP.fit(points, dimensions: 10, parameters: .init(epochs: 100, seed: 1, threads: 1))
        #expect(again.embedding == model.embedding)
    }

    @Test func transformPlacesNewRowsNearTheirBlob() throws {
        let (points, labels, centres) = Blobs.make(clusters: 4, perCluster: 100, dimensions: 12, separation: 8, spread: 1, seed: 17)
        let model = try UMAP.fit(points, dimensions: 12, parameters: .init(epochs: 150, seed: 2, threads: 2))
        var generator = SeededGenerator(seed: 9)
        var fresh: [Float] = [], freshLabels: [Int] = []
        for c in 0..<4 {
            for _ in 0..<5 {
                fresh += (0..<12).map { centres[c * 12 + $0] + generator.nextGaussian() }
                freshLabels.append(c)
            }
        }
        let placed = try model.transform(fresh)
        #expect(placed.count == 20 * 2 && placed.allSatisfy { $0.isFinite })
        // Each new row is nearer its own blob's embedded centre than any other.
        var centresInMap = [SIMD2<Float>](repeating: .zero, count: 4)
        for (i, label) in labels.enumerated() { centresInMap[label] += SIMD2(model.embedding[2 * i], model.embedding[2 * i + 1]) / 100 }
        for (i, label) in freshLabels.enumerated() {
            let point = SIMD2(placed[2 * i], placed[2 * i + 1])
            let distances = centresInMap.map { (centre: SIMD2<Float>) -> Float in ((centre - point) * (centre - point)).sum() }
            #expect(distances.firstIndex(of: distances.min()!) == label)
        }
    }

    @Test func badInputIsAClearError() {
        let points = TestData.uniform(count: 30, dimensions: 4, seed: 1)
        expectCurationError(.notEnoughRows, "n ≤ neighbors") { _ = try UMAP.fit(Array(points.prefix(40)), dimensions: 4) }
        expectCurationError(.notEnoughRows, "no rows") { _ = try UMAP.fit([], dimensions: 4) }
        expectCurationError(.invalidArgument, "neighbors 1") { _ = try UMAP.fit(points, dimensions: 4, parameters: .init(neighbors: 1)) }
        expectCurationError(.invalidArgument, "min_dist > spread") { _ = try UMAP.fit(points, dimensions: 4, parameters: .init(minDistance: 2)) }
        var bad = points
        bad[9] = .infinity
        expectCurationError(.invalidVector, "infinity") { _ = try UMAP.fit(bad, dimensions: 4) }
        expectCurationError(.invalidVector, "ragged") { _ = try UMAP.fit(Array(points.dropLast()), dimensions: 4) }
        do {
            let model = try UMAP.fit(points, dimensions: 4, parameters: .init(neighbors: 5, epochs: 20))
            expectCurationError(.invalidVector, "transform dims") { _ = try model.transform([1, 2, 3]) }
        } catch {
            Issue.record("fit failed: \(error)")
        }
    }
}

