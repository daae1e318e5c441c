import Testing
import TestSupport
import VectorIndex
import VectorMath

@Suite struct VPTreeApproximateTests {
    let fixture = TreeFixture(count: 3000, dimensions: 12, queryCount: 25)

    @Test func aBudgetCapsTheWorkAndSaysTheAnswerIsApproximate() throws {
        let index = try VPTreeIndex(dimensions: 12, metric: .cosine, parameters: TreeParameters(leafSize: 16))
        try index.add(fixture.vectors, ids: fixture.ids)
        var recall = 0.0, approximate = 0
        for q in 0..<fixture.queryCount {
            let exact = try index.search(fixture.query(q), k: 10)
            #expect(exact.isExact)
            let capped = try index.search(fixture.query(q), k: 10, maxScored: 300)
            #expect(capped.neighbors.count == 10)
            // Checked between nodes: at most one leaf (or vantage point) past the budget.
            #expect(capped.candidatesScored <= 300 + 16)
            #expect(capped.candidatesScored <= exact.candidatesScored)
            if !capped.isExact { approximate += 1 } else { #expect(capped.ids == exact.ids) }
            recall += Reference.recall(found: capped.ids, exact: exact.ids)
            // A budget the exact search never reaches changes nothing.
            let generous = try index.search(fixture.query(q), k: 10, maxScored: 1_000_000)
            #expect(generous.isExact && generous.ids == exact.ids && generous.candidatesScored == exact.candidatesScored)
        }
        #expect(approximate > 0)
        #expect(recall / Double(fixture.queryCount) >= 0.5, "recall@10 \(recall / Double(fixture.queryCount)) at 10% of the vectors")
    }

    @Test func theIndexDefaultBudgetAppliesAndCanBeLifted() throws {
        let index = try VPTreeIndex(dimensions: 12, metric: .l2, searchBudget: 200)
        try index.add(fixture.vectors, ids: fixture.ids)
        let budgeted = try index.search(fixture.query(0), k: 5)
        let batch = try index.search(batch: fixture.queries, k: 5)
        #expect(budgeted.candidatesScored <= 200 + index.parameters.leafSize)
        #expect(batch[0].ids == budgeted.ids)
        let exact = try index.search(fixture.query(0), k: 5, maxScored: nil)
        #expect(exact.isExact)
        expectIdentical(exact, fixture.ranking(fixture.query(0), metric: .l2), k: 5, "lifted budget")
    }

    @Test func aBudgetSmallerThanKStillFillsTheResult() throws {
        let index = try VPTreeIndex(dimensions: 12, metric: .l2)
        try index.add(fixture.vectors, ids: fixture.ids)
        let result = try index.search(fixture.query(1), k: 50, maxScored: 1)
        #expect(result.neighbors.count == 50 && !result.isExact)
        let filter = IDFilter(fixture.ids.filter { $0 % 3 == 0 })
        let filtered = try index.search(fixture.query(1), k: 50, options: SearchOptions(filter: filter), maxScored: 1)
        #expect(filtered.neighbors.count == 50 && filtered.ids.allSatisfy { filter.contains($0) })
    }
}
