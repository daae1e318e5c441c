import Curation
import Foundation

/// A metric aggregated over the rows of a filter.
public struct MetricAggregation: Sendable, Hashable, Codable {
    public var name: String
    public var className: String?
    /// `mean`, `geometric_mean`, `harmonic_mean` or `sum`.
    public var kind: String
    /// nil when no row had a usable value.
    public var value: Double?
    /// Rows whose value entered the aggregate.
    public var count: Int
    /// Rows of the filter without the metric.
    public var missing: Int
    /// Non-positive values left out of a geometric or harmonic mean.
    public var skipped: Int
}

extension Catalog {
    /// The most neighbours a score job may use.
    public static let maximumScoreNeighbors = 500

    /// Starts a job computing every row's `uniqueness` and `representativeness` in a space from
    /// its k nearest neighbours, stored as metrics (filter and sort by them like any metric).
    /// - Throws: `notFound`; `invalidArgument` for k outside 3...500 or a space with no more
    ///   than k vectors; `conflict` when such a job already runs for the space.
    public func computeRowScores(space reference: String, in dataset: String, k: Int = 15) async throws -> Job {
        try await startCurationJob(.rowScores, space: reference, in: dataset, k: k, minimumK: 3)
    }

    /// Starts a job scoring how likely each labelled row's ground-truth label is wrong, from the
    /// labels of its k nearest neighbours in a space, stored as the metric `label_mistake` (and
    /// the per-class `label_suggestion` naming the likelier class).
    /// - Throws: as ``computeRowScores(space:in:k:)`` (k in 1...500).
    public func computeLabelMistakes(space reference: String, in dataset: String, k: Int = 30) async throws -> Job {
        try await startCurationJob(.labelMistakes, space: reference, in: dataset, k: k, minimumK: 1)
    }

    private func startCurationJob(_ kind: Job.Kind, space reference: String, in dataset: String, k: Int, minimumK: Int) async throws -> Job {
        let space = try await self.space(reference, in: dataset)
        guard (minimumK...Self.maximumScoreNeighbors).contains(k) else {
            throw CatalogError.invalid("k must be in \(minimumK)...\(Self.maximumScoreNeighbors) (got \(k))")
        }
        guard space.vectorCount > k else {
            throw CatalogError.invalid("space '\(space.name)' has \(space.vectorCount) vector(s); k = \(k) needs more than k")
        }
        let parameters = try JSONEncoder().encode(CurationJobParameters(k: k, threads: configuration.threads))
        return try await jobRunner.start(kind, space: space, parameters: parameters)
    }

    /// Aggregates one metric over the rows a filter lets through (every row for an empty filter):
    /// arithmetic, geometric or harmonic mean, or sum (Curation's `MetricAggregate`,
    /// compensated sums).
    /// - Parameters:
    ///   - skipNonPositive: leave zero and negative values out of geometric and harmonic means
    ///     (counted as `skipped`) instead of refusing them.
    /// - Throws: `notFound`; `invalidArgument` for an unknown kind, or a non-positive value in a
    ///   geometric or harmonic mean unless skipped.
    public func aggregateMetric(_ name: String, className: String? = nil, kind: String, filter: RowFilter = RowFilter(),
                                skipNonPositive: Bool = false, in dataset: String) async throws -> MetricAggregation {
        guard let aggregate = MetricAggregate.Kind(rawValue: kind) else {
            throw CatalogError.invalid("the aggregate must be one of \(MetricAggregate.Kind.allCases.map(\.rawValue).joined(separator: ", ")) (got '\(kind)')")
        }
        let dataset = try await store.dataset(dataset)
        let values = try await store.metricValues(name: name, className: className, datasetID: dataset.id)
        let matching = try await store.matchingSlots(datasetID: dataset.id, filter: filter)
        // Rows of the filter: its slots, or every row (those with the metric, plus the rest as missing).
        var rows: [UInt32]
        var missingOutside = 0
        if let matching {
            rows = matching.ids
        } else {
            rows = Array(values.keys)
            missingOutside = max(0, dataset.rowCount - rows.count)
        }
        rows.sort()
        // Dense positions for Curation's per-slot arrays.
        let dense = rows.map { values[$0] }
        let summary = try curating("aggregating metric '\(name)'") { () throws(CurationError) in
            try MetricAggregate.aggregate(dense, kind: aggregate, nonPositive: skipNonPositive ? .skip : .error)
        }
        return MetricAggregation(name: name, className: className, kind: aggregate.rawValue, value: summary.value, count: summary.count,
                                 missing: summary.missing + missingOutside, skipped: summary.skipped)
    }
}

extension Catalog {
    /// Every row's value of one metric (whole-row when `className` is nil), by row slot.
    public func metricValues(_ name: String, className: String? = nil, in dataset: String) async throws -> [UInt32: Double] {
        let dataset = try await store.dataset(dataset)
        return try await store.metricValues(name: name, className: className, datasetID: dataset.id)
    }
}
