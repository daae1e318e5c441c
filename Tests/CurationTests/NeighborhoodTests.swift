import Curation
import Testing
import TestSupport
import VectorIndex
import VectorMath

@Suite struct NeighborhoodTests {
    /// sklearn.manifold.trustworthiness written out directly in Double: full ranks.
    static func referenceTrustworthiness(_ x: [Float], _ d: Int, _ y: [Float], _ e: Int, k: Int) -> Double {
        let n = x.count / d
        var penalty = 0.0
        for i in 0..<n {
            let original = (0..<n).filter { $0 != i }.sorted {
                Reference.squaredL2(TestData.row(x, i, dimensions: d)[...], TestData.row(x, $0, dimensions: d)[...])
                    < Reference.squaredL2(TestData.row(x, i, dimensions: d)[...], TestData.row(x, $1, dimensions: d)[...])
            }
            let embedded = (0..<n).filter { $0 != i }.sorted {
                Reference.squaredL2(TestData.row(y, i, dimensions: e)[...], TestData.row(y, $0, dimensions: e)[...])
                    < Reference.squaredL2(TestData.row(y, i, dimensions: e)[...], TestData.row(y, $1, dimensions: e)[...])
            }.prefix(k)
            for j in embedded { penalty += Double(max(0, (original.firstIndex(of: j)! + 1) - k)) }
        }
        return 1 - penalty * 2 / (Double(n) * Double(k) * (2 * Double(n) - 3 * Double(k) - 1))
    }

    @Test func trustworthinessMatchesTheDefinition() throws {
        let x = TestData.uniform(count: 120, dimensions: 6, seed: 2)
        let y = TestData.uniform(count: 120, dimensions: 2, seed: 3)
        let fast = try Trustworthiness.score(original: x, dimensions: 6, embedding: y, embeddingDimensions: 2, k: 5)
        #expect(approximatelyEqual(fast, Self.referenceTrustworthiness(x, 6, y, 2, k: 5), absolute: 1e-9))
        // An embedding that is the data itself is perfectly trustworthy.
        #expect(try Trustworthiness.score(original: x, dimensions: 6, embedding: x, embeddingDimensions: 6, k: 5) == 1)
        expectCurationError(.invalidArgument, "k ≥ n/2") { _ = try Trustworthiness.score(original: x, dimensions: 6, embedding: y, embeddingDimensions: 2, k: 60) }
        expectCurationError(.invalidArgument, "row counts") {
            _ = try Trustworthiness.score(original: x, dimensions: 6, embedding: Array(y.dropLast(2)), embeddingDimensions: 2)
        }
    }

    @Test(arguments: [Metric.l2, .cosine])
    func exactGraphIsTheBruteForceGraph(metric: Metric) throws {
        let points = TestData.uniform(count: 500, dimensions: 9, seed: 5)
        let graph = try KNNGraph.build(points.withUnsafeBufferPointer { $0 }, dimensions: 9, k: 7, metric: metric, search: .exact, threads: 2)
        #expect(graph.isExact && graph.k == 7 && graph.count == 500)
        for i in stride(from: 0, to: 500, by: 13) {
            let truth = Reference.topK(TestData.row(points, i, dimensions: 9), base: points, ids: (0..<500).map(UInt32.init),
                                       dimensions: 9, metric: metric, k: 8, where: { $0 != UInt32(i) })
            let (ids, distances) = graph.neighbors(of: i)
            #expect(ids.map { UInt32($0) } == truth.prefix(7).map { $0.id })
            let expected = truth.prefix(7).map { metric == .l2 ? -$0.score : 1 - $0.score }
            #expect(zip(distances, expected).allSatisfy { approximatelyEqual(Double($0), $1, absolute: 1e-5, relative: 1e-4) })
        }
    }

