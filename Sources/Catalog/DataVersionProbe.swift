import GRDBSQLite
import Synchronization

/// SQLite's `PRAGMA data_version` on a read-only connection of its own: a number that changes
/// whenever another connection — this process's writer or any other process — commits to the
/// database file. Asking costs one prepared statement step on the calling thread (no hop to
/// GRDB's queues), so the search path can ask on every request and keep what it resolved while
/// nothing changed.
final class DataVersionProbe: Sendable {
    /// The connection and its prepared statement, used by one caller at a time.
    private struct Handles {
        var database: OpaquePointer?
        var statement: OpaquePointer?
    }

    // Mutex is Sendable for any value: it hands the handles to one caller at a time.
    private let handles: Mutex<Handles>

    /// Opens `path` read-only, or returns nil when it cannot (callers then read the store).
    init?(path: String) {
        var database: OpaquePointer?
        guard sqlite3_open_v2(path, &database, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nil) == SQLITE_OK else {
            sqlite3_close_v2(database)
            return nil
        }
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(database, "PRAGMA data_version", -1, &statement, nil) == SQLITE_OK else {
            sqlite3_finalize(statement)
            sqlite3_close_v2(database)
            return nil
        }
        handles = Mutex(Handles(database: database, statement: statement))
    }

    deinit {
        handles.withLock { handles in
            sqlite3_finalize(handles.statement)
            sqlite3_close_v2(handles.database)
        }
    }

    /// The current data version, or nil when SQLite could not tell (a busy or damaged file).
    func version() -> Int64? {
        handles.withLock { handles in
            guard let statement = handles.statement else { return nil }
            // Reset at once: a statement left stepped would hold a read transaction open and keep
            // checkpoints from resetting the WAL.
            defer { sqlite3_reset(statement) }
            guard sqlite3_step(statement) == SQLITE_ROW else { return nil }
            return sqlite3_column_int64(statement, 0)
        }
    }
}
