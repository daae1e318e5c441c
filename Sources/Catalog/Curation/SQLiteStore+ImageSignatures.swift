import Foundation
import GRDB

extension SQLiteStore {
    /// The cache of image signatures, one per image row that near-duplicate search has read.
    /// Deleting a row (or its dataset) removes its signature.
    static func registerImageSignatureMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("image-signatures-v1") { db in
            try db.execute(sql: """
                CREATE TABLE image_signature (
                    dataset_key INTEGER NOT NULL REFERENCES dataset(key) ON DELETE CASCADE,
                    slot INTEGER NOT NULL,
                    file TEXT NOT NULL,
                    file_size INTEGER NOT NULL,
                    modified_ns INTEGER NOT NULL,
                    -- The pHash's 64 bits as a signed integer.
                    perceptual_hash INTEGER NOT NULL,
                    thumbnail_side INTEGER NOT NULL,
                    thumbnail BLOB NOT NULL,
                    PRIMARY KEY (dataset_key, slot)
                ) WITHOUT ROWID;
                CREATE TRIGGER data_row_image_signature_delete AFTER DELETE ON data_row BEGIN
                    DELETE FROM image_signature WHERE dataset_key = OLD.dataset_key AND slot = OLD.slot;
                END;
                """)
        }
    }

    public func imageSignatures(datasetID: String, slots: [UInt32]) async throws -> [UInt32: ImageSignature] {
        guard !slots.isEmpty else { return [:] }
        return try await read { db in
            let datasetKey = try Self.datasetKey(db, datasetID)
            var found: [UInt32: ImageSignature] = [:]
            let cursor = try Row.fetchCursor(db, sql: """
                SELECT slot, file, file_size, modified_ns, perceptual_hash, thumbnail_side, thumbnail FROM image_signature
                WHERE dataset_key = ? AND slot IN (SELECT value FROM json_each(?))
                """, arguments: [datasetKey, jsonArray(slots)])
            while let row = try cursor.next() {
                let side: Int = row[5]
                let thumbnail: Data = row[6]
                // A thumbnail of the wrong size is not a signature: the file is read again.
                guard side > 0, thumbnail.count == side * side else { continue }
                found[UInt32(row[0] as Int64)] = ImageSignature(file: row[1], fileSize: row[2], modified: row[3],
                                                                perceptualHash: UInt64(bitPattern: row[4] as Int64),
                                                                thumbnailSide: side, thumbnail: [UInt8](thumbnail))
            }
            return found
        }
    }

    public func putImageSignatures(datasetID: String, _ signatures: [(slot: UInt32, signature: ImageSignature)]) async throws {
        guard !signatures.isEmpty else { return }
        try await write { db in
            let datasetKey = try Self.datasetKey(db, datasetID)
            let statement = try db.cachedStatement(sql: """
                INSERT OR REPLACE INTO image_signature (dataset_key, slot, file, file_size, modified_ns, perceptual_hash, thumbnail_side, thumbnail)
                SELECT ?, ?, ?, ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM data_row WHERE dataset_key = ? AND slot = ?)
                """)
            for (slot, signature) in signatures {
                try statement.execute(arguments: [datasetKey, Int64(slot), signature.file, signature.fileSize, signature.modified,
                                                  Int64(bitPattern: signature.perceptualHash), signature.thumbnailSide,
                                                  Data(signature.thumbnail), datasetKey, Int64(slot)])
            }
        }
    }
}
