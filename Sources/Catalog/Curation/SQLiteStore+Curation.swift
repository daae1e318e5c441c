import Foundation
import GRDB

extension SQLiteStore {
    /// The curation tables: a clustering run and a projection run per space, the cluster and the
    /// 2-D point of each row, and curation jobs' parameters. Deleting a space (or its dataset)
    /// cascades; deleting a row removes its cluster and point (trigger).
    static func registerCurationMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("curation-v1") { db in
            try db.execute(sql: """
                CREATE TABLE clustering (
                    space_key INTEGER PRIMARY KEY REFERENCES space(key) ON DELETE CASCADE,
                    algorithm TEXT NOT NULL,
                    parameters TEXT NOT NULL,
                    cluster_count INTEGER NOT NULL,
                    dimensions INTEGER NOT NULL,
                    -- cluster_count × dimensions little-endian Float32.
                    centroids BLOB NOT NULL,
                    birth_distances TEXT NOT NULL,
                    clusters TEXT NOT NULL,
                    generation INTEGER NOT NULL,
                    assigned_since_fit INTEGER NOT NULL DEFAULT 0,
                    created_at REAL NOT NULL
                );
                CREATE TABLE cluster_member (
                    space_key INTEGER NOT NULL REFERENCES space(key) ON DELETE CASCADE,
                    slot INTEGER NOT NULL,
                    cluster INTEGER NOT NULL,
                    core_distance REAL,
                    PRIMARY KEY (space_key, slot)
                ) WITHOUT ROWID;
                CREATE INDEX cluster_member_cluster ON cluster_member (space_key, cluster);

                CREATE TABLE projection (
                    space_key INTEGER PRIMARY KEY REFERENCES space(key) ON DELETE CASCADE,
                    method TEXT NOT NULL,
                    seed INTEGER NOT NULL,
                    dimensions INTEGER NOT NULL,
                    model BLOB NOT NULL,
                    generation INTEGER NOT NULL,
                    created_at REAL NOT NULL
                );
                CREATE TABLE projection_point (
                    space_key INTEGER NOT NULL REFERENCES space(key) ON DELETE CASCADE,
                    slot INTEGER NOT NULL,
                    x REAL NOT NULL,
                    y REAL NOT NULL,
                    PRIMARY KEY (space_key, slot)
                ) WITHOUT ROWID;

                CREATE TRIGGER data_row_curation_delete AFTER DELETE ON data_row BEGIN
                    DELETE FROM cluster_member WHERE slot = OLD.slot AND space_key IN (SELECT key FROM space WHERE dataset_key = OLD.dataset_key);
                    DELETE FROM projection_point WHERE slot = OLD.slot AND space_key IN (SELECT key FROM space WHERE dataset_key = OLD.dataset_key);
                END;

                CREATE TABLE job_parameters (
                    job_id TEXT PRIMARY KEY REFERENCES job(id) ON DELETE CASCADE,
                    parameters BLOB NOT NULL
                );
                """)
        }
    }

    // MARK: Clustering

    public func putClustering(_ run: ClusteringRun, members: ClusterMembers) async throws {
        try Self.checkMembers(members)
        try await write { db in
            let space = try Self.spaceKey(db, run.spaceID)
            try db.execute(sql: "DELETE FROM cluster_member WHERE space_key = ?", arguments: [space.key])
            try db.execute(sql: """
                INSERT OR REPLACE INTO clustering (space_key, algorithm, parameters, cluster_count, dimensions, centroids, birth_distances,
                                                   clusters, generation, assigned_since_fit, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [space.key, run.algorithm, try Self.json(run.parameters), run.clusterCount, run.dimensions,
                                 Self.blob(run.centroids), try Self.json(run.birthDistances.map { $0.isFinite ? $0 : -1 }),
                                 try Self.json(run.clusters), run.generation, run.assignedSinceFit, run.createdAt.timeIntervalSince1970])
            try Self.insertMembers(db, spaceKey: space.key, members)
        }
    }

    public func clustering(spaceID: String) async throws -> ClusteringRun? {
        try await read { db -> ClusteringRun? in
            let space = try Self.spaceKey(db, spaceID)
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM clustering WHERE space_key = ?", arguments: [space.key]) else { return nil }
            let dimensions: Int = row["dimensions"], count: Int = row["cluster_count"]
            guard let centroids = Self.floats(row["centroids"], dimensions: dimensions * count) else {
                throw CatalogError(.corruptData, "the clustering of space '\(spaceID)' has centroids of the wrong size")
            }
            let births: [Double] = try Self.decode(row["birth_distances"], what: "clustering of space '\(spaceID)'")
            return ClusteringRun(
                spaceID: spaceID, algorithm: row["algorithm"],
                parameters: try Self.decode(row["parameters"], what: "clustering of space '\(spaceID)'"),
                clusterCount: count, dimensions: dimensions, centroids: centroids, birthDistances: births.map { $0 < 0 ? .infinity : $0 },
                clusters: try Self.decode(row["clusters"], what: "clustering of space '\(spaceID)'"), generation: row["generation"],
                assignedSinceFit: row["assigned_since_fit"], createdAt: Date(timeIntervalSince1970: row["created_at"]))
        }
    }

    public func addClusterMembers(spaceID: String, members: ClusterMembers, generation: Int) async throws {
        try Self.checkMembers(members)
        try await write { db in
            let space = try Self.spaceKey(db, spaceID)
            try Self.insertMembers(db, spaceKey: space.key, members)
            try db.execute(sql: """
                UPDATE clustering SET generation = ?, assigned_since_fit = assigned_since_fit + ? WHERE space_key = ?
                """, arguments: [generation, members.slots.count, space.key])
        }
    }

    public func clusterMembers(spaceID: String) async throws -> ClusterMembers {
        try await read { db in
            let space = try Self.spaceKey(db, spaceID)
            var members = ClusterMembers()
            let rows = try Row.fetchCursor(db, sql: """
                SELECT c.slot, c.cluster, c.core_distance FROM cluster_member c
                JOIN data_row r ON r.dataset_key = ? AND r.slot = c.slot WHERE c.space_key = ? ORDER BY c.slot
                """, arguments: [space.dataset, space.key])
            while let row = try rows.next() {
                members.slots.append(UInt32(row[0] as Int64))
                members.clusters.append(Int32(row[1] as Int64))
                if let core = row[2] as Double? { members.coreDistances.append(Float(core)) }
            }
            return members
        }
    }

    public func clusterCounts(spaceID: String, top: Int) async throws -> [Int32: ClusterCounts] {
        try await read { db in
            let space = try Self.spaceKey(db, spaceID)
            var counts: [Int32: ClusterCounts] = [:]
            for row in try Row.fetchAll(db, sql: """
                SELECT c.cluster, count(*) FROM cluster_member c JOIN data_row r ON r.dataset_key = ? AND r.slot = c.slot
                WHERE c.space_key = ? GROUP BY c.cluster
                """, arguments: [space.dataset, space.key]) {
                counts[Int32(row[0] as Int64)] = ClusterCounts(size: row[1], labels: [], metadata: [])
            }
            for row in try Row.fetchAll(db, sql: """
                SELECT c.cluster, l.class, count(*) AS n FROM cluster_member c
                JOIN label l ON l.dataset_key = ? AND l.slot = c.slot AND l.kind = 'ground_truth'
                WHERE c.space_key = ? GROUP BY c.cluster, l.class ORDER BY c.cluster, n DESC, l.class
                """, arguments: [space.dataset, space.key]) {
                let cluster = Int32(row[0] as Int64)
                if let existing = counts[cluster], existing.labels.count < top {
                    counts[cluster]?.labels.append(ClassCount(className: row[1], count: row[2]))
                }
            }
            for row in try Row.fetchAll(db, sql: """
                SELECT c.cluster, v.field, v.text, count(*) AS n FROM cluster_member c
                JOIN row_value v ON v.dataset_key = ? AND v.slot = c.slot AND v.text IS NOT NULL
                WHERE c.space_key = ? GROUP BY c.cluster, v.field, v.text ORDER BY c.cluster, n DESC, v.field, v.text
                """, arguments: [space.dataset, space.key]) {
                let cluster = Int32(row[0] as Int64)
                if let existing = counts[cluster], existing.metadata.count < top {
                    counts[cluster]?.metadata.append(FieldValueCount(field: row[1], value: row[2], count: row[3]))
                }
            }
            return counts
        }
    }

    private static func checkMembers(_ members: ClusterMembers) throws {
        guard members.clusters.count == members.slots.count,
              members.coreDistances.isEmpty || members.coreDistances.count == members.slots.count else {
            throw CatalogError.invalid("\(members.slots.count) slots with \(members.clusters.count) clusters and \(members.coreDistances.count) core distances")
        }
    }

    private static func insertMembers(_ db: Database, spaceKey: Int64, _ members: ClusterMembers) throws {
        let insert = try db.cachedStatement(sql: "INSERT OR REPLACE INTO cluster_member (space_key, slot, cluster, core_distance) VALUES (?, ?, ?, ?)")
        for i in members.slots.indices {
            let core: Double? = members.coreDistances.isEmpty ? nil : Double(members.coreDistances[i])
            try insert.execute(arguments: [spaceKey, Int64(members.slots[i]), Int64(members.clusters[i]), core])
        }
    }

    // MARK: Projection

    public func putProjection(_ run: ProjectionRun, points: ProjectionPoints) async throws {
        try Self.checkPoints(points)
        try await write { db in
            let space = try Self.spaceKey(db, run.spaceID)
            try db.execute(sql: "DELETE FROM projection_point WHERE space_key = ?", arguments: [space.key])
            try db.execute(sql: """
                INSERT OR REPLACE INTO projection (space_key, method, seed, dimensions, model, generation, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)
                """, arguments: [space.key, run.method.rawValue, Int64(bitPattern: run.seed), run.dimensions, Self.blob(run.model), run.generation,
                                 run.createdAt.timeIntervalSince1970])
            try Self.insertPoints(db, spaceKey: space.key, points)
        }
    }

    public func projection(spaceID: String) async throws -> ProjectionRun? {
        try await read { db -> ProjectionRun? in
            let space = try Self.spaceKey(db, spaceID)
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM projection WHERE space_key = ?", arguments: [space.key]) else { return nil }
            let blob: Data = row["model"]
            guard let method = ProjectionMethod(rawValue: row["method"]), let model = Self.floats(blob, dimensions: blob.count / 4) else {
                throw CatalogError(.corruptData, "the projection of space '\(spaceID)' has an unknown method or a damaged model")
            }
            return ProjectionRun(spaceID: spaceID, method: method, seed: UInt64(bitPattern: row["seed"]), dimensions: row["dimensions"],
                                 model: model, generation: row["generation"], createdAt: Date(timeIntervalSince1970: row["created_at"]))
        }
    }

    public func addProjectionPoints(spaceID: String, points: ProjectionPoints, generation: Int) async throws {
        try Self.checkPoints(points)
        try await write { db in
            let space = try Self.spaceKey(db, spaceID)
            try Self.insertPoints(db, spaceKey: space.key, points)
            try db.execute(sql: "UPDATE projection SET generation = ? WHERE space_key = ?", arguments: [generation, space.key])
        }
    }

    public func projectionPoints(spaceID: String) async throws -> ProjectionPoints {
        try await read { db in
            let space = try Self.spaceKey(db, spaceID)
            var points = ProjectionPoints()
            let rows = try Row.fetchCursor(db, sql: """
                SELECT p.slot, p.x, p.y FROM projection_point p JOIN data_row r ON r.dataset_key = ? AND r.slot = p.slot
                WHERE p.space_key = ? ORDER BY p.slot
                """, arguments: [space.dataset, space.key])
            while let row = try rows.next() {
                points.slots.append(UInt32(row[0] as Int64))
                points.xy.append(Float(row[1] as Double))
                points.xy.append(Float(row[2] as Double))
            }
            return points
        }
    }

    private static func checkPoints(_ points: ProjectionPoints) throws {
        guard points.xy.count == 2 * points.slots.count else {
            throw CatalogError.invalid("\(points.slots.count) slots with \(points.xy.count) coordinates (need 2 each)")
        }
    }

    private static func insertPoints(_ db: Database, spaceKey: Int64, _ points: ProjectionPoints) throws {
        let insert = try db.cachedStatement(sql: "INSERT OR REPLACE INTO projection_point (space_key, slot, x, y) VALUES (?, ?, ?, ?)")
        for (i, slot) in points.slots.enumerated() {
            try insert.execute(arguments: [spaceKey, Int64(slot), Double(points.xy[2 * i]), Double(points.xy[2 * i + 1])])
        }
    }

    // MARK: Metrics and job parameters

    public func metricValues(name: String, className: String?, datasetID: String) async throws -> [UInt32: Double] {
        try await read { db in
            let datasetKey = try Self.datasetKey(db, datasetID)
            var values: [UInt32: Double] = [:]
            let rows = try Row.fetchCursor(db, sql: "SELECT slot, value FROM metric WHERE dataset_key = ? AND name = ? AND class = ?",
                                           arguments: [datasetKey, name, className ?? ""])
            while let row = try rows.next() { values[UInt32(row[0] as Int64)] = row[1] }
            return values
        }
    }

    public func putJobParameters(jobID: String, parameters: Data) async throws {
        try await write { db in
            try db.execute(sql: "INSERT OR REPLACE INTO job_parameters (job_id, parameters) VALUES (?, ?)", arguments: [jobID, parameters])
        }
    }

    public func jobParameters(jobID: String) async throws -> Data? {
        try await read { db in try Data.fetchOne(db, sql: "SELECT parameters FROM job_parameters WHERE job_id = ?", arguments: [jobID]) }
    }

    // MARK: Encoding

    static func blob(_ floats: [Float]) -> Data {
        floats.withUnsafeBufferPointer { Data(buffer: $0) }
    }

    /// The `count` floats of a blob written by `blob(_:)`, or nil for a blob of another size
    /// (copied: a blob need not be aligned for Float).
    static func floats(_ data: Data, dimensions count: Int) -> [Float]? {
        guard data.count == count * MemoryLayout<Float>.size else { return nil }
        var values = [Float](repeating: 0, count: count)
        values.withUnsafeMutableBytes { out in data.withUnsafeBytes { out.copyMemory(from: $0) } }
        return values
    }

    static func json<T: Encodable>(_ value: T) throws -> String {
        String(decoding: try JSONEncoder().encode(value), as: UTF8.self)
    }

    static func decode<T: Decodable>(_ text: String, what: String) throws -> T {
        do {
            return try JSONDecoder().decode(T.self, from: Data(text.utf8))
        } catch {
            throw CatalogError(.corruptData, "the stored \(what) does not decode: \(error)")
        }
    }
}

extension Date {
    /// Now, as the curation tables store it (seconds since 1970 as a Double): a run's
    /// `createdAt` read back from storage equals the one returned when it was made (`Date()`
    /// itself would lose its last bit on the way through `timeIntervalSince1970`).
    static func storable() -> Date {
        Date(timeIntervalSince1970: Date().timeIntervalSince1970)
    }
}
