import Curation
import Foundation
import Testing
import TestSupport

@Suite struct MetricAggregateTests {
    static let values: [Double?] = [2, nil, 8, .nan, 4, 1, 0.5]

    @Test func aggregatesMatchDoubleReferences() throws {
        let present = [2.0, 8, 4, 1, 0.5]
        func value(_ kind: MetricAggregate.Kind) throws -> Double? { try MetricAggregate.aggregate(Self.values, kind: kind).value }
        #expect(try value(.arithmeticMean) == present.reduce(0, +) / 5)
        #expect(approximatelyEqual(try value(.geometricMean)!, pow(present.reduce(1, *), 1.0 / 5), absolute: 1e-12))
        #expect(approximatelyEqual(try value(.harmonicMean)!, 5 / present.reduce(0) { $0 + 1 / $1 }, absolute: 1e-12))
        #expect(try value(.sum) == 15.5 && value(.min) == 0.5 && value(.max) == 8 && value(.count) == 5)
        let summary = try MetricAggregate.aggregate(Self.values, kind: .sum)
        #expect(summary.count == 5 && summary.missing == 2 && summary.skipped == 0)
        // Over a filter's rows.
        #expect(try MetricAggregate.aggregate(Self.values, over: [0, 2, 1, 2], kind: .arithmeticMean).value == 5)
    }

    @Test func sumsAreCompensatedAndMeansDoNotOverflow() throws {
        #expect(try MetricAggregate.aggregate([1e16, 1, -1e16, 1], kind: .sum).value == 2)
        let tenths = [Double?](repeating: 0.1, count: 1_000_000)
        #expect(try MetricAggregate.aggregate(tenths, kind: .sum).value == 100_000)
        #expect(try MetricAggregate.aggregate([1e308, 1e308, 1e308], kind: .arithmeticMean).value == 1e308)
        #expect(approximatelyEqual(try MetricAggregate.aggregate([1e300, 1e300, 1e-300], kind: .geometricMean).value!, 1e100, relative: 1e-12))
    }

    @Test func nonPositiveValuesAreErrorsOrSkipped() throws {
        let values: [Double?] = [4, 0, -1, 1]
        #expect(throws: CurationError.self) { try MetricAggregate.aggregate(values, kind: .geometricMean) }
        #expect(throws: CurationError.self) { try MetricAggregate.aggregate(values, kind: .harmonicMean) }
        let skipped = try MetricAggregate.aggregate(values, kind: .geometricMean, nonPositive: .skip)
        #expect(skipped.value == 2 && skipped.skipped == 2 && skipped.count == 2)
        #expect(try MetricAggregate.aggregate(values, kind: .arithmeticMean).value == 1)
        #expect(throws: CurationError.self) { try MetricAggregate.aggregate([1, .infinity], kind: .sum) }
        #expect(throws: CurationError.self) { try MetricAggregate.aggregate([1], over: [3], kind: .sum) }
        // Nothing to aggregate: no value, a count of zero.
        #expect(try MetricAggregate.aggregate([nil, .nan], kind: .arithmeticMean).value == nil)
        #expect(try MetricAggregate.aggregate([nil], kind: .count).value == 0)
    }

    @Test func rangesFilterAndSortingOrders() throws {
        let inclusive = try MetricRange(lower: 1, upper: 4)
        #expect(try MetricValues.rows(Self.values, in: inclusive) == [0, 4, 5])
        let open = try MetricRange(lower: 1, includesLower: false, upper: 4, includesUpper: false)
        #expect(try MetricValues.rows(Self.values, in: open) == [0])
        #expect(try MetricValues.rows(Self.values, in: MetricRange(lower: 3), among: [6, 2, 4]) == [2, 4])
        #expect(try MetricValues.sorted(Self.values) == [6, 5, 0, 4, 2, 1, 3])
        #expect(try MetricValues.sorted(Self.values, descending: true) == [2, 4, 0, 5, 6, 1, 3])
        #expect(throws: CurationError.self) { try MetricRange(lower: 5, upper: 1) }
        #expect(throws: CurationError.self) { try MetricRange(lower: .nan) }
        #expect(throws: CurationError.self) { try MetricValues.sorted(Self.values, among: [7]) }
    }
}
