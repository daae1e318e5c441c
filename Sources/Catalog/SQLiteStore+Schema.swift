import Foundation
import GRDB

extension SQLiteStore {
    /// The schema, one migration per released change. Never edit a migration once released;
    /// add another. `vectorFiles` is where version 2 moves the vectors of a version-1 database.
    static func migrator(vectorFiles: VectorFiles) -> DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE store_info (version INTEGER NOT NULL, synced_at REAL);
                INSERT INTO store_info (version) VALUES (1);

                CREATE TABLE dataset (
                    key INTEGER PRIMARY KEY,
                    id TEXT NOT NULL UNIQUE,
                    name TEXT NOT NULL UNIQUE,
                    description TEXT NOT NULL DEFAULT '',
                    created_at REAL NOT NULL,
                    next_slot INTEGER NOT NULL DEFAULT 0,
                    row_count INTEGER NOT NULL DEFAULT 0
                );

                CREATE TABLE field (
                    dataset_key INTEGER NOT NULL REFERENCES dataset(key) ON DELETE CASCADE,
                    position INTEGER NOT NULL,
                    name TEXT NOT NULL,
                    type TEXT NOT NULL,
                    allowed TEXT NOT NULL DEFAULT '[]',
                    PRIMARY KEY (dataset_key, name)
                ) WITHOUT ROWID;

                CREATE TABLE data_row (
                    dataset_key INTEGER NOT NULL REFERENCES dataset(key) ON DELETE CASCADE,
                    slot INTEGER NOT NULL,
                    id TEXT NOT NULL,
                    global_key TEXT,
                    row_data TEXT NOT NULL,
                    media_type TEXT NOT NULL,
                    PRIMARY KEY (dataset_key, slot)
                );
                CREATE UNIQUE INDEX data_row_id ON data_row (dataset_key, id);
                CREATE UNIQUE INDEX data_row_global_key ON data_row (dataset_key, global_key) WHERE global_key IS NOT NULL;

                CREATE TABLE row_value (
                    dataset_key INTEGER NOT NULL REFERENCES dataset(key) ON DELETE CASCADE,
                    slot INTEGER NOT NULL,
                    field TEXT NOT NULL,
                    text TEXT,
                    number REAL,
                    PRIMARY KEY (dataset_key, slot, field)
                ) WITHOUT ROWID;
                CREATE INDEX row_value_text ON row_value (dataset_key, field, text) WHERE text IS NOT NULL;
                CREATE INDEX row_value_number ON row_value (dataset_key, field, number) WHERE number IS NOT NULL;

                CREATE TABLE label (
                    dataset_key INTEGER NOT NULL REFERENCES dataset(key) ON DELETE CASCADE,
                    slot INTEGER NOT NULL,
                    kind TEXT NOT NULL,
                    class TEXT NOT NULL,
                    confidence REAL,
                    source TEXT,
                    PRIMARY KEY (dataset_key, slot, kind, class)
                ) WITHOUT ROWID;
                CREATE INDEX label_class ON label (dataset_key, class, kind);

                CREATE TABLE metric (
                    dataset_key INTEGER NOT NULL REFERENCES dataset(key) ON DELETE CASCADE,
                    slot INTEGER NOT NULL,
                    name TEXT NOT NULL,
                    class TEXT NOT NULL DEFAULT '',
                    value REAL NOT NULL,
                    PRIMARY KEY (dataset_key, slot, name, class)
                ) WITHOUT ROWID;
                CREATE INDEX metric_value ON metric (dataset_key, name, class, value);

                CREATE TABLE space (
                    key INTEGER PRIMARY KEY,
                    id TEXT NOT NULL UNIQUE,
                    dataset_key INTEGER NOT NULL REFERENCES dataset(key) ON DELETE CASCADE,
                    name TEXT NOT NULL,
                    dimensions INTEGER NOT NULL,
                    metric TEXT NOT NULL,
                    model TEXT,
                    index_settings TEXT NOT NULL,
                    vector_count INTEGER NOT NULL DEFAULT 0,
                    generation INTEGER NOT NULL DEFAULT 0,
                    created_at REAL NOT NULL,
                    UNIQUE (dataset_key, name)
                );

                -- key = space key << 32 | row slot; data = dimensions × little-endian Float32.
                CREATE TABLE vector (key INTEGER PRIMARY KEY, data BLOB NOT NULL);

                CREATE TABLE slice (
                    id TEXT PRIMARY KEY,
                    dataset_key INTEGER NOT NULL REFERENCES dataset(key) ON DELETE CASCADE,
                    name TEXT NOT NULL,
                    filter TEXT NOT NULL,
                    created_at REAL NOT NULL
                );

