@testable import Catalog
import Dispatch
import Foundation
import GRDB
import Synchronization
import Testing
import TestSupport

/// The vector storage of `SQLiteStore`: plane files plus `vector_block` (see `VectorFiles`).
@Suite struct VectorStorageTests {
    /// A store (on disk or in memory) with one dataset and one space of `dimensions`.
    static func makeStore(onDisk: Bool, folder: TemporaryFolder, dimensions: Int) async throws -> (SQLiteStore, EmbeddingSpace) {
        let store = onDisk ? try SQLiteStore(path: folder.file("catalog.sqlite")) : try SQLiteStore()
        let dataset = try await store.createDataset(NewDataset(name: "d"), id: "d", createdAt: Date())
        let space = try await store.createSpace(EmbeddingSpace(id: "s", datasetID: dataset.id, name: "vecs", dimensions: dimensions, metric: .cosine,
                                                               kind: .custom, index: IndexSettings(), vectorCount: 0, generation: 0, createdAt: Date()))
        return (store, space)
    }

    /// Every stored vector by paging through `vectorBatch` `limit` at a time.
    static func scan(_ store: SQLiteStore, _ space: EmbeddingSpace, limit: Int) async throws -> [UInt32: [Float]] {
        var all: [UInt32: [Float]] = [:]
        var after: UInt32?
        while true {
            let (slots, values) = try await store.vectorBatch(spaceID: space.id, after: after, limit: limit)
            #expect(slots == slots.sorted() && Set(slots).count == slots.count)
            #expect(values.count == slots.count * space.dimensions)
            for (i, slot) in slots.enumerated() { all[slot] = Array(values[i * space.dimensions..<(i + 1) * space.dimensions]) }
            guard let last = slots.last, slots.count == limit else { return all }
            after = last
        }
    }

    @Test(arguments: [true, false])
    func randomPutsReplacementsAndDeletesMatchAModel(onDisk: Bool) async throws {
        let folder = try TemporaryFolder()
        let dimensions = 5
        let (store, space) = try await Self.makeStore(onDisk: onDisk, folder: folder, dimensions: dimensions)
        var random = SeededGenerator(seed: 42)
        var model: [UInt32: [Float]] = [:]
        for step in 0..<60 {
            if Int.random(in: 0..<4, using: &random) == 0 {
                let slots = (0..<Int.random(in: 1...40, using: &random)).map { _ in UInt32.random(in: 0..<400, using: &random) }
                let removed = try await store.deleteVectors(spaceID: space.id, slots: slots)
                #expect(removed == Set(slots).filter { model[$0] != nil }.count)
                for slot in slots { model[slot] = nil }
            } else {
                // A run of consecutive slots, or scattered ones (a slot may repeat: the last wins).
                let count = Int.random(in: 1...150, using: &random)
                var slots: [UInt32] = []
                if Bool.random(using: &random) {
                    for _ in 0..<count { slots.append(UInt32.random(in: 0..<400, using: &random)) }
                } else {
                    let first = UInt32.random(in: 0..<300, using: &random)
                    slots = (0..<UInt32(count)).map { first + $0 }
                }
                var values: [Float] = []
                for i in slots.indices { values += (0..<dimensions).map { Float(step * 1000 + i) + Float($0) / 10 } }
                let before = model.count
                var added = Set<UInt32>()
                for (i, slot) in slots.enumerated() {
                    if model[slot] == nil { added.insert(slot) }
                    model[slot] = Array(values[i * dimensions..<(i + 1) * dimensions])
                }
                let result = try await store.putVectors(spaceID: space.id, slots: slots, vectors: values)
                #expect(result.added == added.count && model.count == before + added.count)
            }
            if step % 10 == 9 {
                #expect(try await Self.scan(store, space, limit: 37) == model)
                let probe = (0..<30).map { _ in UInt32.random(in: 0..<400, using: &random) }
                #expect(try await store.vectors(spaceID: space.id, slots: probe) == model.filter { probe.contains($0.key) })
                #expect(try await store.space(space.id, datasetID: "d").vectorCount == model.count)
            }
        }
        #expect(try await Self.scan(store, space, limit: 1000) == model)
    }

