/// A closed polygon in the plane — the shape of a lasso query — with the even-odd rule for what
/// lies inside, so concave and self-intersecting outlines have one consistent meaning.
///
/// The rule, the same for every query and for brute force:
/// - A point is inside when a ray from it crosses the outline an odd number of times (crossing
///   number, half-open in y as in Shimrat 1962 / PNPOLY), **or** it lies on the outline: points on
///   an edge or a vertex are inside, so a lasso drawn through a point selects it.
/// - A box is selected when it intersects the closed region: an edge touches the box, or the box
///   lies inside.
///
/// Orientation tests run in `Double` and fall back to a fused difference of products (Kahan) when
/// the plain result is too close to zero, so their sign is exact whenever the differences of the
/// `Float` coordinates are exact in `Double`: for coordinates whose magnitudes lie within a
/// factor 2²⁹ of each other (or are zero).
public struct Polygon2D: Sendable {
    /// The outline, without consecutive repeated vertices and without a closing repeat of the first.
    public let vertices: [SIMD2<Float>]
    /// The smallest box around the outline: what a query prunes by first.
    public let bounds: Box2D
    /// Edge i runs from vertex i to vertex i + 1 (the last back to the first).
    let edges: [PolygonEdge]

    /// A polygon through `vertices`, closed from the last back to the first.
    /// - Throws: `invalidArgument` if a coordinate is NaN or infinite, or if the outline is
    ///   degenerate: fewer than 3 distinct vertices, or all of them on one line (no area).
    /// - Complexity: O(v) for v vertices.
    public init(vertices: [SIMD2<Float>]) throws {
        if let bad = vertices.firstIndex(where: { !$0.x.isFinite || !$0.y.isFinite }) {
            throw VectorIndexError(.invalidArgument, "polygon vertex \(bad) has a NaN or infinite coordinate")
        }
        var cleaned: [SIMD2<Float>] = []
        cleaned.reserveCapacity(vertices.count)
        for vertex in vertices where cleaned.last != vertex { cleaned.append(vertex) }
        while cleaned.count > 1 && cleaned.last == cleaned.first { cleaned.removeLast() }
        guard cleaned.count >= 3 else {
            throw VectorIndexError(.invalidArgument, "a polygon needs at least 3 distinct vertices (got \(cleaned.count)); draw a larger lasso")
        }
        let edges = cleaned.indices.map { PolygonEdge(from: cleaned[$0], to: cleaned[($0 + 1) % cleaned.count]) }
        guard cleaned.dropFirst(2).contains(where: { edges[0].orientation(Double($0.x), Double($0.y)) != 0 }) else {
            throw VectorIndexError(.invalidArgument, "the polygon is degenerate: all its \(cleaned.count) vertices lie on one line")
        }
        self.vertices = cleaned
        self.edges = edges
        let xs = cleaned.map(\.x), ys = cleaned.map(\.y)
        bounds = Box2D(minX: xs.min()!, minY: ys.min()!, maxX: xs.max()!, maxY: ys.max()!)
    }

    /// A polygon from interleaved coordinates `[x0, y0, x1, y1, …]`.
    /// - Throws: as `init(vertices:)`, and `invalidArgument` for an odd number of values.
    public init(xy: [Float]) throws {
        guard xy.count % 2 == 0 else {
            throw VectorIndexError(.invalidArgument, "polygon coordinates come in (x, y) pairs; got \(xy.count) values")
        }
        try self.init(vertices: stride(from: 0, to: xy.count, by: 2).map { SIMD2(xy[$0], xy[$0 + 1]) })
    }

    /// The number of edges.
    public var edgeCount: Int { edges.count }

    /// Whether `(x, y)` lies inside the polygon or on its outline (even-odd rule).
    /// - Complexity: O(e) for e edges.
    public func contains(x: Float, y: Float) -> Bool {
        edges.withUnsafeBufferPointer { Self.contains(Double(x), Double(y), edges: $0) }
    }

    /// Whether the closed `box` meets the closed polygon: an edge touches it, or it lies inside.
    /// For a point box this is `contains(x:y:)`.
    /// - Complexity: O(e) for e edges.
    public func intersects(_ box: Box2D) -> Bool {
        edges.withUnsafeBufferPointer { Self.intersects(box, bounds: bounds, edges: $0) }
    }

