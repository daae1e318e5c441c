extension Catalog {
    // MARK: Labels

    /// Attaches labels and predictions to rows (the same row, class and kind is replaced).
    /// Labels of unknown rows or with a bad class name or confidence are reported by 1-based
    /// position; the others land.
    public func putLabels(_ labels: [RowLabel], in dataset: String) async throws -> ImportReport {
        let dataset = try await store.dataset(dataset)
        var report = ImportReport(read: labels.count)
        var good: [RowLabel] = []
        var positions: [Int] = []
        for (position, label) in labels.enumerated() {
            do {
                try Validation.name(label.label.className, what: "class name")
                if let confidence = label.label.confidence, !(0...1).contains(confidence) {
                    throw CatalogError.invalid("confidence must be in 0...1 (got \(confidence))")
                }
                good.append(label)
                positions.append(position + 1)
            } catch let error as CatalogError {
                report.reject(LineError(line: position + 1, reason: error.message))
            }
        }
        let failures = try await store.putLabels(good, datasetID: dataset.id)
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
        var report = ImportReport(read: metrics.count)
        var good: [RowMetric] = []
        var positions: [Int] = []
        for (position, metric) in metrics.enumerated() {
            do {
                try Validation.name(metric.name, what: "metric name")
                if let className = metric.className { try Validation.name(className, what: "class name") }
                guard metric.value.isFinite else { throw CatalogError.invalid("metric '\(metric.name)' of row '\(metric.rowID)' is not finite") }
                good.append(metric)
                positions.append(position + 1)
            } catch let error as CatalogError {
                report.reject(LineError(line: position + 1, reason: error.message))
            }
        }
        let failures = try await store.putMetrics(good, datasetID: dataset.id)
        for failure in failures { report.reject(LineError(line: positions[failure.index], reason: failure.error.message)) }
        report.stored = good.count - failures.count
        report.sortErrors()
        return report
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
