import Foundation
import GRDB
import GRDBSQLite
import VectorIndex

extension SQLiteStore {
    public func putRows(_ rows: [NewDataRow], datasetID: String) async throws -> RowWriteResult {
        try await write { db in
            let datasetKey = try Self.datasetKey(db, datasetID)
            let fields = Dictionary(try Self.fetchFields(db, datasetKey: datasetKey).map { ($0.name, $0.type) }, uniquingKeysWith: { a, _ in a })
            var nextSlot = try Int64.fetchOne(db, sql: "SELECT next_slot FROM dataset WHERE key = ?", arguments: [datasetKey]) ?? 0
            var result = RowWriteResult(slots: [], failures: [], replaced: 0)
            var added = 0
            let findID = try db.cachedStatement(sql: "SELECT slot FROM data_row WHERE dataset_key = ? AND id = ?")
            let findKey = try db.cachedStatement(sql: "SELECT slot FROM data_row WHERE dataset_key = ? AND global_key = ?")
            let insert = try db.cachedStatement(sql: """
                INSERT INTO data_row (dataset_key, slot, id, global_key, row_data, media_type) VALUES (?, ?, ?, ?, ?, ?)
                """)
            let update = try db.cachedStatement(sql: """
                UPDATE data_row SET global_key = ?, row_data = ?, media_type = ? WHERE dataset_key = ? AND slot = ?
                """)
            let clearValues = try db.cachedStatement(sql: "DELETE FROM row_value WHERE dataset_key = ? AND slot = ?")
            let clearLabels = try db.cachedStatement(sql: "DELETE FROM label WHERE dataset_key = ? AND slot = ? AND kind = 'ground_truth'")
            let insertValue = try db.cachedStatement(sql: "INSERT INTO row_value (dataset_key, slot, field, text, number) VALUES (?, ?, ?, ?, ?)")
            let insertLabel = try db.cachedStatement(sql: """
                INSERT OR REPLACE INTO label (dataset_key, slot, kind, class) VALUES (?, ?, 'ground_truth', ?)
                """)
            for (index, row) in rows.enumerated() {
                guard let id = row.id else {
                    result.failures.append((index, .invalid("a row has no id")))
                    result.slots.append(nil)
                    continue
                }
                let existing = try Int64.fetchOne(findID, arguments: [datasetKey, id])
                if let key = row.globalKey, let holder = try Int64.fetchOne(findKey, arguments: [datasetKey, key]), holder != existing {
                    let other = try String.fetchOne(db, sql: "SELECT id FROM data_row WHERE dataset_key = ? AND slot = ?",
                                                    arguments: [datasetKey, holder]) ?? "?"
                    result.failures.append((index, CatalogError(.conflict, "global key '\(key)' belongs to row '\(other)'")))
                    result.slots.append(nil)
                    continue
                }
                let slot: Int64
                if let existing {
                    slot = existing
                    try update.execute(arguments: [row.globalKey, row.rowData, row.mediaType.rawValue, datasetKey, slot])
                    try clearValues.execute(arguments: [datasetKey, slot])
                    try clearLabels.execute(arguments: [datasetKey, slot])
                    result.replaced += 1
                } else {
                    guard nextSlot <= Int64(UInt32.max) else { throw CatalogError(.limitExceeded, "dataset '\(datasetID)' has used all 2^32 row slots") }
                    slot = nextSlot
                    nextSlot += 1
                    added += 1
                    try insert.execute(arguments: [datasetKey, slot, id, row.globalKey, row.rowData, row.mediaType.rawValue])
                }
                for (name, value) in row.metadata {
                    let stored = Self.storedValue(value, as: fields[name] ?? value.type)
                    try insertValue.execute(arguments: [datasetKey, slot, name, stored.text, stored.number])
                }
                for label in Set(row.labels) { try insertLabel.execute(arguments: [datasetKey, slot, label]) }
                result.slots.append(UInt32(slot))
            }
            try db.execute(sql: "UPDATE dataset SET next_slot = ?, row_count = row_count + ? WHERE key = ?",
                           arguments: [nextSlot, added, datasetKey])
            return result
        }
    }

