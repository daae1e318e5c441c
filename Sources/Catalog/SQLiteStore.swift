import Foundation
import GRDB
import GRDBSQLite

/// The catalog's store in one SQLite database through GRDB.
///
/// - Concurrency: a `DatabasePool` in WAL mode — one writer connection, several readers that
///   run concurrently with it and with each other; every public method is `async` and runs its
///   SQL on GRDB's connection queues.
/// - Durability: commits are `synchronous = NORMAL` (in WAL mode a commit is in the operating
///   system when it returns, so it survives `kill -9`); `sync(.powerLoss)` then commits an empty
///   transaction under `synchronous = FULL`, whose fsync of the WAL file carries every earlier
///   frame to the disk.
/// - Schema: `SQLiteStore+Schema.swift`, migrated with `DatabaseMigrator` at open.
/// - Vectors: not in the database. Their bytes live in two slot-addressed *plane* files per
///   space in the folder `<path>-vectors` (`VectorFiles`), written once (no WAL copy, no
///   checkpoint copy); `vector_block` records, 64 slots a row, which slots have a vector and
///   which plane holds it. A replacement goes to the other plane and a commit flips the bit, so
///   readers see SQLite's snapshot of the state and bytes that do not change under them, and
///   vector commits are durable on return (`SQLiteStore+Vectors.swift` says how).
public final class SQLiteStore: Store {
    let database: any DatabaseWriter
    /// The vectors' plane files.
    let vectorFiles: VectorFiles
    /// Tells whether anything was committed since (nil for the in-memory store, whose one
    /// connection sees no other).
    private let versionProbe: DataVersionProbe?

    /// Opens or creates the database file at `path` (WAL mode) with its vector folder
    /// `<path>-vectors`, and migrates it (moving vectors out of a version-1 database's `vector`
    /// table into plane files).
    /// - Throws: `storage` naming the file when it cannot be opened or migrated; `io` when the
    ///   vector folder cannot be created.
    public init(path: String) throws {
        do {
            database = try DatabasePool(path: path, configuration: Self.configuration())
        } catch {
            throw CatalogError(.storage, "cannot open the catalog database '\(path)'", underlying: error)
        }
        vectorFiles = try VectorFiles(databasePath: path)
        versionProbe = DataVersionProbe(path: path)  // the pool made the file, WAL and all
        try migrate()
    }

    /// A store in memory (for tests): one connection, gone when the store is; its vector files
    /// are in a temporary folder removed with it.
    public init() throws {
        do {
            database = try DatabaseQueue(configuration: Self.configuration())
        } catch {
            throw CatalogError(.storage, "cannot open an in-memory database", underlying: error)
        }
        vectorFiles = try VectorFiles()
        versionProbe = nil
        try migrate()
    }

    private static func configuration() -> Configuration {
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(30)
        configuration.maximumReaderCount = 4
        configuration.prepareDatabase { db in
            // Takes effect only when the file is created (before WAL is set up).
            try db.execute(sql: "PRAGMA page_size = 65536")
            // 16 MiB of page cache per connection (one writer, up to four readers): a served space's
            // memory is its index, not copies of the vectors table in five caches.
            try db.execute(sql: "PRAGMA cache_size = -16384")
            // 4096 pages of 64 KiB: a checkpoint every 256 MiB of WAL.
            try db.execute(sql: "PRAGMA wal_autocheckpoint = 4096")
        }
        return configuration
    }

    private func migrate() throws {
        do {
            try Self.migrator(vectorFiles: vectorFiles).migrate(database)
            // Files of spaces deleted just before a crash.
            try vectorFiles.removeFiles { Set(try database.read { db in try String.fetchAll(db, sql: "SELECT vector_file FROM space") }) }
        } catch let error as CatalogError {
            throw error
        } catch {
            throw CatalogError(.storage, "cannot migrate the catalog database to the current schema", underlying: error)
        }
    }

    /// SQLite's data version of the file, as a connection of its own sees it: it changes with
    /// every commit by this process's writer or by another process.
    public func changeToken() -> Int64? { versionProbe?.version() }

    // MARK: Running SQL

    /// Runs `body` in a write transaction; SQLite errors become `storage` errors.
    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await Self.mappingErrors { try await database.write(body) }
    }

    /// Runs `body` on a reader; SQLite errors become `storage` errors.
    func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await Self.mappingErrors { try await database.read(body) }
    }

    /// Passes catalog errors and cancellation through and turns anything else into `storage`.
    static func mappingErrors<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as CatalogError {
            throw error
        } catch let error as CancellationError {
            throw error
        } catch {
            throw storageError(error)
        }
    }

    static func storageError(_ error: any Error) -> CatalogError {
        if let error = error as? DatabaseError {
            return CatalogError(.storage, "the database failed: \(error.message ?? "SQLite error \(error.resultCode)")", underlying: error)
        }
        return CatalogError(.storage, "the database failed: \(error)", underlying: error)
    }

    public func sync(_ durability: Durability) async throws {
        guard durability == .powerLoss else { return }
        try await database.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            defer { try? db.execute(sql: "PRAGMA synchronous = NORMAL") }
            try db.inTransaction(.immediate) {
                try db.execute(sql: "UPDATE store_info SET synced_at = ?", arguments: [Date().timeIntervalSince1970])
                return .commit
            }
        }
    }

    // MARK: Keys

    /// The integer key of a dataset by id or, failing that, by name (every method that takes a
    /// dataset id also takes its name).
    static func datasetKey(_ db: Database, _ reference: String) throws -> Int64 {
        let statement = try db.cachedStatement(sql: """
            SELECT key FROM dataset WHERE id = ?1 UNION ALL SELECT key FROM dataset WHERE name = ?1 LIMIT 1
            """)
        guard let key = try Int64.fetchOne(statement, arguments: [reference]) else {
            throw CatalogError.notFound("dataset", reference)
        }
        return key
    }

    /// The integer key and dimensions of a space id.
    static func spaceKey(_ db: Database, _ id: String) throws -> (key: Int64, dataset: Int64, dimensions: Int) {
        guard let row = try Row.fetchOne(db, sql: "SELECT key, dataset_key, dimensions FROM space WHERE id = ?", arguments: [id]) else {
            throw CatalogError.notFound("space", id)
        }
        return (row[0], row[1], row[2])
    }

    /// The slot of a row id.
    static func slot(_ db: Database, datasetKey: Int64, rowID: String) throws -> UInt32 {
        guard let slot = try Int64.fetchOne(db, sql: "SELECT slot FROM data_row WHERE dataset_key = ? AND id = ?",
                                            arguments: [datasetKey, rowID]) else {
            throw CatalogError.notFound("row", rowID)
        }
        return UInt32(slot)
    }
}

/// A list of values as one JSON array argument, for `IN (SELECT value FROM json_each(?))`.
func jsonArray<S: Sequence>(_ values: S) -> String where S.Element: Encodable {
    (try? String(decoding: JSONEncoder().encode(Array(values)), as: UTF8.self)) ?? "[]"
}

/// Slots as one JSON array argument, written directly (search pages pass one per request).
func jsonArray(_ slots: [UInt32]) -> String {
    "[" + slots.map { String($0) }.joined(separator: ",") + "]"
}

extension SQLiteStore {
    /// SQLite's `PRAGMA integrity_check`: `["ok"]` for a sound file, else the problems found.
    public func integrityCheck() async throws -> [String] {
        try await read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") }
    }
}
