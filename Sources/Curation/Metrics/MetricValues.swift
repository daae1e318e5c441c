import VectorIndex

/// Filtering and sorting rows by a scalar metric: one value per row slot, nil (or NaN) where a
/// row has none.
public enum MetricValues {
    /// The rows (of `rows`, or every row slot of `values` when nil) whose value lies in `range`,
    /// ascending.
    /// - Throws: `unknownRow` for a row past the values.
    /// - Complexity: O(rows).
    public static func rows(
        _ values: [Double?], in range: MetricRange, among rows: [UInt32]? = nil
    ) throws(CurationError) -> [UInt32] {
        let candidates = try checked(rows, values: values)
        return candidates.filter { range.contains(values[Int($0)]) }
    }

    /// The rows (of `rows`, or every row slot of `values` when nil) ordered by value, ascending
    /// or descending; ties by lower row; rows without a value last, by row.
    /// - Throws: `unknownRow` for a row past the values.
    /// - Complexity: O(rows · log rows).
    public static func sorted(
        _ values: [Double?], descending: Bool = false, among rows: [UInt32]? = nil
    ) throws(CurationError) -> [UInt32] {
        order(try checked(rows, values: values), by: values, descending: descending).map(\.row)
    }

    /// `rows` (sorted, distinct) with their values, ordered as `sorted` orders them.
    static func order(_ rows: [UInt32], by values: [Double?], descending: Bool) -> [(row: UInt32, value: Double?)] {
        var present: [(row: UInt32, value: Double)] = []
        var missing: [(row: UInt32, value: Double?)] = []
        for row in rows {
            if let value = values[Int(row)], !value.isNaN { present.append((row, value)) } else { missing.append((row, nil)) }
        }
        present.sort { a, b in
            if a.value != b.value { return descending ? a.value > b.value : a.value < b.value }
            return a.row < b.row
        }
        return present.map { ($0.row, $0.value) } + missing
    }

    /// `rows` sorted without repeats (all row slots of `values` when nil), each checked.
    static func checked(_ rows: [UInt32]?, values: [Double?]) throws(CurationError) -> [UInt32] {
        guard var rows else { return (0..<UInt32(values.count)).map { $0 } }
        rows.sortAndRemoveDuplicates()
        if let bad = rows.first(where: { Int($0) >= values.count }) {
            throw CurationError(.unknownRow, "the metric has \(values.count) values but row \(bad) is past them")
        }
        return rows
    }
}