    /// A metadata value as the `row_value` columns hold it: text for strings and enums, a
    /// number for numbers and datetimes (seconds since 1970).
    static func storedValue(_ value: MetadataValue, as type: FieldType) -> (text: String?, number: Double?) {
        switch value {
        case .string(let text), .enumeration(let text): (text, nil)
        case .number(let number): type == .string || type == .enumeration ? (value.description, nil) : (nil, number)
        case .datetime(let date): (nil, date.timeIntervalSince1970)
        }
    }

    public func row(id: String, datasetID: String) async throws -> DataRow {
        try await read { db in
            let datasetKey = try Self.datasetKey(db, datasetID)
            let slot = try Self.slot(db, datasetKey: datasetKey, rowID: id)
            guard let row = try Self.fetchRows(db, datasetKey: datasetKey, slots: [slot])[slot] else { throw CatalogError.notFound("row", id) }
            return row
        }
    }

    public func rows(slots: [UInt32], datasetID: String) async throws -> [UInt32: DataRow] {
        try await read { db in try Self.fetchRows(db, datasetKey: try Self.datasetKey(db, datasetID), slots: slots) }
    }

    public func rows(datasetID: String, filter: RowFilter, order: RowOrder, after cursor: String?, limit: Int) async throws -> RowPage {
        try await read { db in
            let datasetKey = try Self.datasetKey(db, datasetID)
            let condition = try Self.condition(db, datasetKey: datasetKey, filter: filter)
            let total = try Int.fetchOne(db, sql: "SELECT count(*) FROM data_row r WHERE \(condition.sql)", arguments: condition.arguments) ?? 0
            var slots: [UInt32]
            var nextCursor: String?
            switch order.key {
            case .insertion:
                var arguments = condition.arguments
                var sql = "SELECT r.slot FROM data_row r WHERE \(condition.sql)"
                if let cursor {
                    guard cursor.first == "s", let slot = UInt32(cursor.dropFirst()) else { throw CatalogError.invalid("'\(cursor)' is not a row cursor") }
                    sql += order.descending ? " AND r.slot < ?" : " AND r.slot > ?"
                    arguments += [Int64(slot)]
                }
                sql += " ORDER BY r.slot \(order.descending ? "DESC" : "ASC") LIMIT ?"
                arguments += [limit + 1]
                slots = try Int64.fetchAll(db, sql: sql, arguments: arguments).map { UInt32($0) }
                if slots.count > limit {
                    slots.removeLast()
                    nextCursor = "s\(slots[slots.count - 1])"
                }
            case .metric(let name, let className):
                var offset = 0
                if let cursor {
                    guard cursor.first == "o", let value = Int(cursor.dropFirst()), value >= 0 else { throw CatalogError.invalid("'\(cursor)' is not a row cursor") }
                    offset = value
                }
                let sql = """
                    SELECT r.slot FROM data_row r JOIN metric m
                        ON m.dataset_key = r.dataset_key AND m.slot = r.slot AND m.name = ? AND m.class = ?
                    WHERE \(condition.sql) ORDER BY m.value \(order.descending ? "DESC" : "ASC"), r.slot LIMIT ? OFFSET ?
                    """
                var arguments: StatementArguments = [name, className ?? ""]
                arguments += condition.arguments
                arguments += [limit + 1, offset]
                slots = try Int64.fetchAll(db, sql: sql, arguments: arguments).map { UInt32($0) }
                if slots.count > limit {
                    slots.removeLast()
                    nextCursor = "o\(offset + limit)"
                }
            }
            let rows = try Self.fetchRows(db, datasetKey: datasetKey, slots: slots)
            return RowPage(rows: slots.compactMap { rows[$0] }, nextCursor: nextCursor, total: total)
        }
    }

