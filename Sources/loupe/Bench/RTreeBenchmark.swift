import Foundation
import VectorIndex
import VectorMath

/// The data, queries and measurements behind `loupe bench rtree`.
///
/// Points are seeded: uniform in the unit square, or 64 Gaussian clusters of different spreads and
/// weights (like a 2-D projection of embeddings). Queries are centred on data points; the size of
/// each kind (rectangle side, radius, lasso radius) is calibrated on the first 50k points so that
/// the median query returns `selectivity` of the points.
struct RTreeBenchmark {
    enum Distribution: String {
        case uniform, clustered
    }

    static let polygonVertices = 20
    static let k = 10
    static let warmupQueries = 20

    let name: String
    let count: Int
    /// Interleaved x, y.
    let points: [Float]
    let rectangles: [Box2D]
    let circles: [(x: Float, y: Float, radius: Float)]
    let polygons: [Polygon2D]
    let nearestQueries: [SIMD2<Float>]
    let checkCount: Int

    init(distribution: Distribution, count: Int, queryCount: Int, checkCount: Int, selectivity: Double, seed: UInt64) {
        name = "\(distribution.rawValue)-\(count)"
        self.count = count
        self.checkCount = checkCount
        var random = SplitMix64(seed: seed)
        points = Self.makePoints(distribution, count: count, random: &random)
        let points = self.points

        // Per-query shape parameters, then one calibrated size per kind.
        let centres = (0..<queryCount).map { _ -> SIMD2<Float> in
            let i = Int.random(in: 0..<count, using: &random)
            return SIMD2(points[2 * i], points[2 * i + 1])
        }
        let aspects = (0..<queryCount).map { _ in Float.random(in: 0.5...2, using: &random).squareRoot() }
        let shapes = (0..<queryCount).map { _ in
            (rotation: Float.random(in: 0..<(2 * .pi), using: &random),
             radii: (0..<Self.polygonVertices).map { v in (v % 2 == 0 ? 1 : 0.45) * Float.random(in: 0.8...1.2, using: &random) })
        }
        let sample = Array(points.prefix(2 * 50_000))
        let rectangle = { (q: Int, size: Float) in
            Box2D(minX: centres[q].x - size * aspects[q] / 2, minY: centres[q].y - size / aspects[q] / 2,
                  maxX: centres[q].x + size * aspects[q] / 2, maxY: centres[q].y + size / aspects[q] / 2)
        }
        let polygon = { (q: Int, size: Float) -> Polygon2D in
            let vertices = (0..<Self.polygonVertices).map { v -> SIMD2<Float> in
                let angle = shapes[q].rotation + Float(v) * 2 * .pi / Float(Self.polygonVertices)
                let r = size * shapes[q].radii[v]
                return SIMD2(centres[q].x + r * cos(angle), centres[q].y + r * sin(angle))
            }
            // A star around its centre always has area; fall back to a triangle only in theory.
            return (try? Polygon2D(vertices: vertices))
                ?? (try! Polygon2D(vertices: [centres[q], centres[q] + SIMD2(size, 0), centres[q] + SIMD2(0, size)]))
        }
        let rectangleSize = Self.calibrate(selectivity, sample: sample, queries: queryCount) { q, size in
            let box = rectangle(q, size)
            return { box.intersects(Box2D(x: $0, y: $1)) }
        }
        let radius = Self.calibrate(selectivity, sample: sample, queries: queryCount) { q, size in
            let (x, y, r) = (Double(centres[q].x), Double(centres[q].y), Double(size))
            return { Box2D(x: $0, y: $1).isWithin(r, ofX: x, y: y) }
        }
        let polygonSize = Self.calibrate(selectivity, sample: sample, queries: queryCount) { q, size in
            let shape = polygon(q, size)
            return { shape.intersects(Box2D(x: $0, y: $1)) }
        }
        rectangles = (0..<queryCount).map { rectangle($0, rectangleSize) }
        circles = centres.map { (x: $0.x, y: $0.y, radius: radius) }
        polygons = (0..<queryCount).map { polygon($0, polygonSize) }
        nearestQueries = centres.map { $0 + SIMD2(Float.random(in: -1e-3...1e-3, using: &random), Float.random(in: -1e-3...1e-3, using: &random)) }
    }

