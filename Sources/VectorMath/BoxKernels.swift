import CVectorKernels

/// Bounds of a query against an axis-aligned box, at the instruction-set level of a set of
/// `VectorKernels`: the pruning test of a k-d tree.
public struct BoxKernels: @unchecked Sendable {
    // @unchecked: `table` points at an immutable static C table that lives for the whole process.
    @usableFromInline let table: UnsafePointer<loupe_box_kernels>

    /// The box kernels at the level of `kernels`.
    public init(_ kernels: VectorKernels) {
        table = loupe_box_kernels_for(loupe_simd_level(rawValue: UInt32(kernels.level.rawValue)))
    }

    /// Σ max(lowerᵢ − qᵢ, qᵢ − upperᵢ, 0)²: the squared Euclidean distance from `query` to the
    /// box [lower, upper] (0 inside it).
    /// - Complexity: O(count).
    @inlinable public func squaredDistance(
        _ query: UnsafePointer<Float>, lower: UnsafePointer<Float>, upper: UnsafePointer<Float>, count: Int
    ) -> Float {
        table.pointee.l2sq(query, lower, upper, count)
    }

    /// Σ max(qᵢ·lowerᵢ, qᵢ·upperᵢ): the largest inner product of `query` with a point of the box,
    /// and Σ max(|qᵢ·lowerᵢ|, |qᵢ·upperᵢ|), the scale of its rounding error.
    /// - Complexity: O(count).
    @inlinable public func maximumDot(
        _ query: UnsafePointer<Float>, lower: UnsafePointer<Float>, upper: UnsafePointer<Float>, count: Int
    ) -> (value: Float, magnitude: Float) {
        var magnitude: Float = 0
        let value = table.pointee.max_dot(query, lower, upper, count, &magnitude)
        return (value, magnitude)
    }
}
