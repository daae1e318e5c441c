/// Checks and transforms of single vectors shared by every index.
public enum Vectors {
    /// Why a vector cannot enter an index.
    public enum Problem: Equatable, Sendable, CustomStringConvertible {
        /// The vector has `actual` components where `expected` were required.
        case wrongDimensions(expected: Int, actual: Int)
        /// Component `index` is NaN or infinite.
        case nonFinite(index: Int)
        /// The vector is all zeros, so it has no direction to compare by cosine.
        case zeroVector

        public var description: String {
            switch self {
            case .wrongDimensions(let expected, let actual):
                "expected \(expected) dimensions, got \(actual)"
            case .nonFinite(let index):
                "component \(index) is NaN or infinite"
            case .zeroVector:
                "the vector is all zeros and has no direction for cosine similarity"
            }
        }
    }

    /// The index of the first NaN or infinite component, if any.
    @inlinable
    public static func firstNonFinite(in vector: UnsafeBufferPointer<Float>) -> Int? {
        for i in vector.indices where !vector[i].isFinite { return i }
        return nil
    }

    /// The problem that keeps `vector` out of an index of `dimensions` dimensions and `metric`,
    /// or nil when it is acceptable.
    public static func problem(
        with vector: UnsafeBufferPointer<Float>, dimensions: Int, metric: Metric
    ) -> Problem? {
        if vector.count != dimensions { return .wrongDimensions(expected: dimensions, actual: vector.count) }
        guard let base = vector.baseAddress else { return metric.normalizesVectors ? .zeroVector : nil }
        // One vectorised pass answers nearly every vector: the sum of squares is finite and
        // positive only when no component is NaN or infinite and not all are zero. The rest
        // (a problem, or squares overflowing on huge but finite components) are looked at closely.
        let squares = VectorKernels.active.dot(base, base, count: vector.count)
        if squares.isFinite && squares > 0 { return nil }
        if let index = firstNonFinite(in: vector) { return .nonFinite(index: index) }
        if metric.normalizesVectors && squares == 0 { return .zeroVector }
        return nil
    }

    /// The Euclidean norm of `vector`.
    @inlinable
    public static func norm(_ vector: UnsafeBufferPointer<Float>) -> Float {
        guard let base = vector.baseAddress else { return 0 }
        return VectorKernels.active.dot(base, base, count: vector.count).squareRoot()
    }

    /// Scales `vector` to unit length in place and returns its original norm. A zero vector is
    /// left unchanged.
    @discardableResult @inlinable
    public static func normalize(_ vector: UnsafeMutableBufferPointer<Float>) -> Float {
        let length = norm(UnsafeBufferPointer(vector))
        guard length > 0 else { return 0 }
        let inverse = 1 / length
        for i in vector.indices { vector[i] *= inverse }
        return length
    }

    /// A unit-length copy of `vector` (a zero vector stays zero).
    public static func normalized(_ vector: [Float]) -> [Float] {
        var copy = vector
        copy.withUnsafeMutableBufferPointer { _ = normalize($0) }
        return copy
    }

    /// Normalises each of `rows` rows of `dimensions` floats in place.
    public static func normalizeRows(_ base: UnsafeMutablePointer<Float>, rows: Int, dimensions: Int) {
        for row in 0..<rows {
            normalize(UnsafeMutableBufferPointer(start: base + row * dimensions, count: dimensions))
        }
    }
}