    private static func makePoints(_ distribution: Distribution, count: Int, random: inout SplitMix64) -> [Float] {
        var points = [Float](repeating: 0, count: 2 * count)
        switch distribution {
        case .uniform:
            for i in 0..<2 * count { points[i] = Float.random(in: 0..<1, using: &random) }
        case .clustered:
            let clusters = 64
            let centres = (0..<clusters).map { _ in SIMD2(Float.random(in: 0.05...0.95, using: &random), Float.random(in: 0.05...0.95, using: &random)) }
            let spreads = (0..<clusters).map { _ in Float(exp(Double.random(in: log(0.003)...log(0.05), using: &random))) }
            // Zipf-like weights: a few large clusters, many small ones.
            let weights = (1...clusters).map { 1 / Double($0) }
            let total = weights.reduce(0, +)
            var cumulative: [Double] = []
            var sum = 0.0
            for weight in weights {
                sum += weight / total
                cumulative.append(sum)
            }
            for i in 0..<count {
                let u = Double.random(in: 0..<1, using: &random)
                let c = min(cumulative.firstIndex { u < $0 } ?? clusters - 1, clusters - 1)
                points[2 * i] = centres[c].x + spreads[c] * random.nextGaussian()
                points[2 * i + 1] = centres[c].y + spreads[c] * random.nextGaussian()
            }
        }
        return points
    }

    /// The size whose median selectivity over the first 32 queries is `target`, by bisection in
    /// log space on a sample of the points.
    private static func calibrate(_ target: Double, sample: [Float], queries: Int, matcher: (Int, Float) -> (Float, Float) -> Bool) -> Float {
        let sampleCount = sample.count / 2
        func medianFraction(_ size: Float) -> Double {
            let fractions = (0..<min(32, queries)).map { q -> Double in
                let matches = matcher(q, size)
                var hits = 0
                for i in 0..<sampleCount where matches(sample[2 * i], sample[2 * i + 1]) { hits += 1 }
                return Double(hits) / Double(sampleCount)
            }
            return fractions.sorted()[fractions.count / 2]
        }
        var low = log(1e-5), high = log(2.0)
        for _ in 0..<18 {
            let middle = (low + high) / 2
            if medianFraction(Float(exp(middle))) < target { low = middle } else { high = middle }
        }
        return Float(exp((low + high) / 2))
    }

    // MARK: Measuring

    /// Builds a tree with `nodeCapacity`, times every kind of query, and checks the first
    /// `checkCount` of each against brute force.
    func run(nodeCapacity: Int) throws -> JSONLine {
        let tree = try RTree(nodeCapacity: nodeCapacity)
        let ids = (0..<UInt32(count)).map { $0 }
        let build = try BenchClock.time { try tree.add(points, ids: ids) }
        log(String(format: "\(name): STR bulk load with capacity %d in %.3f s (height %d)", nodeCapacity, build, tree.height))

        let rectangle = try measure(rectangles.count) { try tree.search(in: rectangles[$0]) }
        let radius = try measure(circles.count) { try tree.search(within: circles[$0].radius, ofX: circles[$0].x, y: circles[$0].y) }
        let lasso = try measure(polygons.count) { tree.search(in: polygons[$0]) }
        let nearest = try measure(nearestQueries.count) { try tree.nearest(x: nearestQueries[$0].x, y: nearestQueries[$0].y, k: Self.k).map(\.id) }

        // Identity with brute force, and the time of one brute-force rectangle scan for scale.
        var mismatches = 0
        var scanSeconds: [Double] = []
        for q in 0..<checkCount {
            let box = rectangles[q]
            var expected: [UInt32] = []
            scanSeconds.append(BenchClock.time { expected = scan { box.intersects(Box2D(x: $0, y: $1)) } })
            if try tree.search(in: box).sorted() != expected { mismatches += 1 }
            let circle = circles[q]
            let (x, y, r) = (Double(circle.x), Double(circle.y), Double(circle.radius))
            if try tree.search(within: circle.radius, ofX: circle.x, y: circle.y).sorted() != scan({ Box2D(x: $0, y: $1).isWithin(r, ofX: x, y: y) }) {
                mismatches += 1
            }
            let polygon = polygons[q]
            if tree.search(in: polygon).sorted() != scan({ polygon.intersects(Box2D(x: $0, y: $1)) }) { mismatches += 1 }
            let point = nearestQueries[q]
            if try tree.nearest(x: point.x, y: point.y, k: Self.k).map(\.id) != scanNearest(point) { mismatches += 1 }
        }
        if mismatches > 0 { log("\(name): \(mismatches) answers differ from brute force") }

        var line = JSONLine()
        line.add("dataset", name)
        line.add("n", count)
        line.add("index", "loupe-rtree")
        line.add("node_capacity", nodeCapacity)
        line.add("build_s", build)
        for (kind, timing) in [("rect", rectangle), ("radius", radius), ("lasso", lasso), ("knn", nearest)] {
            line.add("\(kind)_p50_us", BenchClock.quantile(timing.latencies, 0.5) * 1e6, digits: 1)
            line.add("\(kind)_p99_us", BenchClock.quantile(timing.latencies, 0.99) * 1e6, digits: 1)
            line.add("\(kind)_hits", timing.hits)
        }
        line.add("scan_rect_p50_us", BenchClock.quantile(scanSeconds, 0.5) * 1e6, digits: 1)
        line.add("checked", 4 * checkCount)
        line.add("mismatches", mismatches)
        log(String(format: "\(name) M=%d: rect p50 %.1f µs p99 %.1f µs (%.0f hits/query), lasso p50 %.1f µs, knn p50 %.1f µs, %d mismatches",
                   nodeCapacity, BenchClock.quantile(rectangle.latencies, 0.5) * 1e6, BenchClock.quantile(rectangle.latencies, 0.99) * 1e6,
                   Double(rectangle.hits) / Double(rectangles.count), BenchClock.quantile(lasso.latencies, 0.5) * 1e6,
                   BenchClock.quantile(nearest.latencies, 0.5) * 1e6, mismatches))
        return line
    }

