import VectorMath

/// Checks of the row-major matrices that every curation algorithm takes: the one validator of
/// rows in the module (``RowVectors/init(_:dimensions:metric:)`` uses it too).
extension RowVectors {
    /// The number of rows in `values`, after checking that it is a whole, non-empty number of
    /// `dimensions`-wide rows of finite values (normalisable ones under cosine).
    /// - Parameter what: names the input in messages ("k-means input", "rows to predict").
    static func rowCount(
        _ values: UnsafeBufferPointer<Float>, dimensions: Int, metric: Metric = .l2, what: String
    ) throws(CurationError) -> Int {
        let count = try checkedRows(values, dimensions: dimensions, metric: metric, what: what)
        guard count > 0 else { throw CurationError(.notEnoughRows, "\(what): there are no rows") }
        return count
    }

    /// The number of rows in `values` (possibly none), after the checks of `rowCount`.
    static func checkedRows(
        _ values: UnsafeBufferPointer<Float>, dimensions: Int, metric: Metric, what: String
    ) throws(CurationError) -> Int {
        guard dimensions > 0 else {
            throw CurationError(.invalidArgument, "\(what): dimensions must be positive (got \(dimensions))")
        }
        guard values.count % dimensions == 0 else {
            throw CurationError(.invalidVector, "\(what): \(values.count) values are not a whole number of \(dimensions)-dimensional rows")
        }
        let count = values.count / dimensions
        guard count > 0, let base = values.baseAddress else { return 0 }
        for row in 0..<count {
            let vector = UnsafeBufferPointer(start: base + row * dimensions, count: dimensions)
            if let problem = Vectors.problem(with: vector, dimensions: dimensions, metric: metric) {
                throw CurationError(.invalidVector, "\(what): row \(row): \(problem)")
            }
        }
        return count
    }

    /// The metrics that give the non-negative distances neighbourhood algorithms need.
    static func checkDistanceMetric(_ metric: Metric, what: String) throws(CurationError) {
        guard metric != .innerProduct else {
            throw CurationError(.invalidArgument, "\(what) needs a distance: use l2, or cosine for unnormalised embeddings, not inner_product")
        }
    }

    /// Runs `body` on the rows themselves, or on a normalised copy when `normalize` is set.
    static func withPrepared<T>(
        _ values: UnsafeBufferPointer<Float>, rows: Int, dimensions: Int, normalize: Bool,
        _ body: (UnsafePointer<Float>) throws(CurationError) -> T
    ) throws(CurationError) -> T {
        guard normalize else { return try body(values.baseAddress!) }
        let copy = UnsafeMutablePointer<Float>.allocate(capacity: rows * dimensions)
        defer { copy.deallocate() }
        copy.update(from: values.baseAddress!, count: rows * dimensions)
        Vectors.normalizeRows(copy, rows: rows, dimensions: dimensions)
        return try body(copy)
    }
}
