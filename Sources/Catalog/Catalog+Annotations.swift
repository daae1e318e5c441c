extension Catalog {
    // MARK: Labels

    /// Attaches labels and predictions to rows (the same row, class and kind is replaced).
    /// Labels of unknown rows or with a bad class name or confidence are reported by 1-based
    /// position; the others land.
    public func putLabels(_ labels: [RowLabel], in dataset: String) async throws -> ImportReport {
        let dataset = try await store.dataset(dataset)
        return try await storeChecked(labels, check: { label in
            try Validation.name(label.label.className, what: "class name")
            if let confidence = label.label.confidence, !(0...1).contains(confidence) {
                throw CatalogError.invalid("confidence must be in 0...1 (got \(confidence))")
            }
        }, store: { try await self.store.putLabels($0, datasetID: dataset.id) })
    }

    /// Checks each item, stores those that pass, and reports the others — and those the store
    /// refuses — by 1-based position.
    private func storeChecked<Item: Sendable>(_ items: [Item], check: (Item) throws -> Void,
                                              store: ([Item]) async throws -> [(index: Int, error: CatalogError)]) async throws -> ImportReport {
        var report = ImportReport(read: items.count)
        var good: [Item] = []
        var positions: [Int] = []
        for (position, item) in items.enumerated() {
            do {
                try check(item)
                good.append(item)
                positions.append(position + 1)
            } catch let error as CatalogError {
                report.reject(LineError(line: position + 1, reason: error.message))
            }
        }
        let failures = try await store(good)
        for failure in failures { report.reject(LineError(line: positions[failure.index], reason: failure.error.message)) }
        report.stored = good.count - failures.count
        report.sortErrors()
        return report
    }

    /// Removes a row's labels: of one class and/or kind, or all of them.
    /// - Returns: how many were removed.
    @discardableResult
    public func deleteLabels(row rowID: String, className: String? = nil, kind: LabelKind? = nil,
                             in dataset: String) async throws -> Int {
        let dataset = try await store.dataset(dataset)
        return try await store.deleteLabels(rowID: rowID, className: className, kind: kind, datasetID: dataset.id)
    }

    /// How many rows carry each class, per kind.
    public func labelCounts(in dataset: String) async throws -> [LabelCount] {
        let dataset = try await store.dataset(dataset)
        return try await store.labelCounts(datasetID: dataset.id)
    }

    // MARK: Metrics

    /// Sets metric values on rows. Values of unknown rows, non-finite values and bad names are
    /// reported by 1-based position; the others land.
    public func putMetrics(_ metrics: [RowMetric], in dataset: String) async throws -> ImportReport {
        let dataset = try await store.dataset(dataset)
        return try await storeChecked(metrics, check: { metric in
            try Validation.name(metric.name, what: "metric name")
            if let className = metric.className { try Validation.name(className, what: "class name") }
            guard metric.value.isFinite else { throw CatalogError.invalid("metric '\(metric.name)' of row '\(metric.rowID)' is not finite") }
        }, store: { try await self.store.putMetrics($0, datasetID: dataset.id) })
    }

    /// A row's metrics.
    public func metrics(row rowID: String, in dataset: String) async throws -> [RowMetric] {
        let dataset = try await store.dataset(dataset)
        return try await store.metrics(rowID: rowID, datasetID: dataset.id)
    }

    /// Removes a metric from every row, or from one row.
    @discardableResult
    public func deleteMetric(_ name: String, row rowID: String? = nil, in dataset: String) async throws -> Int {
        let dataset = try await store.dataset(dataset)
        return try await store.deleteMetric(name: name, rowID: rowID, datasetID: dataset.id)
    }

    /// Count, range and mean of each metric in a dataset.
    public func metricSummaries(in dataset: String) async throws -> [MetricSummary] {
        let dataset = try await store.dataset(dataset)
        return try await store.metricSummaries(datasetID: dataset.id)
    }
}
