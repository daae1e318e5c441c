import Foundation
import GRDB

extension SQLiteStore {
    // MARK: Slices

    public func createSlice(_ slice: Slice) async throws -> Slice {
        try await write { db in
            let datasetKey = try Self.datasetKey(db, slice.datasetID)
            let filter = String(decoding: try JSONEncoder().encode(slice.filter), as: UTF8.self)
            try db.execute(sql: "INSERT INTO slice (id, dataset_key, name, filter, created_at) VALUES (?, ?, ?, ?, ?)",
                           arguments: [slice.id, datasetKey, slice.name, filter, slice.createdAt.timeIntervalSince1970])
            return slice
        }
    }

    public func slices(datasetID: String) async throws -> [Slice] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT id, name, filter, created_at FROM slice WHERE dataset_key = ? ORDER BY name, id",
                             arguments: [try Self.datasetKey(db, datasetID)]).map { try Self.slice(from: $0, datasetID: datasetID) }
        }
    }

    public func slice(id: String, datasetID: String) async throws -> Slice {
        try await read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT id, name, filter, created_at FROM slice WHERE dataset_key = ? AND id = ?",
                                             arguments: [try Self.datasetKey(db, datasetID), id]) else {
                throw CatalogError.notFound("slice", id)
            }
            return try Self.slice(from: row, datasetID: datasetID)
        }
    }

    private static func slice(from row: Row, datasetID: String) throws -> Slice {
        let filter: RowFilter
        do {
            filter = try JSONDecoder().decode(RowFilter.self, from: Data((row["filter"] as String).utf8))
        } catch {
            throw CatalogError(.corruptData, "slice \(row["id"] as String) holds a filter that cannot be read", underlying: error)
        }
        return Slice(id: row["id"], datasetID: datasetID, name: row["name"], filter: filter,
                     createdAt: Date(timeIntervalSince1970: row["created_at"]))
    }

    public func deleteSlice(id: String, datasetID: String) async throws {
        try await write { db in
            try db.execute(sql: "DELETE FROM slice WHERE dataset_key = ? AND id = ?", arguments: [try Self.datasetKey(db, datasetID), id])
            guard db.changesCount > 0 else { throw CatalogError.notFound("slice", id) }
        }
    }

    // MARK: Selections

    public func createSelection(_ selection: Selection) async throws -> Selection {
        try await write { db in
            let datasetKey = try Self.datasetKey(db, selection.datasetID)
            try db.execute(sql: "INSERT INTO selection (id, dataset_key, name, created_at) VALUES (?, ?, ?, ?)",
                           arguments: [selection.id, datasetKey, selection.name, selection.createdAt.timeIntervalSince1970])
            try Self.addSelectionRows(db, selectionKey: db.lastInsertedRowID, datasetKey: datasetKey, rowIDs: selection.rowIDs)
            return try Self.fetchSelection(db, id: selection.id, datasetKey: datasetKey, datasetID: selection.datasetID)
        }
    }

    public func selections(datasetID: String) async throws -> [Selection] {
        try await read { db in
            let datasetKey = try Self.datasetKey(db, datasetID)
            return try String.fetchAll(db, sql: "SELECT id FROM selection WHERE dataset_key = ? ORDER BY name, id", arguments: [datasetKey])
                .map { try Self.fetchSelection(db, id: $0, datasetKey: datasetKey, datasetID: datasetID) }
        }
    }

    public func selection(id: String, datasetID: String) async throws -> Selection {
        try await read { db in try Self.fetchSelection(db, id: id, datasetKey: try Self.datasetKey(db, datasetID), datasetID: datasetID) }
    }

    public func updateSelection(id: String, datasetID: String, adding: [String], removing: [String]) async throws -> Selection {
        try await write { db in
            let datasetKey = try Self.datasetKey(db, datasetID)
            guard let key = try Int64.fetchOne(db, sql: "SELECT key FROM selection WHERE dataset_key = ? AND id = ?", arguments: [datasetKey, id]) else {
                throw CatalogError.notFound("selection", id)
            }
            try db.execute(sql: """
                DELETE FROM selection_row WHERE selection_key = ? AND slot IN
                    (SELECT slot FROM data_row WHERE dataset_key = ? AND id IN (SELECT value FROM json_each(?)))
                """, arguments: [key, datasetKey, jsonArray(removing)])
            try Self.addSelectionRows(db, selectionKey: key, datasetKey: datasetKey, rowIDs: adding)
            return try Self.fetchSelection(db, id: id, datasetKey: datasetKey, datasetID: datasetID)
        }
    }

    public func deleteSelection(id: String, datasetID: String) async throws {
        try await write { db in
            try db.execute(sql: "DELETE FROM selection WHERE dataset_key = ? AND id = ?", arguments: [try Self.datasetKey(db, datasetID), id])
            guard db.changesCount > 0 else { throw CatalogError.notFound("selection", id) }
        }
    }

    /// Appends rows after the selection's last position; rows already in it stay where they are.
    /// - Throws: `notFound` naming up to five unknown row ids.
    private static func addSelectionRows(_ db: Database, selectionKey: Int64, datasetKey: Int64, rowIDs: [String]) throws {
        guard !rowIDs.isEmpty else { return }
        var position = try Int64.fetchOne(db, sql: "SELECT coalesce(max(position) + 1, 0) FROM selection_row WHERE selection_key = ?",
                                          arguments: [selectionKey]) ?? 0
        let find = try db.cachedStatement(sql: "SELECT slot FROM data_row WHERE dataset_key = ? AND id = ?")
        let insert = try db.cachedStatement(sql: "INSERT OR IGNORE INTO selection_row (selection_key, position, slot) VALUES (?, ?, ?)")
        var missing: [String] = []
        for id in rowIDs {
            guard let slot = try Int64.fetchOne(find, arguments: [datasetKey, id]) else {
                missing.append(id)
                continue
            }
            try insert.execute(arguments: [selectionKey, position, slot])
            position += 1
        }
        if !missing.isEmpty {
            throw CatalogError(.notFound, "\(missing.count) row id(s) do not exist: \(missing.prefix(5).map { "'\($0)'" }.joined(separator: ", "))")
        }
    }

    private static func fetchSelection(_ db: Database, id: String, datasetKey: Int64, datasetID: String) throws -> Selection {
        guard let row = try Row.fetchOne(db, sql: "SELECT key, name, created_at FROM selection WHERE dataset_key = ? AND id = ?",
                                         arguments: [datasetKey, id]) else {
            throw CatalogError.notFound("selection", id)
        }
        let rowIDs = try String.fetchAll(db, sql: """
            SELECT r.id FROM selection_row s JOIN data_row r ON r.dataset_key = ? AND r.slot = s.slot
            WHERE s.selection_key = ? ORDER BY s.position
            """, arguments: [datasetKey, row["key"] as Int64])
        return Selection(id: id, datasetID: datasetID, name: row["name"], rowIDs: rowIDs, createdAt: Date(timeIntervalSince1970: row["created_at"]))
    }
}