    /// Times `queryCount` single queries on one thread after a warm-up; returns each latency and
    /// the total number of hits.
    private func measure(_ queryCount: Int, _ query: (Int) throws -> [UInt32]) throws -> (latencies: [Double], hits: Int) {
        for q in 0..<min(Self.warmupQueries, queryCount) { _ = try query(q) }
        var latencies = [Double](repeating: 0, count: queryCount)
        var hits = 0
        for q in 0..<queryCount {
            let start = BenchClock.now()
            let result = try query(q)
            latencies[q] = BenchClock.now() - start
            hits += result.count
        }
        return (latencies, hits)
    }

    /// The ids of the points that `matches`, ascending: the brute-force answer.
    private func scan(_ matches: (Float, Float) -> Bool) -> [UInt32] {
        var result: [UInt32] = []
        points.withUnsafeBufferPointer { xy in
            for i in 0..<count where matches(xy[2 * i], xy[2 * i + 1]) { result.append(UInt32(i)) }
        }
        return result
    }

    /// The k nearest points by (squared distance in Float, id): the brute-force answer.
    private func scanNearest(_ query: SIMD2<Float>) -> [UInt32] {
        var best: [(key: Float, id: UInt32)] = []
        points.withUnsafeBufferPointer { xy in
            for i in 0..<count {
                let key = Box2D(x: xy[2 * i], y: xy[2 * i + 1]).squaredDistance(toX: query.x, y: query.y)
                if best.count == Self.k, let worst = best.last, key > worst.key { continue }
                best.append((key, UInt32(i)))
                best.sort { $0.key != $1.key ? $0.key < $1.key : $0.id < $1.id }
                if best.count > Self.k { best.removeLast() }
            }
        }
        return best.map(\.id)
    }

    // MARK: Export for the peers

    /// Writes the points and queries as little-endian float32 files plus `meta.json`.
    func export(to folder: String) throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        func write(_ values: [Float], _ file: String) throws {
            try values.withUnsafeBytes { try Data($0).write(to: URL(fileURLWithPath: folder + "/" + file)) }
        }
        try write(points, "points.f32")
        try write(rectangles.flatMap { [$0.minX, $0.minY, $0.maxX, $0.maxY] }, "rects.f32")
        try write(circles.flatMap { [$0.x, $0.y, $0.radius] }, "circles.f32")
        try write(polygons.flatMap { polygon in
            (0..<Self.polygonVertices).flatMap { v -> [Float] in
                let vertex = polygon.vertices[min(v, polygon.vertices.count - 1)]
                return [vertex.x, vertex.y]
            }
        }, "polygons.f32")
        try write(nearestQueries.flatMap { [$0.x, $0.y] }, "knn.f32")
        let meta = "{\"name\": \"\(name)\", \"n\": \(count), \"queries\": \(rectangles.count), \"vertices\": \(Self.polygonVertices), \"k\": \(Self.k)}\n"
        try Data(meta.utf8).write(to: URL(fileURLWithPath: folder + "/meta.json"))
    }
}

extension SplitMix64 {
    /// A standard normal draw (Box–Muller).
    mutating func nextGaussian() -> Float {
        let u = Double.random(in: Double.ulpOfOne..<1, using: &self), v = Double.random(in: 0..<1, using: &self)
        return Float((-2 * log(u)).squareRoot() * cos(2 * .pi * v))
    }
}
