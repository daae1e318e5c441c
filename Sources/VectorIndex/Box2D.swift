/// An axis-aligned rectangle in the plane, bounds included: the item an `RTree` stores (a point is
/// a box whose minimum and maximum coincide) and the shape of a rectangle query.
///
/// Boxes are closed: a point on an edge or a corner lies in the box, and two boxes that share only
/// an edge or a corner intersect.
public struct Box2D: Sendable, Hashable {
    /// The left edge.
    public var minX: Float
    /// The bottom edge.
    public var minY: Float
    /// The right edge.
    public var maxX: Float
    /// The top edge.
    public var maxY: Float

    /// A box from its bounds; `validate()` tells whether they make a box.
    public init(minX: Float, minY: Float, maxX: Float, maxY: Float) {
        self.minX = minX
        self.minY = minY
        self.maxX = maxX
        self.maxY = maxY
    }

    /// The box of one point.
    public init(x: Float, y: Float) {
        self.init(minX: x, minY: y, maxX: x, maxY: y)
    }

    /// Whether the box is a single point.
    @inlinable public var isPoint: Bool { minX == maxX && minY == maxY }

    /// Whether `other` intersects this box (shared edges and corners count).
    /// - Complexity: O(1)
    @inlinable public func intersects(_ other: Box2D) -> Bool {
        other.minX <= maxX && other.maxX >= minX && other.minY <= maxY && other.maxY >= minY
    }

    /// Whether `other` lies inside this box (its edges may lie on this box's edges).
    /// - Complexity: O(1)
    @inlinable public func contains(_ other: Box2D) -> Bool {
        other.minX >= minX && other.maxX <= maxX && other.minY >= minY && other.maxY <= maxY
    }

    /// The squared Euclidean distance from `(x, y)` to the nearest point of the box (0 inside),
    /// in `Float`: the ordering key of nearest-neighbour search.
    /// - Complexity: O(1)
    @inlinable public func squaredDistance(toX x: Float, y: Float) -> Float {
        let dx = Swift.max(minX - x, 0, x - maxX)
        let dy = Swift.max(minY - y, 0, y - maxY)
        return dx * dx + dy * dy
    }

    /// Whether the nearest point of the box lies within `radius` of `(x, y)`, bounds included,
    /// decided in `Double` (exact for coordinates within a factor 2²⁹ of each other).
    /// - Complexity: O(1)
    @inlinable public func isWithin(_ radius: Double, ofX x: Double, y: Double) -> Bool {
        let dx = Swift.max(Double(minX) - x, 0, x - Double(maxX))
        let dy = Swift.max(Double(minY) - y, 0, y - Double(maxY))
        return dx * dx + dy * dy <= radius * radius
    }

    /// Why these bounds are not a box (a NaN, or a minimum above its maximum), or nil.
    /// - Parameter allowInfinite: whether infinite bounds are acceptable (for query boxes).
    public func problem(allowInfinite: Bool) -> String? {
        let bounds = [minX, minY, maxX, maxY]
        if bounds.contains(where: \.isNaN) { return "a bound is NaN" }
        if !allowInfinite && bounds.contains(where: { !$0.isFinite }) { return "a bound is infinite" }
        if minX > maxX { return "minX \(minX) is above maxX \(maxX)" }
        if minY > maxY { return "minY \(minY) is above maxY \(maxY)" }
        return nil
    }
}
