import Curation
import Testing
import TestSupport
import VectorIndex
import VectorMath

@Suite struct ScoresTests {
    @Test(arguments: [Metric.cosine, .l2, .innerProduct])
    func exactNeighborGraphMatchesBruteForce(metric: Metric) throws {
        let d = 10, n = 700
        let values = TestData.clustered(count: n, dimensions: d, clusters: 9, seed: 3)
        let vectors = try RowVectors(values, dimensions: d, metric: metric)
        let rows = (0..<UInt32(n)).filter { $0 % 5 != 0 }
        let graph = try KNNGraph.build(vectors, rows: rows, k: 7, search: .exact, threads: 2)
        #expect(graph.isExact && graph.rows == rows)
        func distance(_ a: Int, _ b: Int) -> Double {
            metric == .cosine ? 1 - CurationTestData.score(values, a, b, dimensions: d, metric: .cosine)
                : CurationTestData.distance(values, a, b, dimensions: d)
        }
        for (i, row) in rows.enumerated() where i % 13 == 0 {
            let expected = rows.filter { $0 != row }.map { ($0, distance(Int(row), Int($0))) }.sorted { $0.1 < $1.1 }.prefix(7)
            #expect(graph.neighbors(ofRowAt: i).elementsEqual(expected.map { Int32($0.0) }))
            for (found, (_, want)) in zip(graph.distances(ofRowAt: i), expected) {
                #expect(approximatelyEqual(Double(found), want, absolute: 1e-4))
            }
        }
        let approximate = try KNNGraph.build(vectors, rows: rows, k: 7, search: .approximate(HNSWParameters(efSearch: 64)), threads: 2)
        let overlap = zip(approximate.neighbors, graph.neighbors).filter { $0 == $1 }.count
        #expect(!approximate.isExact && Double(overlap) / Double(graph.neighbors.count) > 0.9)
    }