    /// Readers racing a writer that replaces every vector again and again see, in each read,
    /// one commit's vectors whole: no torn vector, no mix of two commits.
    @Test func readersSeeWholeCommitsWhileVectorsAreReplaced() async throws {
        let folder = try TemporaryFolder()
        let dimensions = 64
        let (store, space) = try await Self.makeStore(onDisk: true, folder: folder, dimensions: dimensions)
        let slots = (0..<UInt32(2000)).map { $0 }
        _ = try await store.putVectors(spaceID: space.id, slots: slots, vectors: [Float](repeating: 1, count: slots.count * dimensions))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for round in 2...40 {
                    _ = try await store.putVectors(spaceID: space.id, slots: slots, vectors: [Float](repeating: Float(round), count: slots.count * dimensions))
                }
            }
            for reader in 0..<3 {
                group.addTask {
                    for _ in 0..<60 {
                        if reader == 0 {
                            let (read, values) = try await store.vectorBatch(spaceID: space.id, after: nil, limit: 5000)
                            #expect(read.count == 2000)
                            #expect(Set(values).count == 1, "one vectorBatch saw \(Set(values).sorted()) at once")
                        } else {
                            let vectors = try await store.vectors(spaceID: space.id, slots: [3, 700, 1999, 64, 65])
                            #expect(Set(vectors.values.flatMap { $0 }).count == 1, "one vectors(slots:) saw several commits")
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(try await store.vectors(spaceID: space.id, slots: [0])[0] == [Float](repeating: 40, count: dimensions))
    }

    /// The reader–writer lock of `VectorFiles`, made to matter: a reader takes its snapshot and
    /// then dawdles while a writer replaces the same slot twice (the second write lands in the
    /// plane that snapshot points at). The writer must wait for the reader, so the reader still
    /// reads the vector its snapshot names.
    @Test func aSlowReaderKeepsItsVectorsWhileASlotIsReplacedTwice() async throws {
        let folder = try TemporaryFolder()
        let (store, space) = try await Self.makeStore(onDisk: true, folder: folder, dimensions: 1)
        _ = try await store.putVectors(spaceID: space.id, slots: [0], vectors: [1])
        let snapshotTaken = Flag()
        let replacedTwice = DispatchSemaphore(value: 0)
        let read = Task {
            try await store.readVectors { db in
                let vectors = try SQLiteStore.vectorSpace(db, "s")
                let block = try SQLiteStore.vectorBlocks(db, spaceKey: vectors.key, in: 0...0)[0] ?? VectorBlock()
                snapshotTaken.set()
                // Without the lock both replacements land well within this wait.
                _ = replacedTwice.wait(timeout: .now() + .milliseconds(700))
                var readers = SQLiteStore.PlaneReaders(files: store.vectorFiles, space: vectors)
                defer { readers.close() }
                var value: Float = 0
                try readers.read(plane: block.plane(of: VectorBlock.bit(0)), into: &value, slots: 0, count: 1)
                return value
            }
        }
        while !snapshotTaken.isSet { try await Task.sleep(for: .milliseconds(1)) }
        let write = Task {
            _ = try await store.putVectors(spaceID: space.id, slots: [0], vectors: [2])
            _ = try await store.putVectors(spaceID: space.id, slots: [0], vectors: [3])
            replacedTwice.signal()
        }
        #expect(try await read.value == 1, "the reader's vector was overwritten under it")
        try await write.value
        #expect(try await store.vectors(spaceID: space.id, slots: [0]) == [0: [3]])
    }

    /// A flag set by one thread and polled by another.
    final class Flag: Sendable {
        private let value = Mutex(false)
        func set() { value.withLock { $0 = true } }
        var isSet: Bool { value.withLock { $0 } }
    }

    @Test func deletedSpacesLeaveNoFilesAndOrphansGoAtOpen() async throws {
        let folder = try TemporaryFolder()
        let (store, space) = try await Self.makeStore(onDisk: true, folder: folder, dimensions: 3)
        _ = try await store.putVectors(spaceID: space.id, slots: [0, 1], vectors: [1, 2, 3, 4, 5, 6])
        _ = try await store.putVectors(spaceID: space.id, slots: [1], vectors: [7, 8, 9])
        let vectorFolder = folder.file("catalog.sqlite-vectors")
        #expect(try FileManager.default.contentsOfDirectory(atPath: vectorFolder).count == 2)
        try await store.deleteSpace(id: space.id)
        #expect(try FileManager.default.contentsOfDirectory(atPath: vectorFolder).isEmpty)
        // A file no space refers to (a crash between a delete's commit and its unlink) goes at open.
        FileManager.default.createFile(atPath: vectorFolder + "/0123.0.f32", contents: Data([1, 2, 3]))
        _ = try SQLiteStore(path: folder.file("catalog.sqlite"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: vectorFolder).isEmpty)
    }

    @Test func rowsWithoutVectorsAreFoundThroughTheBlocks() async throws {
        let folder = try TemporaryFolder()
        let (store, space) = try await Self.makeStore(onDisk: true, folder: folder, dimensions: 2)
        _ = try await store.putRows((0..<200).map { NewDataRow(id: "r\($0)", rowData: "row \($0)", mediaType: .text) }, datasetID: "d")
        let with = (0..<UInt32(200)).filter { $0 % 3 == 0 || (63...130).contains($0) }
        _ = try await store.putVectors(spaceID: space.id, slots: with, vectors: [Float](repeating: 1, count: with.count * 2))
        let lacking = (0..<UInt32(200)).filter { !with.contains($0) }
        #expect(try await store.countLackingVectors(spaceID: space.id, mediaTypes: [.text]) == lacking.count)
        #expect(try await store.slotsLackingVectors(spaceID: space.id, mediaTypes: [.text], after: 60, limit: 10) == Array(lacking.filter { $0 > 60 }.prefix(10)))
        // Deleting rows clears their vectors.
        _ = try await store.deleteRows(ids: ["r0", "r64", "r65"], datasetID: "d")
        #expect(try await store.space(space.id, datasetID: "d").vectorCount == with.count - 3)
        #expect(try await store.vectors(spaceID: space.id, slots: [0, 64, 65, 66]).keys.sorted() == [66])
    }

    /// A database written by the version-1 schema (one `vector` row per vector) opens with its
    /// vectors moved to plane files, exactly, and the old table gone.
    @Test func aVersion1DatabaseIsCarriedForward() async throws {
        let folder = try TemporaryFolder()
        let path = folder.file("catalog.sqlite")
        let dimensions = 8
        let values = (0..<200 * dimensions).map { Float(sin(Double($0) * 0.37)) }
        let stored = (0..<200).filter { $0 % 4 != 1 }
        do {
            let old = try DatabasePool(path: path)
            let scratch = try VectorFiles()
            try SQLiteStore.migrator(vectorFiles: scratch).migrate(old, upTo: "v1")
            try await old.write { db in
                try db.execute(sql: "INSERT INTO dataset (key, id, name, created_at, next_slot, row_count) VALUES (1, 'd', 'test', 0, 200, 200)")
                for row in 0..<200 {
                    try db.execute(sql: "INSERT INTO data_row (dataset_key, slot, id, row_data, media_type) VALUES (1, ?, ?, ?, 'text')",
                                   arguments: [row, "r\(row)", "row \(row)"])
                }
                try db.execute(sql: """
                    INSERT INTO space (key, id, dataset_key, name, dimensions, metric, index_settings, vector_count, generation, created_at)
                    VALUES (1, 's', 1, 'vecs', ?, 'cosine', '{}', ?, 3, 0), (2, 't', 1, 'empty', 4, 'cosine', '{}', 0, 0, 0)
                    """, arguments: [dimensions, stored.count])
                for row in stored {
                    let blob = values[row * dimensions..<(row + 1) * dimensions].withUnsafeBytes { Data($0) }
                    try db.execute(sql: "INSERT INTO vector (key, data) VALUES (?, ?)", arguments: [Int64(1) << 32 | Int64(row), blob])
                }
            }
            try old.close()
        }
        let store = try SQLiteStore(path: path)
        var expected: [UInt32: [Float]] = [:]
        for row in stored { expected[UInt32(row)] = Array(values[row * dimensions..<(row + 1) * dimensions]) }
        let space = try await store.space("s", datasetID: "d")
        #expect(space.vectorCount == stored.count && space.generation == 3)
        #expect(try await Self.scan(store, space, limit: 64) == expected)
        #expect(try await store.vectors(spaceID: "s", slots: [0, 1, 2]) == [0: expected[0]!, 2: expected[2]!])
        #expect(try await Self.scan(store, try await store.space("t", datasetID: "d"), limit: 10).isEmpty)
        #expect(try await store.integrityCheck() == ["ok"])
        let tables = try await store.read { db in try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'") }
        #expect(!tables.contains("vector") && tables.contains("vector_block"))
        // The catalog on top searches the moved vectors.
        let catalog = try await Catalog.open(CatalogConfiguration(dataDirectory: folder.path, durability: .processCrash, runsJobs: false))
        #expect(try await catalog.vector(row: "r5", space: "vecs", in: "d") == expected[5])
        let hits = try await catalog.search(SearchRequest(dataset: "d", space: "vecs", query: .vector(expected[10]!), k: 1))
        #expect(hits.hits.first?.rowID == "r10")
        await catalog.close()
    }
}
