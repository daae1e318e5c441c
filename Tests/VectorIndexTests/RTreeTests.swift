import Foundation
import Testing
import TestSupport
@testable import VectorIndex
import VectorMath

/// The items of a tree kept beside it, answering every query by a scan: the brute force that the
/// tree must equal exactly.
struct SpatialReference {
    var boxes: [UInt32: Box2D] = [:]

    mutating func add(_ items: [(UInt32, Box2D)]) { for (id, box) in items { boxes[id] = box } }
    mutating func remove(_ ids: [UInt32]) { for id in ids { boxes[id] = nil } }

    func ids(where matches: (Box2D) -> Bool) -> [UInt32] { boxes.filter { matches($0.value) }.keys.sorted() }

    func nearest(x: Float, y: Float, k: Int, filter: IDFilter? = nil) -> [(id: UInt32, key: Float)] {
        let scored = boxes.filter { filter?.contains($0.key) ?? true }
            .map { (id: $0.key, key: $0.value.squaredDistance(toX: x, y: y)) }
            .sorted { $0.key != $1.key ? $0.key < $1.key : $0.id < $1.id }
        return Array(scored.prefix(k))
    }
}

/// Seeded spatial data on a grid of step 1/4, so that duplicates, points on query edges and on
/// polygon vertices are common.
enum SpatialData {
    static func grid(_ value: Float) -> Float { (value * 4).rounded() / 4 }

    static func uniformPoints(count: Int, seed: UInt64, size: Float = 64) -> [Box2D] {
        var generator = SeededGenerator(seed: seed)
        return (0..<count).map { _ in
            Box2D(x: grid(Float.random(in: 0...size, using: &generator)), y: grid(Float.random(in: 0...size, using: &generator)))
        }
    }

    static func clusteredPoints(count: Int, seed: UInt64) -> [Box2D] {
        let values = TestData.clustered(count: count, dimensions: 2, clusters: 6, seed: seed)
        return (0..<count).map { Box2D(x: grid(values[2 * $0] * 12 + 32), y: grid(values[2 * $0 + 1] * 12 + 32)) }
    }

    /// Boxes of random extents, some flat or empty (a point).
    static func boxes(count: Int, seed: UInt64) -> [Box2D] {
        var generator = SeededGenerator(seed: seed)
        return (0..<count).map { i in
            let x = grid(Float.random(in: 0...60, using: &generator)), y = grid(Float.random(in: 0...60, using: &generator))
            let w: Float = i % 5 == 0 ? 0 : grid(Float.random(in: 0...4, using: &generator))
            let h: Float = i % 7 == 0 ? 0 : grid(Float.random(in: 0...4, using: &generator))
            return Box2D(minX: x, minY: y, maxX: x + w, maxY: y + h)
        }
    }

    static func queryBox(_ generator: inout SeededGenerator, size: Float = 64) -> Box2D {
        let x = grid(Float.random(in: -4...size, using: &generator)), y = grid(Float.random(in: -4...size, using: &generator))
        return Box2D(minX: x, minY: y, maxX: x + grid(Float.random(in: 0...24, using: &generator)),
                     maxY: y + grid(Float.random(in: 0...24, using: &generator)))
    }

    /// A polygon: a star-shaped (often concave) outline, or the same vertices in random order,
    /// which makes it self-intersecting.
    static func polygon(_ generator: inout SeededGenerator, vertices: Int, shuffled: Bool) -> Polygon2D {
        let cx = grid(Float.random(in: 8...56, using: &generator)), cy = grid(Float.random(in: 8...56, using: &generator))
        var points = (0..<vertices).map { i -> SIMD2<Float> in
            let angle = Float(i) / Float(vertices) * 2 * .pi
            let r = Float.random(in: 3...20, using: &generator)
            return SIMD2(grid(cx + r * cos(angle)), grid(cy + r * sin(angle)))
        }
        if shuffled { points.shuffle(using: &generator) }
        return (try? Polygon2D(vertices: points)) ?? (try! Polygon2D(vertices: [SIMD2(0, 0), SIMD2(10, 0), SIMD2(0, 10)]))
    }
}

