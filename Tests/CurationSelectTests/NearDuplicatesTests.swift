import Curation
import Foundation
import Testing
import TestSupport
import VectorIndex
import VectorMath

@Suite struct NearDuplicatesTests {
    static let d = 16

    /// 800 rows with 250 near-copies (and copies of copies, so some groups have 3 members).
    static func data(seed: UInt64) -> [Float] {
        var values = CurationTestData.withCopies(base: 800, copies: 250, dimensions: d, noise: 0.02, seed: seed)
        var generator = SeededGenerator(seed: seed + 100)
        for i in 0..<50 { for j in 0..<d { values.append(values[(800 + i) * d + j] + 0.02 * generator.nextGaussian()) } }
        return values
    }

    @Test(arguments: [Metric.cosine, .l2, .innerProduct])
    func exactPairsAndGroupsMatchBruteForce(metric: Metric) throws {
        let values = Self.data(seed: 1)
        let n = values.count / Self.d
        let threshold: Float = switch metric {
        case .cosine: 0.995
        case .l2: -0.15
        case .innerProduct: 4.5
        }
        let vectors = try RowVectors(values, dimensions: Self.d, metric: metric)
        let rows = (0..<n).filter { $0 % 7 != 3 }
        let result = try NearDuplicates.vectors(vectors, rows: rows.map(UInt32.init), threshold: threshold, method: .exact, threads: 2)
        let truth = CurationTestData.pairs(values, rows: rows, dimensions: Self.d, metric: metric, threshold: Double(threshold))
        let found = Set(result.pairs.map { [$0.first, $0.second] })
        // Float32 sgemm may flip a pair within rounding of the threshold; allow those only.
        for pair in found.symmetricDifference(truth) {
            let score = CurationTestData.score(values, Int(pair[0]), Int(pair[1]), dimensions: Self.d, metric: metric)
            #expect(abs(score - Double(threshold)) < 1e-4 * max(1, abs(Double(threshold))), "pair \(pair) scores \(score)")
        }
        #expect(truth.count > 200)
        #expect(result.isExact && result.saturatedRows == 0)
        #expect(Set(result.groups.map(\.rows)) == CurationTestData.components(found))
        for pair in result.pairs {
            #expect(approximatelyEqual(Double(pair.score), CurationTestData.score(values, Int(pair.first), Int(pair.second), dimensions: Self.d, metric: metric),
                                       absolute: 1e-3, relative: 1e-4))
        }
    }

    @Test func graphAndIndexSearchesFindTheExactPairs() throws {
        let values = Self.data(seed: 2)
        let n = values.count / Self.d
        let vectors = try RowVectors(values, dimensions: Self.d, metric: .cosine)
        let exact = try NearDuplicates.vectors(vectors, threshold: 0.995, method: .exact)
        let graph = try NearDuplicates.vectors(vectors, threshold: 0.995, method: .graph(HNSWParameters(m: 12, efConstruction: 100), neighbors: 2), threads: 2)
        #expect(!graph.isExact)
        #expect(Set(graph.pairs.map { [$0.first, $0.second] }) == Set(exact.pairs.map { [$0.first, $0.second] }))
        #expect(graph.groups == exact.groups)

        // An existing index holding more rows than asked about: searches are filtered.
        let index = try FlatIndex(dimensions: Self.d, metric: .cosine)
        try index.add(values, ids: (0..<UInt32(n)).map { $0 })
        let subset = (0..<UInt32(n)).filter { $0 % 2 == 0 }
        let fromIndex = try NearDuplicates.vectors(in: index, ids: subset, threshold: 0.995, threads: 2)
        let truth = CurationTestData.pairs(values, rows: subset.map(Int.init), dimensions: Self.d, metric: .cosine, threshold: 0.995)
        #expect(Set(fromIndex.pairs.map { [$0.first, $0.second] }) == truth)
    }

    @Test func representativesFollowTheRule() throws {
        // Row 0 with copies 1 and 2 on either side of it; row 3 far away between its copies 4 and 5.
        let values: [Float] = [1, 0, 0, 0.999, 0.04, 0, 0.999, -0.04, 0, 0, 1, 0, 0.03, 1, 0, -0.03, 1, 0]
        let vectors = try RowVectors(values, dimensions: 3, metric: .cosine)
        let central = try NearDuplicates.vectors(vectors, threshold: 0.99)
        #expect(central.groups.map(\.rows) == [[0, 1, 2], [3, 4, 5]])
        #expect(central.groups.map(\.representative) == [0, 3])
        #expect(central.redundantRows == [1, 2, 4, 5])
        let earliest = try NearDuplicates.vectors(vectors, threshold: 0.99, representative: .earliestRow)
        #expect(earliest.groups.map(\.representative) == [0, 3])
        let byValue = try NearDuplicates.vectors(vectors, threshold: 0.99, representative: .highestValue([0.1, nil, 0.5, .nan, nil, 2]))
        #expect(byValue.groups.map(\.representative) == [2, 5])
        #expect(throws: CurationError.self) { try NearDuplicates.vectors(vectors, threshold: 0.99, representative: .highestValue([1])) }
    }

    @Test func plantedTextCopiesAreFoundAndVerified() throws {
        var generator = SeededGenerator(seed: 4)
        let words = (0..<400).map { "w\($0)x\($0 * 7 % 13)" }
        var texts = (0..<600).map { _ in (0..<12).map { _ in words[Int.random(in: 0..<400, using: &generator)] }.joined(separator: " ") }
        var planted: [(Int, Int)] = []
        for i in 0..<100 {
            var copy = texts[i].split(separator: " ").map(String.init)
            copy.remove(at: Int.random(in: 0..<copy.count, using: &generator))  // one word dropped
            texts.append(copy.joined(separator: " ").uppercased())  // and case changed
            planted.append((i, texts.count - 1))
        }
        let rows = (0..<UInt32(texts.count)).map { $0 * 2 + 10 }
        let result = try NearDuplicates.texts(texts, rows: rows, threshold: 0.6, threads: 2)
        let found = Set(result.pairs.map { [$0.first, $0.second] })
        let shingling = Shingling.characterFiveGrams
        let tokens = texts.map { shingling.tokens(of: $0) }
        var truth: Set<[UInt32]> = []
        for a in 0..<texts.count { for b in (a + 1)..<texts.count where Jaccard.exact(tokens[a], tokens[b]) >= 0.6 { truth.insert([rows[a], rows[b]]) } }
        #expect(found.isSubset(of: truth))
        #expect(Double(found.count) >= 0.97 * Double(truth.count))
        let plantedFound = planted.filter { found.contains([rows[$0.0], rows[$0.1]]) }.count
        #expect(plantedFound >= 97, "found \(plantedFound) of 100 planted copies")
        for pair in result.pairs {
            let a = rows.firstIndex(of: pair.first)!, b = rows.firstIndex(of: pair.second)!
            #expect(approximatelyEqual(Double(pair.score), Jaccard.exact(tokens[a], tokens[b]), absolute: 1e-6))
        }
    }

    @Test func badInputsAreErrors() throws {
        let vectors = try RowVectors(TestData.uniform(count: 50, dimensions: 4, seed: 1), dimensions: 4, metric: .cosine)
        func code(_ body: () throws -> Void) -> CurationError.Code? {
            do { try body() } catch let error as CurationError { return error.code } catch { return nil }
            return nil
        }
        #expect(code { _ = try NearDuplicates.vectors(vectors, threshold: .nan) } == .invalidArgument)
        #expect(code { _ = try NearDuplicates.vectors(vectors, rows: [1, 50], threshold: 0.9) } == .unknownRow)
        #expect(code { _ = try NearDuplicates.vectors(vectors, threshold: -1, maxPairs: 100) } == .limitExceeded)
        #expect(code { _ = try NearDuplicates.vectors(vectors, threshold: -1, method: .graph(HNSWParameters(), neighbors: 4), maxPairs: 100) } == .limitExceeded)
        #expect(code { _ = try NearDuplicates.vectors(vectors, threshold: 0.9, threads: 0) } == .invalidArgument)
        #expect(code { _ = try NearDuplicates.texts(["a b c"], threshold: 1.5) } == .invalidArgument)
        #expect(code { _ = try NearDuplicates.texts(["a b c", "d e f"], rows: [1], threshold: 0.5) } == .unknownRow)
        #expect(code { _ = try NearDuplicates.texts(["a b c", "d e f"], rows: [1, 1], threshold: 0.5) } == .invalidArgument)
        let index = try FlatIndex(dimensions: 4, metric: .cosine)
        #expect(code { _ = try NearDuplicates.vectors(in: index, ids: [3], threshold: 0.9) } == .unknownRow)
    }
}