    public func rowBatch(datasetID: String, filter: RowFilter, after: UInt32?, limit: Int) async throws -> [(slot: UInt32, row: DataRow)] {
        try await read { db in
            let datasetKey = try Self.datasetKey(db, datasetID)
            let condition = try Self.condition(db, datasetKey: datasetKey, filter: filter)
            var arguments = condition.arguments
            arguments += [after.map { Int64($0) } ?? -1, limit]
            let slots = try Int64.fetchAll(db, sql: "SELECT r.slot FROM data_row r WHERE \(condition.sql) AND r.slot > ? ORDER BY r.slot LIMIT ?",
                                           arguments: arguments).map { UInt32($0) }
            let rows = try Self.fetchRows(db, datasetKey: datasetKey, slots: slots)
            return slots.compactMap { slot in rows[slot].map { (slot, $0) } }
        }
    }

    /// Rows with their metadata and labels, by slot. The statements are prepared once per
    /// connection: search pages with rows run this on every request.
    static func fetchRows(_ db: Database, datasetKey: Int64, slots: [UInt32]) throws -> [UInt32: DataRow] {
        guard !slots.isEmpty else { return [:] }
        let list = jsonArray(slots)
        var rows: [UInt32: DataRow] = [:]
        rows.reserveCapacity(slots.count)
        let cursor = try Row.fetchCursor(db.cachedStatement(sql: """
            SELECT slot, id, global_key, row_data, media_type FROM data_row
            WHERE dataset_key = ? AND slot IN (SELECT value FROM json_each(?))
            """), arguments: [datasetKey, list])
        while let row = try cursor.next() {
            let slot = UInt32(row[0] as Int64)
            rows[slot] = DataRow(id: row[1], globalKey: row[2], rowData: row[3], mediaType: MediaType(rawValue: row[4]) ?? .text)
        }
        var types: [String: FieldType] = [:]
        let fields = try Row.fetchCursor(db.cachedStatement(sql: "SELECT name, type FROM field WHERE dataset_key = ?"), arguments: [datasetKey])
        while let field = try fields.next() { types[field[0]] = FieldType(rawValue: field[1]) ?? .string }
        let values = try Row.fetchCursor(db.cachedStatement(sql: """
            SELECT slot, field, text, number FROM row_value WHERE dataset_key = ? AND slot IN (SELECT value FROM json_each(?))
            """), arguments: [datasetKey, list])
        while let value = try values.next() {
            let slot = UInt32(value[0] as Int64)
            let field: String = value[1]
            let text: String? = value[2]
            let number: Double? = value[3]
            let metadata: MetadataValue
            switch (types[field] ?? .string, text, number) {
            case (.datetime, _, let number?): metadata = .datetime(Date(timeIntervalSince1970: number))
            case (.enumeration, let text?, _): metadata = .enumeration(text)
            case (_, let text?, _): metadata = .string(text)
            case (_, _, let number?): metadata = .number(number)
            default: continue
            }
            rows[slot]?.metadata[field] = metadata
        }
        let labels = try Row.fetchCursor(db.cachedStatement(sql: """
            SELECT slot, kind, class, confidence, source FROM label WHERE dataset_key = ? AND slot IN (SELECT value FROM json_each(?))
            ORDER BY slot, kind, confidence DESC, class
            """), arguments: [datasetKey, list])
        while let label = try labels.next() {
            let slot = UInt32(label[0] as Int64)
            rows[slot]?.labels.append(Label(className: label[2], kind: LabelKind(rawValue: label[1]) ?? .groundTruth,
                                            confidence: label[3], source: label[4]))
        }
        return rows
    }