    @Test func approximateAndGivenIndexGraphsHaveHighRecall() throws {
        let points = TestData.clustered(count: 2000, dimensions: 16, clusters: 30, seed: 7)
        let buffer = points.withUnsafeBufferPointer { $0 }
        let exact = try KNNGraph.build(buffer, dimensions: 16, k: 10, search: .exact)
        let approximate = try KNNGraph.build(buffer, dimensions: 16, k: 10, search: .approximate(HNSWParameters(efSearch: 64)))
        let index = try HNSWIndex(dimensions: 16, metric: .l2)
        try index.add(points, ids: (0..<2000).map(UInt32.init))
        let given = try KNNGraph.build(buffer, dimensions: 16, k: 10, search: .index(index))
        for graph in [approximate, given] {
            #expect(!graph.isExact)
            var hits = 0
            for i in 0..<2000 { hits += Set(graph.neighbors(of: i).ids).intersection(exact.neighbors(of: i).ids).count }
            #expect(Double(hits) / 20_000 > 0.95)
            #expect(!graph.neighbors.contains { $0 < 0 } && (0..<2000).allSatisfy { !graph.neighbors(of: $0).ids.contains(Int32($0)) })
        }
        let wrong = try HNSWIndex(dimensions: 16, metric: .l2)
        try wrong.add(Array(points.prefix(160)), ids: (0..<10).map(UInt32.init))
        expectCurationError(.invalidArgument, "index of other rows") { _ = try KNNGraph.build(buffer, dimensions: 16, k: 10, search: .index(wrong)) }
        expectCurationError(.invalidArgument, "k ≥ n") { _ = try KNNGraph.build(buffer, dimensions: 16, k: 2000, search: .exact) }
    }

    @Test func clusterSummariesNameClustersFromTheirLabels() throws {
        let (points, planted, _) = Blobs.make(clusters: 3, perCluster: 20, dimensions: 4, seed: 2)
        let assignments = planted.map { Int32($0) } + [-1]
        let vectors = points + [100, 100, 100, 100]
        var labels: [String?] = planted.enumerated().map { row, c in ["Sneaker", "Shirt", "Bag"][c] }
        labels[0] = "Boot" // cluster 0: 19 Sneaker, 1 Boot
        for row in stride(from: 1, to: 60, by: 3).prefix(10) { labels[row] = "Pullover" } // cluster 1: half Pullover
        labels.append(nil)
        let colours: [String?] = (0..<61).map { $0 % 2 == 0 ? "red" : nil }
        let summaries = try ClusterSummary.summarize(assignments: assignments, vectors: vectors, dimensions: 4,
                                                     labels: labels, metadata: ["colour": colours], centralCount: 3)
        #expect(summaries.map(\.cluster) == [-1, 0, 1, 2])
        #expect(summaries[0].name == "Noise" && summaries[0].size == 1)
        #expect(summaries[1].name == "Sneaker · 95%" && summaries[1].topLabels.first?.count == 19)
        #expect(summaries[2].name == "Pullover 50% / Shirt 50%")
        #expect(summaries[3].topMetadata["colour"]?.first?.value == "red")
        // Central rows are the members nearest the cluster mean.
        for summary in summaries[1...] {
            let members = (0..<60).filter { assignments[$0] == summary.cluster }
            var mean = [Double](repeating: 0, count: 4)
            for row in members { for j in 0..<4 { mean[j] += Double(points[row * 4 + j]) / Double(members.count) } }
            let ranked = members.sorted {
                Reference.squaredL2(TestData.row(points, $0, dimensions: 4)[...], mean.map(Float.init)[...])
                    < Reference.squaredL2(TestData.row(points, $1, dimensions: 4)[...], mean.map(Float.init)[...])
            }
            #expect(summary.centralRows == Array(ranked.prefix(3)))
        }
        let unlabelled = try ClusterSummary.summarize(assignments: [0, 0], vectors: [1, 2], dimensions: 1)
        #expect(unlabelled.first?.name == "Cluster 0")
        expectCurationError(.invalidArgument, "label count") {
            _ = try ClusterSummary.summarize(assignments: [0, 0], vectors: [1, 2], dimensions: 1, labels: ["a"])
        }
        expectCurationError(.invalidArgument, "assignment count") { _ = try ClusterSummary.summarize(assignments: [0], vectors: [1, 2], dimensions: 1) }
    }
}