                CREATE TABLE selection (
                    key INTEGER PRIMARY KEY,
                    id TEXT NOT NULL UNIQUE,
                    dataset_key INTEGER NOT NULL REFERENCES dataset(key) ON DELETE CASCADE,
                    name TEXT NOT NULL,
                    created_at REAL NOT NULL
                );
                CREATE TABLE selection_row (
                    selection_key INTEGER NOT NULL REFERENCES selection(key) ON DELETE CASCADE,
                    position INTEGER NOT NULL,
                    slot INTEGER NOT NULL,
                    PRIMARY KEY (selection_key, slot)
                ) WITHOUT ROWID;

                CREATE TABLE job (
                    id TEXT PRIMARY KEY,
                    kind TEXT NOT NULL,
                    dataset_id TEXT NOT NULL REFERENCES dataset(id) ON DELETE CASCADE,
                    space_id TEXT,
                    state TEXT NOT NULL,
                    done INTEGER NOT NULL,
                    total INTEGER NOT NULL,
                    failed_items INTEGER NOT NULL,
                    error TEXT,
                    created_at REAL NOT NULL,
                    updated_at REAL NOT NULL
                );
                CREATE INDEX job_state ON job (state);
                """)
        }
        migrator.registerMigration("v2-vector-files") { db in
            try db.execute(sql: """
                ALTER TABLE space ADD COLUMN vector_file TEXT NOT NULL DEFAULT '';
                -- 64 slots of a space: bit i of present says slot block · 64 + i has a vector, bit i
                -- of plane that it is in plane file 1 (else 0). Both as signed 64-bit integers.
                CREATE TABLE vector_block (
                    space_key INTEGER NOT NULL REFERENCES space(key) ON DELETE CASCADE,
                    block INTEGER NOT NULL,
                    present INTEGER NOT NULL,
                    plane INTEGER NOT NULL,
                    PRIMARY KEY (space_key, block)
                ) WITHOUT ROWID;
                UPDATE store_info SET version = 2;
                """)
            try moveVectorsToFiles(db, files: vectorFiles)
            try db.execute(sql: "DROP TABLE vector")
        }
        registerCurationMigration(&migrator)
        registerJobResultsMigration(&migrator)
        registerImageSignatureMigration(&migrator)
        return migrator
    }

    /// Version 1 kept each vector as a row of `vector` (rowid `space key << 32 | slot`): gives
    /// each space its plane files and copies its vectors there in slot order, in pages of 16,384.
    /// A crash part-way rolls the migration back; the files it wrote are then unreferenced and
    /// rewritten by the next attempt.
    private static func moveVectorsToFiles(_ db: Database, files: VectorFiles) throws {
        for row in try Row.fetchAll(db, sql: "SELECT key, dimensions FROM space") {
            let space = VectorSpace(key: row[0], dimensions: row[1], fileName: Identifiers.make())
            try db.execute(sql: "UPDATE space SET vector_file = ? WHERE key = ?", arguments: [space.fileName, space.key])
            var next = space.key << 32
            let last = space.key << 32 | 0xFFFF_FFFF
            while next <= last {
                var slots: [UInt32] = []
                var values: [Float] = []
                let rows = try Row.fetchCursor(db, sql: "SELECT key, data FROM vector WHERE key BETWEEN ? AND ? ORDER BY key LIMIT 16384",
                                               arguments: [next, last])
                while let row = try rows.next() {
                    let key: Int64 = row[0]
                    let data: Data = row[1]
                    let slot = UInt32(truncatingIfNeeded: key)
                    guard data.count == space.bytesPerVector else {
                        throw CatalogError(.corruptData, "the stored vector of slot \(slot) in space \(space.key) has \(data.count) bytes; \(space.dimensions) dimensions need \(space.bytesPerVector)")
                    }
                    // Copied as bytes: a blob need not be aligned for Float.
                    let start = values.count * MemoryLayout<Float>.size
                    values.append(contentsOf: repeatElement(0, count: space.dimensions))
                    values.withUnsafeMutableBytes { out in
                        data.withUnsafeBytes { UnsafeMutableRawBufferPointer(rebasing: out[start...]).copyMemory(from: $0) }
                    }
                    slots.append(slot)
                    next = key + 1
                }
                if slots.isEmpty { break }
                _ = try writeVectors(db, space: space, slots: slots, vectors: VectorValues(values), files: files)
            }
        }
    }
}