    public func deleteRows(ids: [String], datasetID: String) async throws -> [UInt32] {
        try await write { db in
            let datasetKey = try Self.datasetKey(db, datasetID)
            let slots = try Int64.fetchAll(db, sql: "SELECT slot FROM data_row WHERE dataset_key = ? AND id IN (SELECT value FROM json_each(?))",
                                           arguments: [datasetKey, jsonArray(ids)])
            guard !slots.isEmpty else { return [] }
            let list = jsonArray(slots)
            for table in ["data_row", "row_value", "label", "metric"] {
                try db.execute(sql: "DELETE FROM \(table) WHERE dataset_key = ? AND slot IN (SELECT value FROM json_each(?))",
                               arguments: [datasetKey, list])
            }
            try db.execute(sql: """
                DELETE FROM selection_row WHERE slot IN (SELECT value FROM json_each(?))
                    AND selection_key IN (SELECT key FROM selection WHERE dataset_key = ?)
                """, arguments: [list, datasetKey])
            for space in try Int64.fetchAll(db, sql: "SELECT key FROM space WHERE dataset_key = ?", arguments: [datasetKey]) {
                let removed = try Self.clearVectors(db, spaceKey: space, slots: slots.map { UInt32($0) })
                try db.execute(sql: "UPDATE space SET vector_count = vector_count - ?, generation = generation + 1 WHERE key = ?",
                               arguments: [removed, space])
            }
            try db.execute(sql: "UPDATE dataset SET row_count = row_count - ? WHERE key = ?", arguments: [slots.count, datasetKey])
            return slots.map { UInt32($0) }
        }
    }

    public func slotsByKey(datasetID: String, globalKeys: Bool) async throws -> [String: UInt32] {
        try await read { db in
            let datasetKey = try Self.datasetKey(db, datasetID)
            let column = globalKeys ? "global_key" : "id"
            var map: [String: UInt32] = [:]
            map.reserveCapacity(try Int.fetchOne(db, sql: "SELECT row_count FROM dataset WHERE key = ?", arguments: [datasetKey]) ?? 0)
            let statement = try db.makeStatement(sql: "SELECT \(column), slot FROM data_row WHERE dataset_key = ? AND \(column) IS NOT NULL")
            try statement.setArguments([datasetKey])
            // Stepped through SQLite's C API: no Row per row, one String per key (an import's
            // first wait, so it counts).
            let raw = statement.sqliteStatement
            defer { sqlite3_reset(raw) }
            while true {
                let code = sqlite3_step(raw)
                if code == SQLITE_DONE { break }
                guard code == SQLITE_ROW else {
                    throw CatalogError(.storage, "reading the row keys failed: \(db.lastErrorMessage ?? "SQLite error \(code)")")
                }
                let length = Int(sqlite3_column_bytes(raw, 0))
                let key = sqlite3_column_text(raw, 0).map { String(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self) } ?? ""
                map[key] = UInt32(truncatingIfNeeded: sqlite3_column_int64(raw, 1))
            }
            return map
        }
    }

    public func slots(of keys: [String], datasetID: String, globalKeys: Bool) async throws -> [String: UInt32] {
        try await read { db in
            let datasetKey = try Self.datasetKey(db, datasetID)
            let column = globalKeys ? "global_key" : "id"
            var map: [String: UInt32] = [:]
            let rows = try Row.fetchCursor(db, sql: """
                SELECT \(column), slot FROM data_row WHERE dataset_key = ? AND \(column) IN (SELECT value FROM json_each(?))
                """, arguments: [datasetKey, jsonArray(keys)])
            while let row = try rows.next() { map[row[0]] = UInt32(row[1] as Int64) }
            return map
        }
    }

    public func rowIDs(slots: [UInt32], datasetID: String) async throws -> [UInt32: String] {
        try await read { db in
            let datasetKey = try Self.datasetKey(db, datasetID)
            var map: [UInt32: String] = [:]
            let rows = try Row.fetchCursor(db, sql: """
                SELECT slot, id FROM data_row WHERE dataset_key = ? AND slot IN (SELECT value FROM json_each(?))
                """, arguments: [datasetKey, jsonArray(slots)])
            while let row = try rows.next() { map[UInt32(row[0] as Int64)] = row[1] }
            return map
        }
    }

    public func matchingSlots(datasetID: String, filter: RowFilter) async throws -> IDFilter? {
        try await read { db in
            let datasetKey = try Self.datasetKey(db, datasetID)
            let condition = try Self.condition(db, datasetKey: datasetKey, filter: filter)
            guard !filter.isEmpty else { return nil }
            var slots = IDFilter()
            let cursor = try Int64.fetchCursor(db, sql: "SELECT r.slot FROM data_row r WHERE \(condition.sql)", arguments: condition.arguments)
            while let slot = try cursor.next() { slots.insert(UInt32(slot)) }
            return slots
        }
    }
}