@Suite struct RTreeTests {
    /// A tree and its reference over `boxes`, with spread-out ids.
    static func make(_ boxes: [Box2D], nodeCapacity: Int = 8) throws -> (RTree, SpatialReference) {
        let tree = try RTree(nodeCapacity: nodeCapacity)
        let ids = (0..<UInt32(boxes.count)).map { $0 * 3 + 1 }
        try tree.add(boxes: boxes, ids: ids)
        var reference = SpatialReference()
        reference.add(Array(zip(ids, boxes)))
        return (tree, reference)
    }

    /// Every kind of query, against the reference, on seeded queries.
    static func expectIdentical(_ tree: RTree, _ reference: SpatialReference, seed: UInt64, queries: Int = 25,
                                sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(tree.invariantViolations().isEmpty, "\(tree.invariantViolations().prefix(3))", sourceLocation: sourceLocation)
        #expect(tree.count == reference.boxes.count, sourceLocation: sourceLocation)
        var generator = SeededGenerator(seed: seed)
        for q in 0..<queries {
            let box = SpatialData.queryBox(&generator)
            #expect(try tree.search(in: box).sorted() == reference.ids { box.intersects($0) }, sourceLocation: sourceLocation)
            #expect(try tree.search(in: box, predicate: .contains).sorted() == reference.ids { box.contains($0) },
                    sourceLocation: sourceLocation)

            let x = SpatialData.grid(Float.random(in: 0...64, using: &generator))
            let y = SpatialData.grid(Float.random(in: 0...64, using: &generator))
            let radius: Float = q % 6 == 0 ? 0 : [1, 2.5, 5, 10][q % 4]
            #expect(try tree.search(within: radius, ofX: x, y: y).sorted()
                    == reference.ids { $0.isWithin(Double(radius), ofX: Double(x), y: Double(y)) }, sourceLocation: sourceLocation)

            let polygon = SpatialData.polygon(&generator, vertices: [3, 5, 8, 20][q % 4], shuffled: q % 3 == 0)
            #expect(tree.search(in: polygon).sorted() == reference.ids { polygon.intersects($0) }, sourceLocation: sourceLocation)

