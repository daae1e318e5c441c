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
                INSERT INTO space (id, dataset_key, name, dimensions, metric, model, index_settings, created_at, vector_file)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [space.id, datasetKey, space.name, space.dimensions, space.metric.rawValue, space.kind.modelName,
                                 settings, space.createdAt.timeIntervalSince1970, Identifiers.make()])
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
        let file = try await write { db in
            let space = try Self.vectorSpace(db, id)
            try db.execute(sql: "DELETE FROM space WHERE key = ?", arguments: [space.key])
            return space.fileName
        }
        // After the commit: a crash before this leaves files that the next open removes.
        vectorFiles.remove(file)
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
}
