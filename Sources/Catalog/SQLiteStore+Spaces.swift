import Foundation
import GRDB
import GRDBSQLite
import VectorMath

extension SQLiteStore {
    public func createSpace(_ space: EmbeddingSpace) async throws -> EmbeddingSpace {
        try await write { db in
            let datasetKey = try Self.datasetKey(db, space.datasetID)
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM space WHERE dataset_key = ? AND name = ?", arguments: [datasetKey, space.name]) == true {
                throw CatalogError(.conflict, "dataset '\(space.datasetID)' has a space named '\(space.name)'")
            }
            let settings = String(decoding: try JSONEncoder().encode(space.index), as: UTF8.self)
            try db.execute(sql: """
                INSERT INTO space (id, dataset_key, name, dimensions, metric, model, index_settings, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [space.id, datasetKey, space.name, space.dimensions, space.metric.rawValue, space.kind.modelName,
                                 settings, space.createdAt.timeIntervalSince1970])
            return try Self.fetchSpace(db, reference: space.id, datasetKey: datasetKey)
        }
    }

    public func spaces(datasetID: String) async throws -> [EmbeddingSpace] {
        try await read { db in
            let datasetKey = try Self.datasetKey(db, datasetID)
            return try String.fetchAll(db, sql: "SELECT id FROM space WHERE dataset_key = ? ORDER BY name", arguments: [datasetKey])
                .map { try Self.fetchSpace(db, reference: $0, datasetKey: datasetKey) }
        }
    }

    public func space(_ reference: String, datasetID: String) async throws -> EmbeddingSpace {
        try await read { db in try Self.fetchSpace(db, reference: reference, datasetKey: try Self.datasetKey(db, datasetID)) }
    }

    public func deleteSpace(id: String) async throws {
        try await write { db in
            let space = try Self.spaceKey(db, id)
            try Self.deleteVectorRange(db, spaceKey: space.key)
            try db.execute(sql: "DELETE FROM space WHERE key = ?", arguments: [space.key])
        }
    }

    static func fetchSpace(_ db: Database, reference: String, datasetKey: Int64) throws -> EmbeddingSpace {
        let sql = """
            SELECT s.id, d.id AS dataset_id, s.name, s.dimensions, s.metric, s.model, s.index_settings, s.vector_count,
                   s.generation, s.created_at
            FROM space s JOIN dataset d ON d.key = s.dataset_key WHERE s.dataset_key = ? AND s.
            """
        guard let row = try Row.fetchOne(db, sql: sql + "id = ?", arguments: [datasetKey, reference])
                ?? Row.fetchOne(db, sql: sql + "name = ?", arguments: [datasetKey, reference]) else {
            throw CatalogError.notFound("space", reference)
        }
        let model: String? = row["model"]
        let settings = (try? JSONDecoder().decode(IndexSettings.self, from: Data((row["index_settings"] as String).utf8))) ?? IndexSettings()
        return EmbeddingSpace(id: row["id"], datasetID: row["dataset_id"], name: row["name"], dimensions: row["dimensions"],
                              metric: Metric(rawValue: row["metric"]) ?? .cosine, kind: model.map(SpaceKind.model) ?? .custom,
                              index: settings, vectorCount: row["vector_count"], generation: row["generation"],
                              createdAt: Date(timeIntervalSince1970: row["created_at"]))
    }

    /// The rowid range of a space's vectors.
    static func vectorKeys(_ spaceKey: Int64) -> ClosedRange<Int64> { (spaceKey << 32)...((spaceKey << 32) | 0xFFFF_FFFF) }

    static func deleteVectorRange(_ db: Database, spaceKey: Int64) throws {
        let keys = vectorKeys(spaceKey)
        try db.execute(sql: "DELETE FROM vector WHERE key BETWEEN ? AND ?", arguments: [keys.lowerBound, keys.upperBound])
    }

    // MARK: Vectors

    public func putVectors(spaceID: String, slots: [UInt32], vectors: [Float]) async throws -> (added: Int, generation: Int) {
        try await write { db in
            let space = try Self.spaceKey(db, spaceID)
            guard vectors.count == slots.count * space.dimensions else {
                throw CatalogError(.dimensionMismatch, "\(vectors.count) values for \(slots.count) vectors of \(space.dimensions) dimensions")
            }
            let added = try Self.insertVectors(db, spaceKey: space.key, dimensions: space.dimensions, slots: slots, vectors: vectors)
            try db.execute(sql: "UPDATE space SET vector_count = vector_count + ?, generation = generation + 1 WHERE key = ?",
                           arguments: [added, space.key])
            let generation = try Int.fetchOne(db, sql: "SELECT generation FROM space WHERE key = ?", arguments: [space.key]) ?? 0
            return (added, generation)
        }
    }

    /// Inserts or replaces vectors through SQLite's C API with two prepared statements (no
    /// per-vector allocation): an INSERT, and an UPDATE where the key exists.
    /// - Returns: how many keys were new.
    static func insertVectors(_ db: Database, spaceKey: Int64, dimensions: Int, slots: [UInt32], vectors: [Float]) throws -> Int {
        let insert = try db.cachedStatement(sql: "INSERT INTO vector (key, data) VALUES (?, ?)")
        let update = try db.cachedStatement(sql: "UPDATE vector SET data = ? WHERE key = ?")
        let bytes = Int32(dimensions * MemoryLayout<Float>.size)
        var added = 0
        try vectors.withUnsafeBytes { raw in
            guard let base = raw.baseAddress else { return }
            for (row, slot) in slots.enumerated() {
                let key = spaceKey << 32 | Int64(slot)
                let data = base + row * Int(bytes)
                let statement = insert.sqliteStatement
                sqlite3_bind_int64(statement, 1, key)
                sqlite3_bind_blob(statement, 2, data, bytes, nil)
                var code = sqlite3_step(statement)
                sqlite3_reset(statement)
                if code == SQLITE_DONE {
                    added += 1
                    continue
                }
                guard code & 0xFF == SQLITE_CONSTRAINT else { throw databaseError(db, code: code) }
                let replace = update.sqliteStatement
                sqlite3_bind_blob(replace, 1, data, bytes, nil)
                sqlite3_bind_int64(replace, 2, key)
                code = sqlite3_step(replace)
                sqlite3_reset(replace)
                guard code == SQLITE_DONE else { throw databaseError(db, code: code) }
            }
        }
        sqlite3_clear_bindings(insert.sqliteStatement)
        sqlite3_clear_bindings(update.sqliteStatement)
        return added
    }

    private static func databaseError(_ db: Database, code: Int32) -> CatalogError {
        CatalogError(.storage, "storing a vector failed: \(db.lastErrorMessage ?? "SQLite error \(code)")")
    }

    public func deleteVectors(spaceID: String, slots: [UInt32]) async throws -> Int {
        try await write { db in
            let space = try Self.spaceKey(db, spaceID)
            try db.execute(sql: "DELETE FROM vector WHERE key IN (SELECT (? << 32) | value FROM json_each(?))",
                           arguments: [space.key, jsonArray(slots)])
            let removed = db.changesCount
            try db.execute(sql: "UPDATE space SET vector_count = vector_count - ?, generation = generation + 1 WHERE key = ?",
                           arguments: [removed, space.key])
            return removed
        }
    }

    public func vectors(spaceID: String, slots: [UInt32]) async throws -> [UInt32: [Float]] {
        try await read { db in
            let space = try Self.spaceKey(db, spaceID)
            var result: [UInt32: [Float]] = [:]
            let rows = try Row.fetchCursor(db, sql: """
                SELECT key, data FROM vector WHERE key IN (SELECT (? << 32) | value FROM json_each(?))
                """, arguments: [space.key, jsonArray(slots)])
            while let row = try rows.next() {
                let data: Data = row[1]
                result[UInt32(truncatingIfNeeded: row[0] as Int64)] = Self.floats(data, dimensions: space.dimensions)
            }
            return result
        }
    }

    public func vectorBatch(spaceID: String, after: UInt32?, limit: Int) async throws -> (slots: [UInt32], vectors: [Float]) {
        try await read { db in
            let space = try Self.spaceKey(db, spaceID)
            let keys = Self.vectorKeys(space.key)
            let first = after.map { keys.lowerBound + Int64($0) + 1 } ?? keys.lowerBound
            let statement = try db.cachedStatement(sql: "SELECT key, data FROM vector WHERE key BETWEEN ? AND ? ORDER BY key LIMIT ?")
            try statement.setArguments([first, keys.upperBound, limit])
            var slots: [UInt32] = []
            var vectors: [Float] = []
            slots.reserveCapacity(limit)
            vectors.reserveCapacity(limit * space.dimensions)
            let raw = statement.sqliteStatement
            let bytes = space.dimensions * MemoryLayout<Float>.size
            defer { sqlite3_reset(raw) }
            while true {
                let code = sqlite3_step(raw)
                if code == SQLITE_DONE { break }
                guard code == SQLITE_ROW else { throw Self.databaseError(db, code: code) }
                guard Int(sqlite3_column_bytes(raw, 1)) == bytes, let blob = sqlite3_column_blob(raw, 1) else {
                    throw CatalogError(.corruptData, "a stored vector of space \(spaceID) has \(sqlite3_column_bytes(raw, 1)) bytes; expected \(bytes)")
                }
                slots.append(UInt32(truncatingIfNeeded: sqlite3_column_int64(raw, 0)))
                vectors.append(contentsOf: UnsafeBufferPointer(start: blob.assumingMemoryBound(to: Float.self), count: space.dimensions))
            }
            return (slots, vectors)
        }
    }

    /// A blob's floats (little-endian Float32, as this machine stores them).
    static func floats(_ data: Data, dimensions: Int) -> [Float]? {
        guard data.count == dimensions * MemoryLayout<Float>.size else { return nil }
        return data.withUnsafeBytes { raw in Array(raw.bindMemory(to: Float.self)) }
    }

    public func slotsLackingVectors(spaceID: String, mediaTypes: Set<MediaType>, after: UInt32?, limit: Int) async throws -> [UInt32] {
        try await read { db in
            let space = try Self.spaceKey(db, spaceID)
            return try Int64.fetchAll(db, sql: """
                SELECT r.slot FROM data_row r
                WHERE r.dataset_key = ? AND r.slot > ? AND r.media_type IN (SELECT value FROM json_each(?))
                    AND NOT EXISTS (SELECT 1 FROM vector v WHERE v.key = (? << 32) | r.slot)
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
                WHERE r.dataset_key = ? AND r.media_type IN (SELECT value FROM json_each(?))
                    AND NOT EXISTS (SELECT 1 FROM vector v WHERE v.key = (? << 32) | r.slot)
                """, arguments: [space.dataset, jsonArray(mediaTypes.map(\.rawValue)), space.key]) ?? 0
        }
    }
}
