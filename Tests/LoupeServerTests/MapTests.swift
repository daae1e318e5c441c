import Catalog
import Foundation
import Testing
import VectorMath

@testable import LoupeServer

/// The cluster map's pieces: building it, its file, and the R-tree selections over it.
@Suite struct MapTests {
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
        return try SpaceMap.build(space: space, snapshot: snapshot, method: .pca, clusters: 3, seed: 5)
    }

    @Test func clustersAreSummarisedAndNamedAfterTheirLabels() throws {
        let map = try sampleMap()
        #expect(map.info.clusters.count == 3)
        #expect(map.info.clusters.map(\.size).reduce(0, +) == 300)
        // Each cluster is one blob: named after its label, which 90 of its 100 rows carry.
        #expect(Set(map.info.clusters.compactMap { $0.labels.first?.class }) == ["cat", "dog", "owl"])
        for summary in map.info.clusters { #expect(summary.name.contains(summary.labels.first?.class ?? "?")) }
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
