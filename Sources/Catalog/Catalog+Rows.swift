import Foundation

extension Catalog {
    /// Adds rows to a dataset, replacing rows whose id exists. Rows that cannot be stored (a bad
    /// id, a value that does not fit its field, a global key another row holds) are reported by
    /// their 1-based position in `rows` as `line`; the others land.
    public func addRows(_ rows: [NewDataRow], to dataset: String) async throws -> ImportReport {
        let start = ContinuousClock.now
        let dataset = try await store.dataset(dataset)
        var preparation = RowPreparation(schema: dataset.fields)
        var report = ImportReport(read: rows.count)
        let prepared = try await storePrepared(rows.enumerated().map { ($0.offset + 1, $0.element) }, dataset: dataset,
                                               preparation: &preparation, report: &report)
        report.stored = prepared
        report.sortErrors()
        report.seconds = start.duration(to: .now).seconds
        return report
    }

    /// Prepares and stores numbered rows; bad ones go to `report`. Returns how many landed.
    func storePrepared(_ rows: [(line: Int, row: NewDataRow)], dataset: Dataset, preparation: inout RowPreparation,
                       report: inout ImportReport) async throws -> Int {
        var ready: [NewDataRow] = []
        var lines: [Int] = []
        ready.reserveCapacity(rows.count)
        for (line, row) in rows {
            do {
                ready.append(try preparation.prepare(row))
                lines.append(line)
            } catch let error as CatalogError {
                report.reject(LineError(line: line, reason: error.message))
            }
        }
        if !preparation.newFields.isEmpty {
            try await store.addFields(preparation.newFields, datasetID: dataset.id)
            preparation = RowPreparation(schema: Array(preparation.fields.values))
        }
        guard !ready.isEmpty else { return 0 }
        let result = try await store.putRows(ready, datasetID: dataset.id)
        for failure in result.failures { report.reject(LineError(line: lines[failure.index], reason: failure.error.message)) }
        return ready.count - result.failures.count
    }

    /// One row by id.
    /// - Throws: `notFound`.
    public func row(_ id: String, in dataset: String) async throws -> DataRow {
        let dataset = try await store.dataset(dataset)
        return try await store.row(id: id, datasetID: dataset.id)
    }

    /// A page of rows matching `filter` in `order`; pass the page's `nextCursor` as `after` for
    /// the next one.
    /// - Parameter limit: rows per page, 1...1000.
    public func rows(in dataset: String, filter: RowFilter = RowFilter(), order: RowOrder = .insertion,
                     after cursor: String? = nil, limit: Int = 100) async throws -> RowPage {
        guard (1...1000).contains(limit) else { throw CatalogError.invalid("limit must be in 1...1000 (got \(limit))") }
        let dataset = try await store.dataset(dataset)
        return try await store.rows(datasetID: dataset.id, filter: filter, order: order, after: cursor, limit: limit)
    }

    /// Deletes rows (with their vectors, labels and metrics) and takes them out of every index.
    /// - Returns: how many rows were deleted (unknown ids are ignored).
    @discardableResult
    public func deleteRows(_ ids: [String], from dataset: String) async throws -> Int {
        let dataset = try await store.dataset(dataset)
        let slots = try await store.deleteRows(ids: ids, datasetID: dataset.id)
        if !slots.isEmpty {
            for space in try await store.spaces(datasetID: dataset.id) { await indexes.didDelete(space: space, slots: slots) }
        }
        return slots.count
    }
}

extension Duration {
    /// The duration in seconds.
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) * 1e-18 }
}
