import Foundation
import GRDB

extension SQLiteStore {
    public func createDataset(_ dataset: NewDataset, id: String, createdAt: Date) async throws -> Dataset {
        try await write { db in
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM dataset WHERE id = ? OR name = ?", arguments: [id, dataset.name]) == true {
                throw CatalogError(.conflict, "a dataset with id '\(id)' or name '\(dataset.name)' exists")
            }
            try db.execute(sql: "INSERT INTO dataset (id, name, description, created_at) VALUES (?, ?, ?, ?)",
                           arguments: [id, dataset.name, dataset.description, createdAt.timeIntervalSince1970])
            try Self.insertFields(db, datasetKey: db.lastInsertedRowID, fields: dataset.fields)
            return try Self.fetchDataset(db, reference: id)
        }
    }

    public func datasets() async throws -> [Dataset] {
        try await read { db in
            try String.fetchAll(db, sql: "SELECT id FROM dataset ORDER BY name").map { try Self.fetchDataset(db, reference: $0) }
        }
    }

    public func dataset(_ reference: String) async throws -> Dataset {
        try await read { db in try Self.fetchDataset(db, reference: reference) }
    }

    public func deleteDataset(id: String) async throws {
        let files = try await write { db in
            let key = try Self.datasetKey(db, id)
            let files = try String.fetchAll(db, sql: "SELECT vector_file FROM space WHERE dataset_key = ?", arguments: [key])
            // Cascades to spaces and their vector blocks.
            try db.execute(sql: "DELETE FROM dataset WHERE key = ?", arguments: [key])
            return files
        }
        // After the commit: a crash before this leaves files that the next open removes.
        for file in files { vectorFiles.remove(file) }
    }

    public func addFields(_ fields: [FieldSchema], datasetID: String) async throws {
        try await write { db in
            try Self.insertFields(db, datasetKey: try Self.datasetKey(db, datasetID), fields: fields)
        }
    }

    /// Adds fields not yet in the schema, after the existing ones.
    static func insertFields(_ db: Database, datasetKey: Int64, fields: [FieldSchema]) throws {
        var position = try Int.fetchOne(db, sql: "SELECT coalesce(max(position) + 1, 0) FROM field WHERE dataset_key = ?",
                                        arguments: [datasetKey]) ?? 0
        for field in fields {
            try db.execute(sql: "INSERT OR IGNORE INTO field (dataset_key, position, name, type, allowed) VALUES (?, ?, ?, ?, ?)",
                           arguments: [datasetKey, position, field.name, field.type.rawValue, jsonArray(field.allowedValues)])
            position += 1
        }
    }

    static func fetchDataset(_ db: Database, reference: String) throws -> Dataset {
        let sql = "SELECT key, id, name, description, created_at, row_count FROM dataset WHERE id = ?"
        guard let row = try Row.fetchOne(db, sql: sql, arguments: [reference])
                ?? Row.fetchOne(db, sql: sql.replacingOccurrences(of: "WHERE id", with: "WHERE name"), arguments: [reference]) else {
            throw CatalogError.notFound("dataset", reference)
        }
        return Dataset(id: row["id"], name: row["name"], description: row["description"],
                       createdAt: Date(timeIntervalSince1970: row["created_at"]), rowCount: row["row_count"],
                       fields: try fetchFields(db, datasetKey: row["key"]))
    }

    static func fetchFields(_ db: Database, datasetKey: Int64) throws -> [FieldSchema] {
        try Row.fetchAll(db, sql: "SELECT name, type, allowed FROM field WHERE dataset_key = ? ORDER BY position",
                         arguments: [datasetKey]).map { row in
            let allowed = (try? JSONDecoder().decode([String].self, from: Data((row["allowed"] as String).utf8))) ?? []
            return FieldSchema(name: row["name"], type: FieldType(rawValue: row["type"]) ?? .string, allowedValues: allowed)
        }
    }
}
