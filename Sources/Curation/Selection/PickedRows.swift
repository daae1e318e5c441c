import VectorMath

/// The vectors of the rows picked so far, kept contiguous so that a proposal is tested against
/// all of them in one kernel pass: the near-duplicate exclusion of Smart Select.
final class PickedRows {
    let vectors: RowVectors
    /// The score at or above which a proposal is a near-duplicate.
    let threshold: Float
    private let rows: UnsafeMutablePointer<Float>
    private let values: UnsafeMutablePointer<Float>
    private let capacity: Int
    private(set) var count = 0

    /// Room for `capacity` picks.
    init(vectors: RowVectors, threshold: Float, capacity: Int) {
        self.vectors = vectors
        self.threshold = threshold
        self.capacity = max(capacity, 1)
        rows = .allocate(capacity: self.capacity * vectors.dimensions)
        values = .allocate(capacity: self.capacity)
    }

    deinit {
        rows.deallocate()
        values.deallocate()
    }

    /// Whether `row` scores at least `threshold` with any picked row.
    /// - Complexity: O(count · d).
    func isNearDuplicate(_ row: Int) -> Bool {
        guard count > 0 else { return false }
        let metric = vectors.metric, d = vectors.dimensions
        vectors.values.withUnsafeBufferPointer { all in
            VectorKernels.active.scoreConsecutiveRows(metric, query: all.baseAddress! + row * d, base: rows, dimensions: d,
                                                     stride: d, count: count, into: values)
        }
        for i in 0..<count where metric.score(fromOrderingKey: metric.orderingKey(fromKernelValue: values[i])) >= threshold {
            return true
        }
        return false
    }

    /// Adds `row` to the picked rows.
    func append(_ row: Int) {
        guard count < capacity else { return }
        let d = vectors.dimensions
        vectors.values.withUnsafeBufferPointer { all in (rows + count * d).update(from: all.baseAddress! + row * d, count: d) }
        count += 1
    }
}
