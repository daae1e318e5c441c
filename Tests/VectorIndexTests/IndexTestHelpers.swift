import Testing
import TestSupport
import VectorIndex
import VectorMath

extension HNSWFixture {
    /// The exact top-k ids of every query among the ids `isLive` allows, from a `FlatIndex` (brute
    /// force, itself checked against a plain Double loop in `FlatIndexTests`) — fast enough for
    /// debug builds.
    func exactTopK(metric: Metric, k: Int, isLive: (UInt32) -> Bool = { _ in true }) throws -> [[UInt32]] {
        let flat = try FlatIndex(dimensions: Self.dimensions, metric: metric)
        try flat.add(vectors, ids: ids)
        let live = IDFilter(ids.filter(isLive))
        return try (0..<queryCount).map { try flat.search(query($0), k: k, options: SearchOptions(filter: live)).ids }
    }

    /// Mean recall@k of any index against brute force over the ids `isLive` allows.
    func recall(of index: some VectorIndex, metric: Metric = .cosine, k: Int = 10, options: SearchOptions = .default,
                isLive: (UInt32) -> Bool = { _ in true }) throws -> Double {
        let exact = try exactTopK(metric: metric, k: k, isLive: isLive)
        var total = 0.0
        for q in 0..<queryCount {
            let found = try index.search(query(q), k: k, options: options)
            total += Reference.recall(found: found.ids, exact: exact[q])
        }
        return total / Double(queryCount)
    }

    /// Checks, for every query, that a search is exactly brute force: the same ids in the same
    /// order, scores within float tolerance, `isExact` set.
    func expectExact(_ index: some VectorIndex, metric: Metric, k: Int = 10, sourceLocation: SourceLocation = #_sourceLocation) throws {
        for q in 0..<queryCount {
            let result = try index.search(query(q), k: k)
            let exact = Reference.topK(query(q), base: vectors, ids: ids, dimensions: Self.dimensions, metric: metric, k: k)
            #expect(result.isExact, sourceLocation: sourceLocation)
            #expect(result.ids == exact.map(\.id), "query \(q)", sourceLocation: sourceLocation)
            for (hit, truth) in zip(result.neighbors, exact) {
                #expect(approximatelyEqual(Double(hit.score), truth.score, absolute: 1e-4), sourceLocation: sourceLocation)
            }
        }
    }

    /// Whenever at least k rows match a filter, a filtered search returns k of them, all allowed;
    /// returns the mean recall and how many answers were exact.
    func filteredSearch(_ index: some VectorIndex, selectivity: Double, metric: Metric = .cosine, k: Int = 10,
                        sourceLocation: SourceLocation = #_sourceLocation) throws -> (recall: Double, exactCount: Int) {
        var generator = SeededGenerator(seed: UInt64(selectivity * 1000))
        let matchCount = max(1, Int(Double(count) * selectivity))
        let allowed = IDFilter(ids.shuffled(using: &generator).prefix(matchCount))
        let exact = try exactTopK(metric: metric, k: k) { allowed.contains($0) }
        var exactCount = 0
        var recall = 0.0
        for q in 0..<queryCount {
            let result = try index.search(query(q), k: k, options: SearchOptions(filter: allowed))
            #expect(result.neighbors.count == min(k, matchCount), sourceLocation: sourceLocation)
            #expect(result.ids.allSatisfy { allowed.contains($0) }, sourceLocation: sourceLocation)
            if result.isExact {
                exactCount += 1
                #expect(result.ids == exact[q], sourceLocation: sourceLocation)
            }
            recall += Reference.recall(found: result.ids, exact: exact[q])
        }
        return (recall / Double(queryCount), exactCount)
    }

    /// Removes every third id and checks that they are gone, never returned, and that recall@10
    /// over the rest holds; returns the removed ids.
    @discardableResult
    func removeEveryThird(from index: some VectorIndex, minimumRecall: Double, invariants: () -> [String],
                          sourceLocation: SourceLocation = #_sourceLocation) throws -> Set<UInt32> {
        let removed = Set(ids.enumerated().filter { $0.offset % 3 == 0 }.map(\.element))
        #expect(index.remove(Array(removed)) == removed.count, sourceLocation: sourceLocation)
        #expect(index.remove(Array(removed)) == 0, sourceLocation: sourceLocation)
        #expect(index.count == count - removed.count, sourceLocation: sourceLocation)
        #expect(invariants().isEmpty, sourceLocation: sourceLocation)
        for id in removed { #expect(!index.contains(id) && index.vector(for: id) == nil, sourceLocation: sourceLocation) }
        for q in 0..<queryCount {
            let found = try index.search(query(q), k: 20).ids
            #expect(found.allSatisfy { !removed.contains($0) }, sourceLocation: sourceLocation)
        }
        let recall = try self.recall(of: index) { !removed.contains($0) }
        #expect(recall >= minimumRecall, "recall after deletes \(recall)", sourceLocation: sourceLocation)
        return removed
    }

    /// Removes every id and checks that the empty index answers with nothing and takes new
    /// vectors.
    func removeAllAndReuse(_ index: some VectorIndex, invariants: () -> [String],
                           sourceLocation: SourceLocation = #_sourceLocation) throws {
        index.remove(ids)
        #expect(index.count == 0 && invariants().isEmpty, sourceLocation: sourceLocation)
        #expect(try index.search(query(0), k: 5).neighbors.isEmpty, sourceLocation: sourceLocation)
        try index.add(query(1), ids: [42])
        #expect(try index.search(query(1), k: 1).ids == [42], sourceLocation: sourceLocation)
    }
}

extension HNSWFixture {
    /// Adds the fixture's vectors from `start` on, 100 at a time, while `searchers` tasks each run
    /// 100 searches that must every one return 10 neighbours; rows before `start` must already be
    /// in `index`. The caller checks the index afterwards.
    func addWhileSearching(_ index: some VectorIndex, from start: Int, searchers: Int = 2) async throws {
        let fixture = self
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for (i, batch) in Array(fixture.ids.suffix(fixture.count - start)).chunked(into: 100).enumerated() {
                    let first = (start + i * 100) * Self.dimensions
                    try index.add(Array(fixture.vectors[first..<first + batch.count * Self.dimensions]), ids: batch)
                }
            }
            for searcher in 0..<searchers {
                group.addTask {
                    for round in 0..<100 {
                        let result = try index.search(fixture.query((searcher * 7 + round) % fixture.queryCount), k: 10)
                        #expect(result.neighbors.count == 10)
                    }
                }
            }
            for try await _ in group {}
        }
    }
}