            let k = [1, 10, 50][q % 3]
            let found = try tree.nearest(x: x, y: y, k: k)
            let expected = reference.nearest(x: x, y: y, k: k)
            #expect(found.map(\.id) == expected.map(\.id), sourceLocation: sourceLocation)
            #expect(found.map(\.distance) == expected.map { $0.key.squareRoot() }, sourceLocation: sourceLocation)
            #expect(found.allSatisfy { $0.score == -$0.distance }, sourceLocation: sourceLocation)
        }
    }

    @Test(arguments: [4, 8, 32])
    func uniformPointsMatchBruteForce(nodeCapacity: Int) throws {
        let (tree, reference) = try Self.make(SpatialData.uniformPoints(count: 3000, seed: 1), nodeCapacity: nodeCapacity)
        #expect(tree.unpackedCount == 0 && tree.height > 1)
        try Self.expectIdentical(tree, reference, seed: 10)
    }

    @Test func clusteredPointsWithDuplicatesMatchBruteForce() throws {
        var points = SpatialData.clusteredPoints(count: 2500, seed: 2)
        points += points.prefix(400)  // exact duplicates under other ids
        points += Array(repeating: Box2D(x: 32, y: 32), count: 60)
        let (tree, reference) = try Self.make(points)
        try Self.expectIdentical(tree, reference, seed: 11)
    }

    @Test func boxesMatchBruteForce() throws {
        let (tree, reference) = try Self.make(SpatialData.boxes(count: 2500, seed: 3))
        try Self.expectIdentical(tree, reference, seed: 12)
    }

    @Test func insertsAndRemovesStayIdenticalToBruteForce() throws {
        var (tree, reference) = try Self.make(SpatialData.uniformPoints(count: 2000, seed: 4))
        var generator = SeededGenerator(seed: 5)
        // Small inserts stay in the overflow buffer; queries see them at once.
        func addBoth(_ boxes: [Box2D], firstID: UInt32) throws -> [UInt32] {
            let ids = (0..<UInt32(boxes.count)).map { firstID + $0 }
            try tree.add(boxes: boxes, ids: ids)
            reference.add(Array(zip(ids, boxes)))
            return ids
        }
        let freshIDs = try addBoth(SpatialData.boxes(count: 60, seed: 6) + SpatialData.uniformPoints(count: 40, seed: 7), firstID: 100_000)
        #expect(tree.unpackedCount == 100)
        try Self.expectIdentical(tree, reference, seed: 13, queries: 12)

        // Removes: packed items become tombstones, buffered ones leave at once; a replaced id moves.
        let gone = Array(reference.boxes.keys.sorted().shuffled(using: &generator).prefix(300))
        #expect(tree.remove(gone) == 300)
        #expect(tree.remove(gone) == 0)
        reference.remove(gone)
        try tree.add([1.5, 2.5], ids: [freshIDs[70]])
        reference.add([(freshIDs[70], Box2D(x: 1.5, y: 2.5))])
        #expect(gone.allSatisfy { !tree.contains($0) })
        try Self.expectIdentical(tree, reference, seed: 14, queries: 12)

        // Enough inserts pack everything again; enough removes compact.
        _ = try addBoth(SpatialData.clusteredPoints(count: 700, seed: 8), firstID: 200_000)
        #expect(tree.unpackedCount == 0)
        try Self.expectIdentical(tree, reference, seed: 15, queries: 12)
        let many = Array(reference.boxes.keys.sorted().shuffled(using: &generator).prefix(1200))
        tree.remove(many)
        reference.remove(many)
        try Self.expectIdentical(tree, reference, seed: 16, queries: 12)
        tree.compact()
        try Self.expectIdentical(tree, reference, seed: 17, queries: 6)

        // Down to nothing and back.
        tree.remove(Array(reference.boxes.keys))
        #expect(tree.count == 0)
        #expect(try tree.search(in: Box2D(minX: -.infinity, minY: -.infinity, maxX: .infinity, maxY: .infinity)).isEmpty)
        #expect(try tree.nearest(x: 1, y: 1, k: 3).isEmpty)
        try tree.add([3, 4], ids: [9])
        #expect(try tree.nearest(x: 0, y: 0, k: 3).map(\.distance) == [5])
    }

    @Test func smallTreesStayInTheBufferAndStillAnswer() throws {
        let (tree, reference) = try Self.make(SpatialData.uniformPoints(count: 150, seed: 9))
        #expect(tree.unpackedCount == 150 && tree.height == 0)
        try Self.expectIdentical(tree, reference, seed: 18, queries: 10)
        tree.compact()
        #expect(tree.unpackedCount == 0 && tree.height == 3)
        try Self.expectIdentical(tree, reference, seed: 18, queries: 10)
    }

    @Test func filteredNearestNeighboursAreExact() throws {
        let (tree, reference) = try Self.make(SpatialData.uniformPoints(count: 3000, seed: 20))
        var generator = SeededGenerator(seed: 21)
        for selective in [true, false] {
            let allowed = IDFilter(reference.boxes.keys.filter { _ in Int.random(in: 0..<100, using: &generator) < (selective ? 2 : 40) })
            for _ in 0..<10 {
                let x = Float.random(in: 0...64, using: &generator), y = Float.random(in: 0...64, using: &generator)
                let result = try tree.search([x, y], k: 15, options: SearchOptions(filter: allowed))
                #expect(result.isExact)
                #expect(result.ids == reference.nearest(x: x, y: y, k: 15, filter: allowed).map(\.id))
                if selective { #expect(result.candidatesScored == allowed.count) }
            }
        }
        // A score threshold keeps only the items within that distance.
        let result = try tree.search([32, 32], k: 500, options: SearchOptions(minimumScore: -3))
        #expect(result.ids == reference.nearest(x: 32, y: 32, k: 500).filter { $0.key.squareRoot() <= 3 }.map(\.id))
        // Batch search equals single searches.
        let batch = try tree.search(batch: [1, 2, 30, 40, 63, 0], k: 7)
        #expect(batch.map(\.ids) == [try tree.search([1, 2], k: 7).ids, try tree.search([30, 40], k: 7).ids,
                                     try tree.search([63, 0], k: 7).ids])
    }

    /// Boundary rules, by hand: closed boxes, closed disks, polygons with their outline included.
    @Test func boundaryRules() throws {
        let tree = try RTree(nodeCapacity: 4)
        let points: [Float] = [0, 0, 10, 0, 10, 10, 0, 10, 5, 0, 5, 5, 3, 4, -3, -4, 5, 10.000001, 20, 20]
        try tree.add(points, ids: Array(0..<10))
        tree.compact()
        // A rectangle includes its edges and corners.
        #expect(try tree.search(in: Box2D(minX: 0, minY: 0, maxX: 10, maxY: 10)).sorted() == [0, 1, 2, 3, 4, 5, 6])
        // A radius includes the circle: (3, 4) and (−3, −4) lie exactly 5 from the origin.
        #expect(try tree.search(within: 5, ofX: 0, y: 0).sorted() == [0, 4, 6, 7])
        #expect(try tree.search(within: 0, ofX: 5, y: 5) == [5])
        // A lasso includes its outline, vertices and edges.
        let square = try Polygon2D(xy: [0, 0, 10, 0, 10, 10, 0, 10])
        #expect(tree.search(in: square).sorted() == [0, 1, 2, 3, 4, 5, 6])
        // Concave: a U shape leaves its notch out, but its edges in.
        let u = try Polygon2D(xy: [0, 0, 10, 0, 10, 10, 6, 10, 6, 4, 4, 4, 4, 10, 0, 10])
        #expect(u.contains(x: 5, y: 5) == false && u.contains(x: 5, y: 4) && u.contains(x: 5, y: 2) && u.contains(x: 4, y: 7))
        // Self-intersecting: a pentagram's centre is outside under even-odd, its points inside.
        let star = try Polygon2D(vertices: (0..<5).map { i in
            let angle = Float(i * 2) * 2 * .pi / 5 + .pi / 2
            return SIMD2(10 * cos(angle), 10 * sin(angle))
        })
        #expect(!star.contains(x: 0, y: 0))
        #expect(star.contains(x: 0, y: 8))
        // A bow tie: both lobes inside, the crossing point on the outline.
        let bowTie = try Polygon2D(xy: [0, 0, 10, 10, 10, 0, 0, 10])
        #expect(bowTie.contains(x: 1, y: 5) && bowTie.contains(x: 9, y: 5) && bowTie.contains(x: 5, y: 5))
        #expect(!bowTie.contains(x: 5, y: 1) && !bowTie.contains(x: 5, y: 9))
        // Boxes meet a polygon when they touch it.
        #expect(square.intersects(Box2D(minX: 10, minY: 3, maxX: 12, maxY: 4)))
        #expect(!square.intersects(Box2D(minX: 10.5, minY: 3, maxX: 12, maxY: 4)))
        #expect(u.intersects(Box2D(minX: 4.5, minY: 5, maxX: 5.5, maxY: 12)) == false)
        #expect(u.intersects(Box2D(minX: 4.5, minY: 3, maxX: 5.5, maxY: 12)))
        // Repeated and closing vertices are dropped.
        #expect(try Polygon2D(xy: [0, 0, 0, 0, 4, 0, 4, 4, 0, 0]).vertices.count == 3)
    }

    @Test func badInputIsAnErrorWithAReason() throws {
        let tree = try RTree()
        func expectError(_ code: VectorIndexError.Code, _ body: () throws -> Void) {
            do {
                try body()
                Issue.record("no error")
            } catch let error as VectorIndexError {
                #expect(error.code == code, "\(error)")
                #expect(!error.message.isEmpty)
            } catch {
                Issue.record("unexpected \(error)")
            }
        }
        expectError(.invalidVector) { try tree.add([1, .nan], ids: [1]) }
        expectError(.invalidVector) { try tree.add([1, .infinity], ids: [1]) }
        expectError(.invalidArgument) { try tree.add([1, 2, 3], ids: [1]) }
        expectError(.invalidVector) { try tree.add(boxes: [Box2D(minX: 0, minY: 0, maxX: .nan, maxY: 1)], ids: [1]) }
        expectError(.invalidVector) { try tree.add(boxes: [Box2D(minX: 2, minY: 0, maxX: 1, maxY: 1)], ids: [1]) }
        expectError(.invalidArgument) { try tree.add(boxes: [Box2D(x: 1, y: 1)], ids: [1, 2]) }
        #expect(tree.count == 0)
        expectError(.invalidArgument) { _ = try tree.search(in: Box2D(minX: .nan, minY: 0, maxX: 1, maxY: 1)) }
        expectError(.invalidArgument) { _ = try tree.search(in: Box2D(minX: 1, minY: 0, maxX: 0, maxY: 1)) }
        expectError(.invalidArgument) { _ = try tree.search(within: -1, ofX: 0, y: 0) }
        expectError(.invalidArgument) { _ = try tree.search(within: .nan, ofX: 0, y: 0) }
        expectError(.invalidArgument) { _ = try tree.search(within: 1, ofX: .nan, y: 0) }
        expectError(.invalidVector) { _ = try tree.nearest(x: .nan, y: 0, k: 1) }
        expectError(.invalidArgument) { _ = try tree.nearest(x: 0, y: 0, k: 0) }
        expectError(.invalidVector) { _ = try tree.search([1, 2, 3], k: 1) }
        expectError(.invalidArgument) { _ = try Polygon2D(vertices: []) }
        expectError(.invalidArgument) { _ = try Polygon2D(xy: [0, 0, 1, 1]) }
        expectError(.invalidArgument) { _ = try Polygon2D(xy: [0, 0, 1, 1, 1, 1, 0, 0]) }
        expectError(.invalidArgument) { _ = try Polygon2D(xy: [0, 0, 1, 1, 2, 2, 3, 3]) }  // collinear
        expectError(.invalidArgument) { _ = try Polygon2D(xy: [0, 0, 1, .nan, 2, 0]) }
        expectError(.invalidArgument) { _ = try Polygon2D(xy: [0, 0, 1]) }
        expectError(.invalidArgument) { _ = try RTree(nodeCapacity: 2) }
    }

    @Test func saveAndLoadRoundTrip() throws {
        let folder = try TemporaryFolder()
        var (tree, reference) = try Self.make(SpatialData.boxes(count: 1500, seed: 30), nodeCapacity: 16)
        let gone = Array(reference.boxes.keys.sorted().prefix(100))
        tree.remove(gone)
        reference.remove(gone)
        try tree.add([7, 7], ids: [999_999])  // a buffered item is saved too
        reference.add([(999_999, Box2D(x: 7, y: 7))])
        try tree.save(to: folder.file("r.idx"))
        let loaded = try RTree.load(from: folder.file("r.idx"))
        #expect(loaded.nodeCapacity == 16 && loaded.count == tree.count)
        try Self.expectIdentical(loaded, reference, seed: 31, queries: 10)
        try RTree().save(to: folder.file("empty.idx"))
        #expect(try RTree.load(from: folder.file("empty.idx")).count == 0)
    }

    /// The error that loading `path` throws; nil if it loads (or throws something else).
    static func loadError(_ path: String) -> VectorIndexError? {
        do {
            _ = try RTree.load(from: path)
            return nil
        } catch {
            return error as? VectorIndexError
        }
    }

    @Test func damagedFilesAreErrorsNotCrashes() throws {
        let folder = try TemporaryFolder()
        let (tree, _) = try Self.make(SpatialData.uniformPoints(count: 500, seed: 40))
        let path = folder.file("good.idx")
        try tree.save(to: path)
        let good = try Data(contentsOf: URL(fileURLWithPath: path))
        for damage in DamagedFiles.variants(of: good, seed: 41) {
            let bad = folder.file("bad-\(damage.label)")
            _ = FileManager.default.createFile(atPath: bad, contents: damage.bytes)
            #expect(Self.loadError(bad)?.code == damage.code, "\(damage.label)")
        }
        try FlatIndex(dimensions: 2, metric: .l2).save(to: folder.file("flat"))
        #expect { try RTree.load(from: folder.file("flat")) } throws: { ($0 as? VectorIndexError)?.code == .incompatibleFile }
        #expect(throws: VectorIndexError.self) { try RTree.load(from: folder.file("missing")) }
    }

    /// Files whose checksums are right but whose content is not a valid tree.
    @Test func wellFormedFilesWithBadContentAreErrors() throws {
        let folder = try TemporaryFolder()
        func write(_ name: String, dimensions: Int = 2, capacity: UInt32 = 16, boxes: [Float], ids: [UInt32]) throws -> String {
            let path = folder.file(name)
            let writer = try IndexFile.Writer(path: path, kind: RTree.fileKind)
            var meta = IndexFile.Encoder()
            IndexHeader(dimensions: dimensions, metric: .l2, count: ids.count).encode(into: &meta)
            try writer.section("META", meta.bytes)
            var options = IndexFile.Encoder()
            options.append(capacity)
            try writer.section("OPTS", options.bytes)
            try boxes.withUnsafeBytes { try writer.section("BOXS", $0) }
            try ids.withUnsafeBytes { try writer.section("IDS_", $0) }
            try writer.finish()
            return path
        }
        // Columns minX, minY, maxX, maxY of two items.
        let good: [Float] = [0, 1, 0, 1, 2, 3, 2, 3]
        #expect(try RTree.load(from: write("good", boxes: good, ids: [1, 2])).count == 2)
        for (name, path) in [
            ("nan", try write("nan", boxes: [0, .nan, 0, 1, 2, 3, 2, 3], ids: [1, 2])),
            ("inverted", try write("inverted", boxes: [0, 1, 0, 1, 2, 3, -2, 3], ids: [1, 2])),
            ("infinite", try write("infinite", boxes: [0, 1, 0, 1, 2, 3, .infinity, 3], ids: [1, 2])),
            ("duplicate ids", try write("dup", boxes: good, ids: [1, 1])),
            ("3 dimensions", try write("dims", dimensions: 3, boxes: good, ids: [1, 2])),
            ("capacity 1", try write("capacity", capacity: 1, boxes: good, ids: [1, 2])),
            ("short boxes", try write("short", boxes: Array(good.prefix(6)), ids: [1, 2])),
        ] {
            #expect(throws: VectorIndexError.self, "\(name)") { try RTree.load(from: path) }
        }
    }

    @Test func concurrentQueriesAndWrites() async throws {
        let (tree, _) = try Self.make(SpatialData.uniformPoints(count: 2000, seed: 50))
        await withTaskGroup(of: Void.self) { group in
            for worker in 0..<4 {
                group.addTask {
                    for i in 0..<200 {
                        let id = UInt32(1_000_000 + worker * 1000 + i)
                        if worker == 0 {
                            try? tree.add([Float(i % 64), Float(i % 37)], ids: [id])
                            if i % 3 == 0 { tree.remove([id]) }
                        } else {
                            _ = try? tree.search(in: Box2D(minX: 10, minY: 10, maxX: 30, maxY: 30))
                            _ = try? tree.nearest(x: Float(i % 64), y: 5, k: 5)
                        }
                    }
                }
            }
        }
        #expect(tree.invariantViolations().isEmpty)
        #expect(tree.count == 2000 + 200 - 67)
    }
}
