/// The softmax of rows: e^{x − max} / Σ e^{x − max}.
public enum Softmax {
    /// Replaces the `count` floats at `values` by their softmax. An empty row is left alone.
    /// - Complexity: O(count).
    public static func applyRow(_ values: UnsafeMutablePointer<Float>, count: Int) {
        guard count > 0 else { return }
        var largest = Float8(repeating: -.infinity)
        var i = 0
        while i + 8 <= count {
            largest = maximum8(largest, load8(values, i))
            i += 8
        }
        var maximum = largest.max()
        for j in i..<count { maximum = max(maximum, values[j]) }

        let shift = Float8(repeating: maximum)
        var sum8 = Float8()
        i = 0
        while i + 8 <= count {
            let e = FastMath.exp(load8(values, i) - shift)
            store8(e, values, i)
            sum8 += e
            i += 8
        }
        var sum = sum8.sum()
        if i < count {
            let e = FastMath.exp(loadPartial(values, i, count: count - i) - shift)
            storePartial(e, values, i, count: count - i)
            for lane in 0..<(count - i) { sum += e[lane] }
        }
        let inverse = Float8(repeating: 1 / sum)
        transformInPlace(values, count: count) { $0 * inverse }
    }

    /// Softmax of each of `rows` rows of `columns` floats (row-major), in place, rows split over
    /// `Parallel`'s threads.
    public static func apply(_ values: UnsafeMutablePointer<Float>, rows: Int, columns: Int) {
        Parallel.forEachChunk(rows, minimumChunk: max(1, 8_192 / max(columns, 1))) { range in
            for row in range { applyRow(values + row * columns, count: columns) }
        }
    }
}
