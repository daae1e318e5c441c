import Foundation
import GRDB
import GRDBSQLite

/// 64 consecutive slots of a space: which have a vector (`present`) and, for each, which plane
/// file holds it (`plane`, bit set = plane 1). One row of `vector_block`.
struct VectorBlock: Equatable {
    var present: UInt64 = 0
    var plane: UInt64 = 0


    @inline(__always) static func index(_ slot: UInt32) -> Int64 { Int64(slot >> 6) }
    @inline(__always) static func bit(_ slot: UInt32) -> UInt64 { 1 << UInt64(slot & 63) }

    /// The plane slot `bit`'s vector is in (only meaningful when present).
    @inline(__always) func plane(of bit: UInt64) -> Int { plane & bit != 0 ? 1 : 0 }
}

/// A space as its vectors need it.
struct VectorSpace {
    var key: Int64
    var dimensions: Int
    /// The base name of its two plane files.
    var fileName: String
    var bytesPerVector: Int { dimensions * MemoryLayout<Float>.size }
}

/// Vector storage: the bytes in slot-addressed plane files (`VectorFiles`), the state in
/// `vector_block`.
///
/// Durability: `putVectors` writes the new vectors into plane bytes no commit refers to,
/// `fdatasync`s the planes, and only then commits the `vector_block` rows that point at them,
/// under `synchronous = FULL` (an fsync of the few WAL frames the block rows make). So a returned
/// `putVectors` has survived `kill -9` and power loss alike, a commit never points at bytes that
/// are not on the disk, and a crash mid-write leaves every committed vector as it was. WAL
/// checkpoints move only the block rows (16 bytes per 64 vectors), never vector bytes.
extension SQLiteStore {
    static func vectorSpace(_ db: Database, _ id: String) throws -> VectorSpace {
        guard let row = try Row.fetchOne(db, sql: "SELECT key, dimensions, vector_file FROM space WHERE id = ?", arguments: [id]) else {
            throw CatalogError.notFound("space", id)
        }
        return VectorSpace(key: row[0], dimensions: row[1], fileName: row[2])
    }

    /// The blocks of a space in `range` (absent blocks are absent).
    static func vectorBlocks(_ db: Database, spaceKey: Int64, in range: ClosedRange<Int64>) throws -> [Int64: VectorBlock] {
        var blocks: [Int64: VectorBlock] = [:]
        let statement = try db.cachedStatement(sql: "SELECT block, present, plane FROM vector_block WHERE space_key = ? AND block BETWEEN ? AND ?")
        let rows = try Row.fetchCursor(statement, arguments: [spaceKey, range.lowerBound, range.upperBound])
        while let row = try rows.next() {
            blocks[row[0]] = VectorBlock(present: UInt64(bitPattern: row[1]), plane: UInt64(bitPattern: row[2]))
        }
        return blocks
    }

    /// The blocks holding `slots`: one range query when they are dense, else one per block.
    static func vectorBlocks(_ db: Database, spaceKey: Int64, covering slots: [UInt32]) throws -> [Int64: VectorBlock] {
        guard let low = slots.min(), let high = slots.max() else { return [:] }
        let range = VectorBlock.index(low)...VectorBlock.index(high)
        if range.count <= 4 * slots.count { return try vectorBlocks(db, spaceKey: spaceKey, in: range) }
        var blocks: [Int64: VectorBlock] = [:]
        for index in Set(slots.map(VectorBlock.index)) {
            blocks.merge(try vectorBlocks(db, spaceKey: spaceKey, in: index...index)) { $1 }
        }
        return blocks
    }

    /// Writes changed blocks back (a block with no vector left is deleted).
    static func saveVectorBlocks(_ db: Database, spaceKey: Int64, _ blocks: [Int64: VectorBlock]) throws {
        let upsert = try db.cachedStatement(sql: """
            INSERT INTO vector_block (space_key, block, present, plane) VALUES (?, ?, ?, ?)
            ON CONFLICT (space_key, block) DO UPDATE SET present = excluded.present, plane = excluded.plane
            """)
        let delete = try db.cachedStatement(sql: "DELETE FROM vector_block WHERE space_key = ? AND block = ?")
        for (index, block) in blocks {
            if block.present == 0 {
                try delete.execute(arguments: [spaceKey, index])
            } else {
                try upsert.execute(arguments: [spaceKey, index, Int64(bitPattern: block.present), Int64(bitPattern: block.plane)])
            }
        }
    }

