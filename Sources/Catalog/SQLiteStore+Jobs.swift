import Foundation
import GRDB

extension SQLiteStore {
    public func createJob(_ job: Job) async throws -> Job {
        try await write { db in
            try db.execute(sql: """
                INSERT INTO job (id, kind, dataset_id, space_id, state, done, total, failed_items, error, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [job.id, job.kind.rawValue, job.datasetID, job.spaceID, job.state.rawValue, job.done, job.total,
                                 job.failedItems, job.error, job.createdAt.timeIntervalSince1970, job.updatedAt.timeIntervalSince1970])
            return job
        }
    }

    public func job(id: String) async throws -> Job {
        try await read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM job WHERE id = ?", arguments: [id]) else { throw CatalogError.notFound("job", id) }
            return try Self.job(from: row)
        }
    }

    public func jobs(states: Set<Job.State>?) async throws -> [Job] {
        try await read { db in
            let all = states == nil
            return try Row.fetchAll(db, sql: """
                SELECT * FROM job WHERE ? OR state IN (SELECT value FROM json_each(?)) ORDER BY created_at DESC, id
                """, arguments: [all, jsonArray((states ?? []).map(\.rawValue))]).map(Self.job(from:))
        }
    }

    public func updateJob(_ job: Job) async throws {
        try await write { db in
            try db.execute(sql: """
                UPDATE job SET state = ?, done = ?, total = ?, failed_items = ?, error = ?, updated_at = ? WHERE id = ?
                """, arguments: [job.state.rawValue, job.done, job.total, job.failedItems, job.error,
                                 job.updatedAt.timeIntervalSince1970, job.id])
        }
    }

    public func putJobResult(jobID: String, result: Data) async throws {
        try await write { db in
            try db.execute(sql: "INSERT OR REPLACE INTO job_result (job_id, result) VALUES (?, ?)", arguments: [jobID, result])
        }
    }

    public func jobResult(jobID: String) async throws -> Data? {
        try await read { db in try Data.fetchOne(db, sql: "SELECT result FROM job_result WHERE job_id = ?", arguments: [jobID]) }
    }

    /// `jobs-v2-results`: what finished jobs produced, one JSON document a job.
    static func registerJobResultsMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("jobs-v2-results") { db in
            try db.execute(sql: """
                CREATE TABLE job_result (
                    job_id TEXT PRIMARY KEY REFERENCES job(id) ON DELETE CASCADE,
                    result BLOB NOT NULL
                )
                """)
        }
    }

    private static func job(from row: Row) throws -> Job {
        guard let kind = Job.Kind(rawValue: row["kind"]), let state = Job.State(rawValue: row["state"]) else {
            throw CatalogError(.corruptData, "job \(row["id"] as String) has an unknown kind or state")
        }
        return Job(id: row["id"], kind: kind, datasetID: row["dataset_id"], spaceID: row["space_id"], state: state, done: row["done"],
                   total: row["total"], failedItems: row["failed_items"], error: row["error"],
                   createdAt: Date(timeIntervalSince1970: row["created_at"]), updatedAt: Date(timeIntervalSince1970: row["updated_at"]))
    }
}
