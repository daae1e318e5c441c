#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Aggregates of a scalar metric over a set of rows (a filter's rows, or all of them).
///
/// Missing values (nil or NaN) are left out and counted. Sums are compensated (Neumaier), the
/// geometric mean is exp of the compensated mean of logarithms (no overflow or underflow of a
/// running product), and the harmonic mean is n over the compensated sum of reciprocals.
public enum MetricAggregate {
    /// An aggregate.
    public enum Kind: String, Sendable, CaseIterable, Codable {
        case arithmeticMean = "mean"
        case geometricMean = "geometric_mean"
        case harmonicMean = "harmonic_mean"
        case sum
        case min
        case max
        case count
    }

    /// What to do with a value the geometric or harmonic mean cannot take (zero or negative).
    public enum NonPositivePolicy: Sendable, Equatable {
        /// Throw `invalidValue` naming the row.
        case error
        /// Leave it out and count it in `Summary.skipped`.
        case skip
    }

    /// The aggregate of a set of values.
    public struct Summary: Sendable, Equatable {
        /// What was computed.
        public var kind: Kind
        /// The aggregate, or nil when no value entered it (a count is 0, never nil).
        public var value: Double?
        /// Values that entered the aggregate.
        public var count: Int
        /// Rows without a value (nil or NaN).
        public var missing: Int
        /// Values left out by `NonPositivePolicy.skip`.
        public var skipped: Int
    }

    /// Aggregates `values` (one per row slot) over `rows` (every row slot when nil).
    /// - Throws: `CurationError` — `unknownRow` for a row past the values, `invalidValue` for an
    ///   infinite value, or a zero or negative value in a geometric or harmonic mean under
    ///   `NonPositivePolicy.error`.
    /// - Complexity: O(rows).
    public static func aggregate(
        _ values: [Double?], over rows: [UInt32]? = nil, kind: Kind, nonPositive: NonPositivePolicy = .error
    ) throws(CurationError) -> Summary {
        let rows = try MetricValues.checked(rows, values: values)
        var summary = Summary(kind: kind, value: nil, count: 0, missing: 0, skipped: 0)
        var total = CompensatedSum()
        var extreme: Double?
        for row in rows {
            guard let value = values[Int(row)], !value.isNaN else {
                summary.missing += 1
                continue
            }
            guard value.isFinite else { throw CurationError(.invalidValue, "row \(row) has the infinite value \(value)") }
            if (kind == .geometricMean || kind == .harmonicMean) && value <= 0 {
                guard nonPositive == .skip else {
                    throw CurationError(.invalidValue, "row \(row) has the value \(value); a \(kind == .geometricMean ? "geometric" : "harmonic") mean needs positive values (skip them to leave them out)")
                }
                summary.skipped += 1
                continue
            }
            summary.count += 1
            switch kind {
            case .arithmeticMean, .sum: total.add(value)
            case .geometricMean: total.add(log(value))
            case .harmonicMean: total.add(1 / value)
            case .min: extreme = Swift.min(extreme ?? value, value)
            case .max: extreme = Swift.max(extreme ?? value, value)
            case .count: break
            }
        }
        let n = Double(summary.count)
        switch kind {
        case .count:
            summary.value = n
        case .sum:
            summary.value = summary.count > 0 ? total.value : nil
        case .min, .max:
            summary.value = extreme
        case .arithmeticMean where summary.count > 0:
            summary.value = total.value.isFinite ? total.value / n : scaledMean(values, rows: rows)
        case .geometricMean where summary.count > 0:
            summary.value = exp(total.value / n)
        case .harmonicMean where summary.count > 0:
            summary.value = n / total.value
        case .arithmeticMean, .geometricMean, .harmonicMean:
            summary.value = nil
        }
        return summary
    }

    /// The mean as the sum of value / n, for values whose plain sum overflows.
    private static func scaledMean(_ values: [Double?], rows: [UInt32]) -> Double {
        let present = rows.compactMap { values[Int($0)] }.filter { !$0.isNaN }
        var total = CompensatedSum()
        for value in present { total.add(value / Double(present.count)) }
        return total.value
    }
}
