import Catalog
import Foundation
import Testing
import VectorMath

@testable import LoupeServer

/// The cluster map's pieces: PCA, the map file, and the R-tree selections over it.
@Suite struct MapTests {
    /// Seeded points along a tilted line with a little noise in 5-D: PCA's first axis follows it.
    @Test func principalComponentsFollowTheLargestSpread() {
        var random = SplitMix64(seed: 11)
        let count = 400, dimensions = 5
        var vectors: [Float] = []
        var along: [Float] = []
        for _ in 0..<count {
            let t = Float(random.nextUnitInterval() * 20 - 10)
            along.append(t)
            let direction: [Float] = [0.6, 0.8, 0, 0, 0]
            vectors += (0..<dimensions).map { direction[$0] * t + 0.05 * random.nextGaussian() + Float($0) }
        }
        let xy = PrincipalComponents.project(vectors, count: count, dimensions: dimensions)
        #expect(xy.count == count * 2)
        // x is ±(t − mean t) up to noise; y is only noise.
        let mean = along.reduce(0, +) / Float(count)
        let sign: Float = xy[0] * (along[0] - mean) >= 0 ? 1 : -1
        for row in 0..<count {
            #expect(abs(sign * xy[2 * row] - (along[row] - mean)) < 0.3)
            #expect(abs(xy[2 * row + 1]) < 0.3)
        }
    }

    @Test func oneDimensionGivesZeroY() {
        let xy = PrincipalComponents.project([1, 2, 3, 6], count: 4, dimensions: 1)
        #expect(xy.count == 8)
        #expect(stride(from: 1, to: 8, by: 2).allSatisfy { xy[$0] == 0 })
        #expect(abs(abs(xy[6] - xy[0]) - 5) < 1e-4)
    }

    func sampleMap(count: Int = 300) throws -> SpaceMap {
        var random = SplitMix64(seed: 3)
        var snapshot = RowSnapshot()
        snapshot.dimensions = 4
        for row in 0..<count {
            let blob = row % 3
            snapshot.ids.append("r\(row)")
            snapshot.mediaTypes.append("image")
            snapshot.labels.append(row % 10 == 0 ? nil : ["cat", "dog", "owl"][blob])
            snapshot.metadata.append(["colour": .string(["red", "green", "blue"][blob])])
            snapshot.metrics.append([:])
            snapshot.vectors += (0..<4).map { Float($0 == blob ? 10 : 0) + random.nextGaussian() }
        }
        let space = EmbeddingSpace(id: "s1", datasetID: "d1", name: "test", dimensions: 4, metric: .l2, kind: .custom,
                                   index: IndexSettings(), vectorCount: count, generation: 1, createdAt: Date())
        return try SpaceMap.build(space: space, snapshot: snapshot, clusters: 3, seed: 5)
    }

    @Test func clustersAreSummarisedAndNamedAfterTheirLabels() throws {
        let map = try sampleMap()
        #expect(map.info.clusters.count == 3)
        #expect(map.info.clusters.map(\.size).reduce(0, +) == 300)
        #expect(Set(map.info.clusters.map(\.name)) == ["cat", "dog", "owl"])
        for summary in map.info.clusters {
            #expect(summary.central.count == 8)
            #expect(summary.labels.first?.count == 90)
            #expect(summary.metadata.first?.count == 100)
        }
        #expect(map.labels.filter { $0 == -1 }.count == 30)
    }

    @Test func mapFilesRoundTripAndRefuseDamage() async throws {
        let map = try sampleMap()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("loupe-map-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = MapStore(directory: directory)
        _ = try await store.save(map)
        let reread = try #require(try await MapStore(directory: directory).load(space: "s1"))
        #expect(reread.map.ids == map.ids && reread.map.x == map.x && reread.map.y == map.y)
        #expect(reread.map.clusters == map.clusters && reread.map.labels == map.labels)
        #expect(reread.map.info.clusters == map.info.clusters)
        // One flipped byte in the columns: the checksum catches it and the message names the file.
        let url = await store.fileURL(space: "s1")
        var bytes = try [UInt8](Data(contentsOf: url))
        bytes[40] ^= 0x01
        try Data(bytes).write(to: url)
        await #expect(throws: APIError.self) { try await MapStore(directory: directory).load(space: "s1") }
        do {
            _ = try await MapStore(directory: directory).load(space: "s1")
        } catch let error as APIError {
            #expect(error.message.contains(url.path) && error.message.contains("checksum"))
        }
        try Data("LOUPEMAX".utf8 + [UInt8](repeating: 0, count: 40)).write(to: url)
        await #expect(throws: APIError.self) { try await MapStore(directory: directory).load(space: "s1") }
        #expect(try await MapStore(directory: directory).load(space: "missing") == nil)
    }

    @Test func treeSelectionsMatchABruteForceScan() async throws {
        let map = try sampleMap()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("loupe-map-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let loaded = try await MapStore(directory: directory).save(map)
        let b = map.bounds
        let polygon = try VectorIndexPolygon.triangle(b)
        let found = Set(loaded.tree.search(in: polygon).map(Int.init))
        let expected = Set((0..<map.count).filter { polygon.contains(x: map.x[$0], y: map.y[$0]) })
        #expect(found == expected)
        #expect(!found.isEmpty && found.count < map.count)
    }
}

import VectorIndex

/// A triangle over the lower-left half of a map's bounds.
enum VectorIndexPolygon {
    static func triangle(_ b: (minX: Float, minY: Float, maxX: Float, maxY: Float)) throws -> Polygon2D {
        try Polygon2D(xy: [b.minX, b.minY, b.maxX, b.minY, b.minX, b.maxY])
    }
}