    @Test func uniquenessAndRepresentativenessFollowTheirDefinitions() throws {
        // Points on a line: a tight group 0…4, a looser group, one far outlier.
        let xs: [Float] = [0, 0.1, 0.2, 0.3, 0.4, 3, 3.5, 4, 4.5, 5, 20]
        let vectors = try RowVectors(xs, dimensions: 1, metric: .l2)
        let graph = try KNNGraph.build(vectors, k: 3)
        let uniqueness = try RowScores.uniqueness(graph)
        func nearest(_ i: Int) -> [Double] { xs.indices.filter { $0 != i }.map { Double(abs(xs[$0] - xs[i])) }.sorted() }
        let raw = xs.indices.map { i in zip([0.6, 0.3, 0.1], nearest(i)).reduce(0.0) { $0 + $1.0 * $1.1 } }
        for i in xs.indices { #expect(approximatelyEqual(uniqueness[i], raw[i] / raw.max()!, absolute: 1e-5)) }
        #expect(uniqueness[10] == 1 && uniqueness[2] < uniqueness[7])

        let density = RowScores.densityRepresentativeness(graph)
        let means = xs.indices.map { nearest($0).prefix(3).reduce(0, +) / 3 }
        let median = means.sorted()[5]
        for i in xs.indices { #expect(approximatelyEqual(density[i], 1 / (1 + means[i] / median), absolute: 1e-5)) }
        #expect(density[2] > density[7] && density[7] > density[10])

        let clusters: [Int32] = [0, 0, 0, 0, 0, 1, 1, 1, 1, 1, -1]
        let central = try RowScores.clusterRepresentativeness(vectors, clusters: clusters)
        #expect(central.rows == (0..<UInt32(11)).map { $0 })
        #expect(central.scores[2] == 1 && central.scores[7] == 1 && central.scores[10] == 0)
        // Row 0 sits 0.2 from its cluster's mean, whose members average 0.12 from it.
        #expect(approximatelyEqual(central.scores[0], 1 / (1 + 0.2 / 0.12), absolute: 1e-5))
        #expect(throws: CurationError.self) { try RowScores.uniqueness(graph, weights: [1, 1, 1, 1]) }
        #expect(throws: CurationError.self) { try RowScores.clusterRepresentativeness(vectors, clusters: [0]) }
    }

    /// Separable blobs with labels flipped on a seeded 5 %: the flipped rows head the ranking.
    @Test(arguments: [LabelMistakes.Weighting.inverseDistance, .uniform])
    func plantedFlipsHeadTheRanking(weighting: LabelMistakes.Weighting) throws {
        let n = 2000, d = 8, classes = 5
        let (values, truth) = CurationTestData.blobs(count: n, dimensions: d, clusters: classes, spread: 0.5, seed: 11)
        var labels = truth
        var generator = SeededGenerator(seed: 12)
        var flipped = Set<UInt32>()
        while flipped.count < n / 20 {
            let row = Int.random(in: 0..<n, using: &generator)
            guard flipped.insert(UInt32(row)).inserted else { continue }
            labels[row] = (labels[row] + Int32.random(in: 1..<Int32(classes), using: &generator)) % Int32(classes)
        }
        let graph = try KNNGraph.build(try RowVectors(values, dimensions: d, metric: .l2), k: 15)
        let ranking = try LabelMistakes.rank(graph, labels: labels, weighting: weighting)
        #expect(Set(ranking.top(flipped.count)) == flipped)
        #expect(ranking.entries.count == n && ranking.unscoredRows.isEmpty)
        // Confident learning flags most of them (a flipped row among other flips may fall just
        // under its true class's threshold) and suggests the true class.
        let top = ranking.entries.prefix(flipped.count)
        #expect(top.allSatisfy { $0.score > 0.7 && $0.suggestedLabel == truth[Int($0.row)] })
        #expect(top.filter(\.isLikelyMistake).count >= flipped.count * 8 / 10, "\(top.filter(\.isLikelyMistake).count) flagged")
        #expect(ranking.entries.dropFirst(flipped.count).allSatisfy { !$0.isLikelyMistake || $0.score > 0.3 })

        // A confident model that knows the truth for the first 50 flipped rows moves them first
        // even when the neighbours are ignored (α = 1).
        var predictions = [Float](repeating: 0, count: n * classes)
        for row in 0..<n { predictions[row * classes + Int(labels[row])] = 1 }
        let known = Array(flipped.sorted().prefix(50))
        for row in known {
            predictions[Int(row) * classes + Int(labels[Int(row)])] = 0
            predictions[Int(row) * classes + Int(truth[Int(row)])] = 1
        }
        let modelOnly = try LabelMistakes.rank(graph, labels: labels, predictions: predictions, modelWeight: 1)
        #expect(Set(modelOnly.top(50)) == Set(known))
    }

    @Test func unlabelledRowsNeitherVoteNorScore() throws {
        let values: [Float] = [0, 0.1, 0.2, 5, 5.1, 5.2]
        let graph = try KNNGraph.build(try RowVectors(values, dimensions: 1, metric: .l2), k: 2)
        let ranking = try LabelMistakes.rank(graph, labels: [0, 1, -1, 1, 1, -1], classCount: 2)
        #expect(ranking.entries.map(\.row).sorted() == [0, 1, 3, 4])
        #expect(ranking.unscoredRows.isEmpty)
        // Row 3's neighbours are rows 4 (label 1) and 5 (unlabelled, no vote): it agrees.
        #expect(ranking.entries.first { $0.row == 3 }?.score == 0)
        // Rows 0 and 1 each have one labelled neighbour, the other: certain mistakes.
        #expect(ranking.top(2) == [0, 1] && ranking.entries[0].score == 1)
        let lonely = try LabelMistakes.rank(graph, labels: [-1, -1, -1, 1, -1, -1], classCount: 2)
        #expect(lonely.entries.isEmpty && lonely.unscoredRows == [3])
    }

    @Test func badLabelInputsAreErrors() throws {
        let graph = try KNNGraph.build(try RowVectors([0, 1, 2, 3], dimensions: 1, metric: .l2), k: 2)
        func code(_ body: () throws -> Void) -> CurationError.Code? {
            do { try body() } catch let error as CurationError { return error.code } catch { return nil }
            return nil
        }
        #expect(code { _ = try LabelMistakes.rank(graph, labels: [0, 1]) } == .unknownRow)
        #expect(code { _ = try LabelMistakes.rank(graph, labels: [0, 1, 2, 5], classCount: 3) } == .invalidArgument)
        #expect(code { _ = try LabelMistakes.rank(graph, labels: [0, 1, 0, -2]) } == .invalidArgument)
        #expect(code { _ = try LabelMistakes.rank(graph, labels: [0, 1, 0, 1], predictions: [0.5, 0.5]) } == .invalidArgument)
        #expect(code { _ = try LabelMistakes.rank(graph, labels: [0, 1, 0, 1], predictions: [Float](repeating: 2, count: 8)) } == .invalidArgument)
        #expect(code { _ = try LabelMistakes.rank(graph, labels: [0, 1, 0, 1], predictions: [Float](repeating: 0.5, count: 8), modelWeight: 2) } == .invalidArgument)
        #expect(code { _ = try KNNGraph.build(try RowVectors([0, 1], dimensions: 1, metric: .l2), k: 2) } == .invalidArgument)
        #expect(code { _ = try KNNGraph(rows: [0, 1], k: 1, neighbors: [1], distances: [1], isExact: true) } == .invalidArgument)
        #expect(code { _ = try KNNGraph(rows: [0, 1], k: 1, neighbors: [1, 0], distances: [1, -1], isExact: true) } == .invalidArgument)
    }
}
