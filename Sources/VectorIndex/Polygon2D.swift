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
/// Orientation tests run in `Double` with a fused difference of products (Kahan), so their sign
/// is exact whenever the differences of the `Float` coordinates are exact in `Double`, that is
/// for coordinates whose magnitudes lie within a factor 2²⁹ of each other (or are zero).
public struct Polygon2D: Sendable {
    /// The outline, without consecutive repeated vertices and without a closing repeat of the first.
    public let vertices: [SIMD2<Float>]
    /// The smallest box around the outline: what a query prunes by first.
    public let bounds: Box2D
    // Edge i runs from (ax[i], ay[i]) to (bx[i], by[i]).
    let ax: [Double], ay: [Double], bx: [Double], by: [Double]

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
        let first = cleaned[0], second = cleaned[1]
        let hasArea = cleaned.dropFirst(2).contains {
            Self.orientation(Double(first.x), Double(first.y), Double(second.x), Double(second.y), Double($0.x), Double($0.y)) != 0
        }
        guard hasArea else {
            throw VectorIndexError(.invalidArgument, "the polygon is degenerate: all its \(cleaned.count) vertices lie on one line")
        }
        self.vertices = cleaned
        let xs = cleaned.map(\.x), ys = cleaned.map(\.y)
        bounds = Box2D(minX: xs.min()!, minY: ys.min()!, maxX: xs.max()!, maxY: ys.max()!)
        let next = Array(cleaned.dropFirst()) + [cleaned[0]]
        ax = cleaned.map { Double($0.x) }
        ay = cleaned.map { Double($0.y) }
        bx = next.map { Double($0.x) }
        by = next.map { Double($0.y) }
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
    public var edgeCount: Int { ax.count }

    /// The sign of the cross product (b − a) × (p − a): positive when p lies left of a→b, zero on
    /// the line. `ad − bc` goes through Kahan's fused algorithm, whose sign is exact.
    @inline(__always)
    static func orientation(_ ax: Double, _ ay: Double, _ bx: Double, _ by: Double, _ px: Double, _ py: Double) -> Double {
        let a = bx - ax, d = py - ay, b = by - ay, c = px - ax
        let w = b * c
        let e = w.addingProduct(-b, c)  // exactly w − b·c
        let f = (-w).addingProduct(a, d)
        return f + e
    }

    /// Whether `(x, y)` lies inside the polygon or on its outline (even-odd rule).
    /// - Complexity: O(e) for e edges.
    public func contains(x: Float, y: Float) -> Bool {
        ax.withUnsafeBufferPointer { ax in
            ay.withUnsafeBufferPointer { ay in
                bx.withUnsafeBufferPointer { bx in
                    by.withUnsafeBufferPointer { by in
                        Self.contains(Double(x), Double(y), ax.baseAddress!, ay.baseAddress!, bx.baseAddress!, by.baseAddress!, count: ax.count)
                    }
                }
            }
        }
    }

    /// The point test over raw edge arrays, for the query loops.
    @inline(__always)
    static func contains(
        _ x: Double, _ y: Double, _ ax: UnsafePointer<Double>, _ ay: UnsafePointer<Double>,
        _ bx: UnsafePointer<Double>, _ by: UnsafePointer<Double>, count: Int
    ) -> Bool {
        var inside = false
        for i in 0..<count {
            let y0 = ay[i], y1 = by[i]
            // Only an edge whose closed y-range holds y can cross the ray or carry the point.
            if (y < y0 && y < y1) || (y > y0 && y > y1) { continue }
            let side = orientation(ax[i], y0, bx[i], y1, x, y)
            if side == 0 {
                // On the edge's line inside its y-range: on the edge unless the edge is horizontal
                // and x lies beyond it (a horizontal edge never counts as a crossing).
                if x >= Swift.min(ax[i], bx[i]) && x <= Swift.max(ax[i], bx[i]) { return true }
                continue
            }
            if y0 <= y && y < y1 {
                if side > 0 { inside.toggle() }  // upward edge to the right of the point
            } else if y1 <= y && y < y0 {
                if side < 0 { inside.toggle() }  // downward edge to the right of the point
            }
        }
        return inside
    }

    /// Whether edge `i` touches the closed `box`, decided exactly by separating axes: the two
    /// coordinate axes, then the edge's normal (all four corners strictly on one side).
    @inline(__always)
    func edge(_ i: Int, touches box: Box2D) -> Bool {
        Self.edge(ax[i], ay[i], bx[i], by[i], touches: box)
    }

    @inline(__always)
    static func edge(_ ax: Double, _ ay: Double, _ bx: Double, _ by: Double, touches box: Box2D) -> Bool {
        let minX = Double(box.minX), minY = Double(box.minY), maxX = Double(box.maxX), maxY = Double(box.maxY)
        if Swift.max(ax, bx) < minX || Swift.min(ax, bx) > maxX || Swift.max(ay, by) < minY || Swift.min(ay, by) > maxY {
            return false
        }
        let s0 = orientation(ax, ay, bx, by, minX, minY)
        let s1 = orientation(ax, ay, bx, by, maxX, minY)
        let s2 = orientation(ax, ay, bx, by, maxX, maxY)
        let s3 = orientation(ax, ay, bx, by, minX, maxY)
        if s0 > 0 && s1 > 0 && s2 > 0 && s3 > 0 { return false }
        if s0 < 0 && s1 < 0 && s2 < 0 && s3 < 0 { return false }
        return true
    }

    /// Whether the closed `box` meets the closed polygon: an edge touches it, or it lies inside.
    /// For a point box this is `contains(x:y:)`.
    /// - Complexity: O(e) for e edges.
    public func intersects(_ box: Box2D) -> Bool {
        guard bounds.intersects(box) else { return false }
        if box.isPoint { return contains(x: box.minX, y: box.minY) }
        for i in 0..<edgeCount where edge(i, touches: box) { return true }
        return contains(x: box.minX, y: box.minY)
    }
}
