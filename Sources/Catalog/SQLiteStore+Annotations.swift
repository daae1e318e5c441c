import Foundation
import GRDB

extension SQLiteStore {
    public func putLabels(_ labels: [RowLabel], datasetID: String) async throws -> [(index: Int, error: CatalogError)] {
        try await write { db in
            let datasetKey = try Self.datasetKey(db, datasetID)
            let find = try db.cachedStatement(sql: "SELECT slot FROM data_row WHERE dataset_key = ? AND id = ?")
            let insert = try db.cachedStatement(sql: """
                INSERT OR REPLACE INTO label (dataset_key, slot, kind, class, confidence, source) VALUES (?, ?, ?, ?, ?, ?)
                """)
            var failures: [(index: Int, error: CatalogError)] = []
            for (index, item) in labels.enumerated() {
                guard let slot = try Int64.fetchOne(find, arguments: [datasetKey, item.rowID]) else {
                    failures.append((index, .notFound("row", item.rowID)))
                    continue
                }
                try insert.execute(arguments: [datasetKey, slot, item.label.kind.rawValue, item.label.className,
                                               item.label.confidence, item.label.source])
            }
            return failures
        }
    }

    public func deleteLabels(rowID: String, className: String?, kind: LabelKind?, datasetID: String) async throws -> Int {
        try await write { db in
            let datasetKey = try Self.datasetKey(db, datasetID)
            let slot = try Self.slot(db, datasetKey: datasetKey, rowID: rowID)
            try db.execute(sql: """
                DELETE FROM label WHERE dataset_key = ? AND slot = ? AND (? IS NULL OR class = ?) AND (? IS NULL OR kind = ?)
                """, arguments: [datasetKey, slot, className, className, kind?.rawValue, kind?.rawValue])
            return db.changesCount
        }
    }

    public func labelCounts(datasetID: String) async throws -> [LabelCount] {
        try await read { db in
            try Row.fetchAll(db, sql: """
                SELECT class, kind, count(*) FROM label WHERE dataset_key = ? GROUP BY class, kind ORDER BY kind, count(*) DESC, class
                """, arguments: [try Self.datasetKey(db, datasetID)])
                .map { LabelCount(className: $0[0], kind: LabelKind(rawValue: $0[1]) ?? .groundTruth, rows: $0[2]) }
        }
    }

    public func putMetrics(_ metrics: [RowMetric], datasetID: String) async throws -> [(index: Int, error: CatalogError)] {
        try await write { db in
            let datasetKey = try Self.datasetKey(db, datasetID)
            let find = try db.cachedStatement(sql: "SELECT slot FROM data_row WHERE dataset_key = ? AND id = ?")
            let insert = try db.cachedStatement(sql: "INSERT OR REPLACE INTO metric (dataset_key, slot, name, class, value) VALUES (?, ?, ?, ?, ?)")
            var failures: [(index: Int, error: CatalogError)] = []
            for (index, metric) in metrics.enumerated() {
                guard let slot = try Int64.fetchOne(find, arguments: [datasetKey, metric.rowID]) else {
                    failures.append((index, .notFound("row", metric.rowID)))
                    continue
                }
                try insert.execute(arguments: [datasetKey, slot, metric.name, metric.className ?? "", metric.value])
            }
            return failures
        }
    }

    public func metrics(rowID: String, datasetID: String) async throws -> [RowMetric] {
        try await read { db in
            let datasetKey = try Self.datasetKey(db, datasetID)
            let slot = try Self.slot(db, datasetKey: datasetKey, rowID: rowID)
            return try Self.fetchMetrics(db, datasetKey: datasetKey, slots: [slot])[slot] ?? []
        }
    }

    public func metrics(slots: [UInt32], datasetID: String) async throws -> [UInt32: [RowMetric]] {
        try await read { db in try Self.fetchMetrics(db, datasetKey: try Self.datasetKey(db, datasetID), slots: slots) }
    }

    static func fetchMetrics(_ db: Database, datasetKey: Int64, slots: [UInt32]) throws -> [UInt32: [RowMetric]] {
        var result: [UInt32: [RowMetric]] = [:]
        let rows = try Row.fetchCursor(db, sql: """
            SELECT m.slot, r.id, m.name, m.class, m.value FROM metric m JOIN data_row r ON r.dataset_key = m.dataset_key AND r.slot = m.slot
            WHERE m.dataset_key = ? AND m.slot IN (SELECT value FROM json_each(?)) ORDER BY m.slot, m.name, m.class
            """, arguments: [datasetKey, jsonArray(slots)])
        while let row = try rows.next() {
            let className: String = row[3]
            result[UInt32(row[0] as Int64), default: []].append(
                RowMetric(rowID: row[1], name: row[2], className: className.isEmpty ? nil : className, value: row[4]))
        }
        return result
    }

    public func deleteMetric(name: String, rowID: String?, datasetID: String) async throws -> Int {
        try await write { db in
            let datasetKey = try Self.datasetKey(db, datasetID)
            if let rowID {
                let slot = try Self.slot(db, datasetKey: datasetKey, rowID: rowID)
                try db.execute(sql: "DELETE FROM metric WHERE dataset_key = ? AND slot = ? AND name = ?", arguments: [datasetKey, slot, name])
            } else {
                try db.execute(sql: "DELETE FROM metric WHERE dataset_key = ? AND name = ?", arguments: [datasetKey, name])
            }
            return db.changesCount
        }
    }

    public func metricSummaries(datasetID: String) async throws -> [MetricSummary] {
        try await read { db in
            try Row.fetchAll(db, sql: """
                SELECT name, count(*), min(value), max(value), avg(value) FROM metric WHERE dataset_key = ? GROUP BY name ORDER BY name
                """, arguments: [try Self.datasetKey(db, datasetID)])
                .map { MetricSummary(name: $0[0], count: $0[1], minimum: $0[2], maximum: $0[3], mean: $0[4]) }
        }
    }
}