    /// The point test over the edges: on an edge, or an odd number of crossings.
    @inline(__always)
    static func contains(_ x: Double, _ y: Double, edges: UnsafeBufferPointer<PolygonEdge>) -> Bool {
        var inside = false
        for edge in edges {
            switch edge.classify(x, y) {
            case .onEdge: return true
            case .crossing: inside.toggle()
            case .none: break
            }
        }
        return inside
    }

    @inline(__always)
    static func intersects(_ box: Box2D, bounds: Box2D, edges: UnsafeBufferPointer<PolygonEdge>) -> Bool {
        guard bounds.intersects(box) else { return false }
        if !box.isPoint {
            for edge in edges where edge.touches(box) { return true }
        }
        return contains(Double(box.minX), Double(box.minY), edges: edges)
    }
}

/// One edge of a polygon, in `Double`, with the exact predicates of the lasso.
struct PolygonEdge {
    let ax: Double, ay: Double, bx: Double, by: Double

    init(from a: SIMD2<Float>, to b: SIMD2<Float>) {
        ax = Double(a.x)
        ay = Double(a.y)
        bx = Double(b.x)
        by = Double(b.y)
    }

    /// The sign of the cross product (b − a) × (p − a): positive when p lies left of a→b, zero on
    /// the line. `ad − bc` is first computed plainly; when it is too close to zero for its sign to
    /// be certain (Shewchuk's bound `ccwerrboundA` = (3 + 16ε)ε, ε = 2⁻⁵³), it goes through
    /// Kahan's fused algorithm, whose sign is exact.
    @inline(__always)
    func orientation(_ px: Double, _ py: Double) -> Double {
        let a = bx - ax, d = py - ay, b = by - ay, c = px - ax
        let left = a * d, right = b * c
        let plain = left - right
        if abs(plain) > 3.330669073875472e-16 * (abs(left) + abs(right)) { return plain }
        let e = right.addingProduct(-b, c)  // exactly right − b·c
        let f = (-right).addingProduct(a, d)
        return f + e
    }

    enum PointRelation { case none, crossing, onEdge }

    /// Whether `(x, y)` lies on the edge, or the edge crosses the ray from it towards +x
    /// (half-open in y, so a vertex on the ray counts once and horizontal edges never).
    @inline(__always)
    func classify(_ x: Double, _ y: Double) -> PointRelation {
        // Only an edge whose closed y-range holds y can cross the ray or carry the point.
        if (y < ay && y < by) || (y > ay && y > by) { return .none }
        let side = orientation(x, y)
        if side == 0 {
            // On the edge's line inside its y-range: on the edge unless the edge is horizontal
            // and x lies beyond it.
            return x >= min(ax, bx) && x <= max(ax, bx) ? .onEdge : .none
        }
        if ay <= y && y < by { return side > 0 ? .crossing : .none }  // upward, to the right
        if by <= y && y < ay { return side < 0 ? .crossing : .none }  // downward, to the right
        return .none
    }

    /// Whether the edge crosses the ray of a point at height `y` that lies left of it: the
    /// half-open y rule alone.
    @inline(__always)
    func spans(_ y: Double) -> Bool { (ay <= y && y < by) || (by <= y && y < ay) }

    /// Whether the edge touches the closed `box`, decided exactly by separating axes: the two
    /// coordinate axes, then the edge's normal (all four corners strictly on one side).
    @inline(__always)
    func touches(_ box: Box2D) -> Bool {
        let minX = Double(box.minX), minY = Double(box.minY), maxX = Double(box.maxX), maxY = Double(box.maxY)
        if max(ax, bx) < minX || min(ax, bx) > maxX || max(ay, by) < minY || min(ay, by) > maxY { return false }
        let s0 = orientation(minX, minY), s1 = orientation(maxX, minY)
        let s2 = orientation(maxX, maxY), s3 = orientation(minX, maxY)
        if s0 > 0 && s1 > 0 && s2 > 0 && s3 > 0 { return false }
        if s0 < 0 && s1 < 0 && s2 < 0 && s3 < 0 { return false }
        return true
    }

    /// For an edge that does not touch `box` but whose y-range meets the box's: whether it runs
    /// right of the box (then it crosses the ray of a point in the box exactly when it `spans` the
    /// point's y). Within the box's band of y the edge lies wholly left or wholly right.
    @inline(__always)
    func liesRight(of box: Box2D) -> Bool {
        let y = max(Double(box.minY), min(ay, by))
        let side = orientation(Double(box.maxX), y)
        return ay < by ? side > 0 : side < 0
    }
}
