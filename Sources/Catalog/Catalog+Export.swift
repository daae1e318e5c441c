import Foundation

extension Catalog {
    /// Writes a dataset as NDJSON, one data row a line — `id`, `global_key`, `row_data`,
    /// `media_type`, `metadata`, `labels`, `metrics`, `embeddings` (by space name) — streamed:
    /// rows are read `batchSize` at a time in slot order and each batch's lines are handed to
    /// `write` before the next batch is read, so memory stays bounded by one batch.
    /// - Parameter write: receives chunks of whole lines, each ending in a newline.
    /// - Returns: how many rows were written.
    @discardableResult
    public func export(_ dataset: String, options: ExportOptions = ExportOptions(), batchSize: Int = 512,
                       write: (Data) async throws -> Void) async throws -> Int {
        let dataset = try await store.dataset(dataset)
        var spaces: [EmbeddingSpace] = []
        for reference in options.spaces { spaces.append(try await store.space(reference, datasetID: dataset.id)) }
        // Checks the filter (a bad selection id fails here rather than mid-stream).
        _ = try await store.matchingSlots(datasetID: dataset.id, filter: options.filter)
        var after: UInt32?
        var written = 0
        while true {
            let batch = try await store.rowBatch(datasetID: dataset.id, filter: options.filter, after: after, limit: max(1, batchSize))
            guard let last = batch.last else { break }
            let slots = batch.map(\.slot)
            let metrics = options.includeMetrics ? try await store.metrics(slots: slots, datasetID: dataset.id) : [:]
            var vectors: [[UInt32: [Float]]] = []
            for space in spaces { vectors.append(try await store.vectors(spaceID: space.id, slots: slots)) }
            var chunk = Data()
            for (slot, row) in batch {
                var line = ExportLine()
                line.write(row: row, labels: options.includeLabels)
                if options.includeMetrics { line.write(metrics: metrics[slot] ?? []) }
                if !spaces.isEmpty {
                    line.write(embeddings: spaces.indices.map { (spaces[$0].name, vectors[$0][slot]) })
                }
                chunk.append(contentsOf: line.finish())
            }
            try await write(chunk)
            written += batch.count
            after = last.slot
        }
        return written
    }

    /// The NDJSON export as an asynchronous sequence of chunks of whole lines; rows are read as
    /// the consumer asks for more.
    public func exportStream(_ dataset: String, options: ExportOptions = ExportOptions(),
                             batchSize: Int = 512) -> AsyncThrowingStream<Data, any Error> {
        let (stream, continuation) = AsyncThrowingStream<Data, any Error>.makeStream(bufferingPolicy: .bufferingOldest(1))
        let task = Task {
            do {
                try await export(dataset, options: options, batchSize: batchSize) { chunk in
                    // Waits while the consumer has not taken the previous chunk.
                    while case .dropped = continuation.yield(chunk) {
                        try Task.checkCancellation()
                        try await Task.sleep(for: .milliseconds(1))
                    }
                }
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }
}