    /// Clears the vectors of `slots` in a space.
    /// - Returns: how many slots had one.
    static func clearVectors(_ db: Database, spaceKey: Int64, slots: [UInt32]) throws -> Int {
        var blocks = try vectorBlocks(db, spaceKey: spaceKey, covering: slots)
        var removed = 0
        for slot in Set(slots) {
            let index = VectorBlock.index(slot)
            let bit = VectorBlock.bit(slot)
            guard var block = blocks[index], block.present & bit != 0 else { continue }
            block.present &= ~bit
            blocks[index] = block
            removed += 1
        }
        try saveVectorBlocks(db, spaceKey: spaceKey, blocks)
        return removed
    }

    // MARK: Writing

    /// Runs `body` in a write transaction that commits under `synchronous = FULL`.
    func durableWrite<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await Self.mappingErrors {
            try await database.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA synchronous = FULL")
                defer { try? db.execute(sql: "PRAGMA synchronous = NORMAL") }
                var result: T?
                try db.inTransaction(.immediate) {
                    result = try body(db)
                    return .commit
                }
                guard let result else { throw CatalogError(.storage, "a vector write returned nothing") }
                return result
            }
        }
    }

    public func putVectors(spaceID: String, slots: [UInt32], vectors: VectorValues) async throws -> (added: Int, generation: Int) {
        let files = vectorFiles
        return try await durableWrite { db in
            let space = try Self.vectorSpace(db, spaceID)
            guard vectors.count == slots.count * space.dimensions else {
                throw CatalogError(.dimensionMismatch, "\(vectors.count) values for \(slots.count) vectors of \(space.dimensions) dimensions")
            }
            let added = try Self.writeVectors(db, space: space, slots: slots, vectors: vectors, files: files)
            try db.execute(sql: "UPDATE space SET vector_count = vector_count + ?, generation = generation + 1 WHERE key = ?",
                           arguments: [added, space.key])
            let generation = try Int.fetchOne(db, sql: "SELECT generation FROM space WHERE key = ?", arguments: [space.key]) ?? 0
            return (added, generation)
        }
    }

    /// Writes vectors into the planes their slots do not currently use, syncs the planes, and
    /// records the new state in `vector_block` (the caller commits). A slot given twice keeps
    /// its last vector.
    /// - Returns: how many slots had no vector before.
    static func writeVectors(_ db: Database, space: VectorSpace, slots: [UInt32], vectors: VectorValues, files: VectorFiles) throws -> Int {
        guard !slots.isEmpty else { return 0 }
        let before = try vectorBlocks(db, spaceKey: space.key, covering: slots)
        var after = before
        // Each slot's target: the plane its committed vector is not in (plane 0 for a slot without one).
        var targets = [UInt8](repeating: 0, count: slots.count)
        for (position, slot) in slots.enumerated() {
            let index = VectorBlock.index(slot)
            let bit = VectorBlock.bit(slot)
            let old = before[index] ?? VectorBlock()
            let target = old.present & bit != 0 ? 1 - old.plane(of: bit) : 0
            targets[position] = UInt8(target)
            var new = after[index] ?? VectorBlock()
            new.present |= bit
            new.plane = target == 1 ? new.plane | bit : new.plane & ~bit
            after[index] = new
        }
        // No reader may still hold a snapshot from before the last commit: the bytes written next
        // are free in the last commit, not necessarily in older ones.
        files.waitForReaders()
        var writers: [VectorFiles.Writer?] = [nil, nil]
        defer { for writer in writers { writer?.close() } }
        let bytes = space.bytesPerVector
        try vectors.withUnsafeBufferPointer { values in
            guard let base = UnsafeRawPointer(values.baseAddress) else { return }
            // One pwrite per run of consecutive slots bound for the same plane.
            try forEachRun(slots: slots, planes: targets) { run, plane in
                if writers[plane] == nil {
                    writers[plane] = try VectorFiles.Writer(path: files.path(space.fileName, plane: plane), directory: files.directory)
                }
                try writers[plane]?.write(base + run.lowerBound * bytes, count: run.count * bytes, at: Int(slots[run.lowerBound]) * bytes)
            }
        }
        for writer in writers { try writer?.sync() }
        var changed: [Int64: VectorBlock] = [:]
        var added = 0
        for (index, block) in after where before[index] != block {
            changed[index] = block
            added += (block.present & ~(before[index]?.present ?? 0)).nonzeroBitCount
        }
        try saveVectorBlocks(db, spaceKey: space.key, changed)
        return added
    }

    /// Calls `body` with each maximal run of positions whose slots are consecutive and whose
    /// planes are the same: what one pwrite or pread covers.
    static func forEachRun(slots: [UInt32], planes: [UInt8], _ body: (Range<Int>, Int) throws -> Void) rethrows {
        var start = 0
        while start < slots.count {
            var end = start + 1
            while end < slots.count && slots[end] == slots[end - 1] &+ 1 && planes[end] == planes[start] { end += 1 }
            try body(start..<end, Int(planes[start]))
            start = end
        }
    }

    public func deleteVectors(spaceID: String, slots: [UInt32]) async throws -> Int {
        try await write { db in
            let space = try Self.spaceKey(db, spaceID)
            let removed = try Self.clearVectors(db, spaceKey: space.key, slots: slots)
            try db.execute(sql: "UPDATE space SET vector_count = vector_count - ?, generation = generation + 1 WHERE key = ?",
                           arguments: [removed, space.key])
            return removed
        }
    }

    // MARK: Reading

    /// Runs `body` on a reader whose snapshot starts after it holds the vector files' read
    /// lock (see `VectorFiles`), so that the plane bytes its blocks point at stay put.
    func readVectors<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        let files = vectorFiles
        let pooled = database is DatabasePool
        return try await read { db in
            try files.withReading {
                if pooled && db.isInsideTransaction {
                    // GRDB's read began its transaction (and read the schema version) before the
                    // lock was held: start a fresh snapshot under the lock.
                    try db.commit()
                    try db.beginTransaction(.deferred)
                }
                return try body(db)
            }
        }
    }

    public func vectors(spaceID: String, slots: [UInt32]) async throws -> [UInt32: [Float]] {
        let files = vectorFiles
        return try await readVectors { db in
            let space = try Self.vectorSpace(db, spaceID)
            let blocks = try Self.vectorBlocks(db, spaceKey: space.key, covering: slots)
            var readers = PlaneReaders(files: files, space: space)
            defer { readers.close() }
            var result: [UInt32: [Float]] = [:]
            result.reserveCapacity(slots.count)
            for slot in slots where result[slot] == nil {
                let bit = VectorBlock.bit(slot)
                guard let block = blocks[VectorBlock.index(slot)], block.present & bit != 0 else { continue }
                var vector = [Float](repeating: 0, count: space.dimensions)
                try vector.withUnsafeMutableBytes { out in
                    guard let base = out.baseAddress else { return }
                    try readers.read(plane: block.plane(of: bit), into: base, slots: slot, count: 1)
                }
                result[slot] = vector
            }
            return result
        }
    }

    public func vectorBatch(spaceID: String, after: UInt32?, limit: Int) async throws -> (slots: [UInt32], vectors: [Float]) {
        let files = vectorFiles
        return try await readVectors { db in
            let space = try Self.vectorSpace(db, spaceID)
            let first = after.map { Int64($0) + 1 } ?? 0
            guard limit > 0, first <= Int64(UInt32.max) else { return ([], []) }
            // The slots (and planes) of the page, from the blocks in slot order.
            var slots: [UInt32] = []
            var planes: [UInt8] = []
            slots.reserveCapacity(limit)
            planes.reserveCapacity(limit)
            let statement = try db.cachedStatement(sql: "SELECT block, present, plane FROM vector_block WHERE space_key = ? AND block >= ? ORDER BY block")
            let rows = try Row.fetchCursor(statement, arguments: [space.key, first >> 6])
            scan: while let row = try rows.next() {
                let index: Int64 = row[0]
                var present = UInt64(bitPattern: row[1])
                let plane = UInt64(bitPattern: row[2])
                if index == first >> 6 { present &= ~0 << UInt64(first & 63) }
                while present != 0 {
                    let bit = UInt64(present.trailingZeroBitCount)
                    present &= present - 1
                    slots.append(UInt32(index << 6) | UInt32(bit))
                    planes.append(UInt8(plane >> bit & 1))
                    if slots.count == limit { break scan }
                }
            }
            var vectors = [Float](repeating: 0, count: slots.count * space.dimensions)
            var readers = PlaneReaders(files: files, space: space)
            defer { readers.close() }
            try vectors.withUnsafeMutableBytes { out in
                guard let base = out.baseAddress else { return }
                // One pread per run of consecutive slots in the same plane.
                try Self.forEachRun(slots: slots, planes: planes) { run, plane in
                    try readers.read(plane: plane, into: base + run.lowerBound * space.bytesPerVector, slots: slots[run.lowerBound], count: run.count)
                }
            }
            return (slots, vectors)
        }
    }

    /// A space's planes open for reading, each opened when first needed.
    struct PlaneReaders {
        let files: VectorFiles
        let space: VectorSpace
        private var readers: [VectorFiles.Reader?] = [nil, nil]

        init(files: VectorFiles, space: VectorSpace) {
            self.files = files
            self.space = space
        }

        /// Reads `count` vectors of consecutive slots from `first` in `plane`.
        mutating func read(plane: Int, into buffer: UnsafeMutableRawPointer, slots first: UInt32, count: Int) throws {
            if readers[plane] == nil {
                let path = files.path(space.fileName, plane: plane)
                guard let reader = try VectorFiles.Reader(path: path) else {
                    throw CatalogError(.corruptData, "the vector file '\(path)' is missing; the database records vectors in it")
                }
                readers[plane] = reader
            }
            try readers[plane]?.read(into: buffer, count: count * space.bytesPerVector, at: Int(first) * space.bytesPerVector)
        }

        func close() { for reader in readers { reader?.close() } }
    }

    // MARK: Rows without vectors

    /// SQL true when row `r` has no vector in space `?` (bound where it appears).
    private static let lacksVector = """
        NOT EXISTS (SELECT 1 FROM vector_block b WHERE b.space_key = ? AND b.block = r.slot >> 6 AND (b.present >> (r.slot & 63)) & 1)
        """

    public func slotsLackingVectors(spaceID: String, mediaTypes: Set<MediaType>, after: UInt32?, limit: Int) async throws -> [UInt32] {
        try await read { db in
            let space = try Self.spaceKey(db, spaceID)
            return try Int64.fetchAll(db, sql: """
                SELECT r.slot FROM data_row r
                WHERE r.dataset_key = ? AND r.slot > ? AND r.media_type IN (SELECT value FROM json_each(?)) AND \(Self.lacksVector)
                ORDER BY r.slot LIMIT ?
                """, arguments: [space.dataset, after.map { Int64($0) } ?? -1, jsonArray(mediaTypes.map(\.rawValue)), space.key, limit])
                .map { UInt32($0) }
        }
    }

    public func countLackingVectors(spaceID: String, mediaTypes: Set<MediaType>) async throws -> Int {
        try await read { db in
            let space = try Self.spaceKey(db, spaceID)
            return try Int.fetchOne(db, sql: """
                SELECT count(*) FROM data_row r
                WHERE r.dataset_key = ? AND r.media_type IN (SELECT value FROM json_each(?)) AND \(Self.lacksVector)
                """, arguments: [space.dataset, jsonArray(mediaTypes.map(\.rawValue)), space.key]) ?? 0
        }
    }
}
