import Foundation
import GRDB

extension SQLiteStore {
    /// A `RowFilter` as an SQL condition on `data_row r`, with its arguments. Values are coerced
    /// to their field's type first, so `"2024-01-01"` compares as a date against a datetime field.
    /// - Throws: `invalidArgument` for an unknown field or a value that does not fit it,
    ///   `notFound` for an unknown selection.
    static func condition(_ db: Database, datasetKey: Int64, filter: RowFilter) throws -> (sql: String, arguments: StatementArguments) {
        var clauses = ["r.dataset_key = ?"]
        var arguments: StatementArguments = [datasetKey]
        if !filter.metadata.isEmpty {
            let fields = Dictionary(try fetchFields(db, datasetKey: datasetKey).map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
            for condition in filter.metadata {
                guard let field = fields[condition.field] else {
                    let known = fields.keys.sorted().joined(separator: ", ")
                    throw CatalogError.invalid("no metadata field named '\(condition.field)'" + (known.isEmpty ? "" : "; fields: \(known)"))
                }
                let exists = "EXISTS (SELECT 1 FROM row_value v WHERE v.dataset_key = r.dataset_key AND v.slot = r.slot AND v.field = ?"
                let column = field.type == .number || field.type == .datetime ? "v.number" : "v.text"
                func stored(_ value: MetadataValue) throws -> DatabaseValue {
                    let value = try field.coerce(value)
                    let pair = storedValue(value, as: field.type)
                    return pair.text?.databaseValue ?? pair.number?.databaseValue ?? .null
                }
                switch condition.test {
                case .equals(let value):
                    clauses.append(exists + " AND \(column) = ?)")
                    arguments += [field.name, try stored(value)]
                case .isIn(let values):
                    let list = try values.map { try stored($0) }
                    let encoded = column == "v.number" ? jsonArray(list.compactMap { Double.fromDatabaseValue($0) })
                        : jsonArray(list.compactMap { String.fromDatabaseValue($0) })
                    clauses.append(exists + " AND \(column) IN (SELECT value FROM json_each(?)))")
                    arguments += [field.name, encoded]
                case .range(let minimum, let maximum):
                    var sql = exists
                    arguments += [field.name]
                    if let minimum {
                        sql += " AND \(column) >= ?"
                        arguments += [try stored(minimum)]
                    }
                    if let maximum {
                        sql += " AND \(column) <= ?"
                        arguments += [try stored(maximum)]
                    }
                    clauses.append(sql + " AND \(column) IS NOT NULL)")
                case .exists(let present):
                    clauses.append((present ? "" : "NOT ") + exists + ")")
                    arguments += [field.name]
                }
            }
        }
        for condition in filter.labels {
            var sql = "EXISTS (SELECT 1 FROM label l WHERE l.dataset_key = r.dataset_key AND l.slot = r.slot AND l.class IN (SELECT value FROM json_each(?))"
            arguments += [jsonArray(condition.anyOf)]
            if let kind = condition.kind {
                sql += " AND l.kind = ?"
                arguments += [kind.rawValue]
            }
            if let confidence = condition.minimumConfidence {
                sql += " AND l.confidence >= ?"
                arguments += [confidence]
            }
            clauses.append((condition.negated ? "NOT " : "") + sql + ")")
        }
        for condition in filter.metrics {
            var sql = "EXISTS (SELECT 1 FROM metric m WHERE m.dataset_key = r.dataset_key AND m.slot = r.slot AND m.name = ? AND m.class = ?"
            arguments += [condition.name, condition.className ?? ""]
            if let minimum = condition.minimum {
                sql += " AND m.value >= ?"
                arguments += [minimum]
            }
            if let maximum = condition.maximum {
                sql += " AND m.value <= ?"
                arguments += [maximum]
            }
            clauses.append(sql + ")")
        }
        if let mediaTypes = filter.mediaTypes {
            clauses.append("r.media_type IN (SELECT value FROM json_each(?))")
            arguments += [jsonArray(mediaTypes.map(\.rawValue))]
        }
        if let selectionID = filter.selectionID {
            guard let key = try Int64.fetchOne(db, sql: "SELECT key FROM selection WHERE id = ? AND dataset_key = ?",
                                               arguments: [selectionID, datasetKey]) else {
                throw CatalogError.notFound("selection", selectionID)
            }
            clauses.append("r.slot IN (SELECT slot FROM selection_row WHERE selection_key = ?)")
            arguments += [key]
        }
        if let rowIDs = filter.rowIDs {
            clauses.append("r.id IN (SELECT value FROM json_each(?))")
            arguments += [jsonArray(rowIDs)]
        }
        return (clauses.joined(separator: " AND "), arguments)
    }
}
