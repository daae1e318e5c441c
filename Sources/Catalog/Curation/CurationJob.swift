import Curation
import Foundation
import VectorMath

/// What a curation job was asked for (stored as JSON beside the job).
struct CurationJobParameters: Codable, Sendable {
    /// Neighbours per row.
    var k: Int
    /// Worker threads.
    var threads: Int
}

/// One run of a curation job over a space: the kNN graph of its stored vectors (Curation's
/// `KNNGraph`), then per-row scores written as metrics.
///
/// - `rowScores`: `uniqueness` (FiftyOne's weighted 3-NN distance, scaled to max 1) and
///   `representativeness` (1 / (1 + mean kNN distance / median)), every row with a vector.
/// - `labelMistakes`: `label_mistake` (1 − p(label | neighbours), cleanlab-style) for every row
///   with a ground-truth label, and the per-class metric `label_suggestion` (class = the
///   neighbourhood's likeliest class, value = the same score).
struct CurationJob {
    let store: any Store

    /// Metric names the jobs write.
    static let uniqueness = "uniqueness"
    static let representativeness = "representativeness"
    static let labelMistake = "label_mistake"
    static let labelSuggestion = "label_suggestion"

    func run(_ job: inout Job) async throws {
        guard let spaceID = job.spaceID else { throw CatalogError.invalid("job \(job.id) names no space") }
        guard let data = try await store.jobParameters(jobID: job.id) else {
            throw CatalogError(.corruptData, "job \(job.id) has no stored parameters")
        }
        let parameters: CurationJobParameters
        do {
            parameters = try JSONDecoder().decode(CurationJobParameters.self, from: data)
        } catch {
            throw CatalogError(.corruptData, "the parameters of job \(job.id) do not decode: \(error)")
        }
        let space = try await store.space(spaceID, datasetID: job.datasetID)
        job.state = .running
        job.updatedAt = Date()
        try await store.updateJob(job)
        let vectors = try await StoredVectors.read(store, space: space)
        job.total = vectors.count
        guard vectors.count > parameters.k else {
            throw CatalogError.invalid("space '\(space.name)' has \(vectors.count) vector(s); k = \(parameters.k) neighbours need more than k")
        }
        let rowVectors = try vectors.rowVectors(metric: space.metric)
        try Task.checkCancellation()
        let graph = try curating("the neighbour graph of space '\(space.name)'") { () throws(CurationError) in
            try KNNGraph.build(rowVectors, k: parameters.k, threads: parameters.threads)
        }
        try Task.checkCancellation()
        let ids = try await store.rowIDs(slots: vectors.slots, datasetID: space.datasetID)
        var metrics: [RowMetric] = []
        switch job.kind {
        case .rowScores:
            let uniqueness = try curating("uniqueness") { () throws(CurationError) in try RowScores.uniqueness(graph) }
            let density = RowScores.densityRepresentativeness(graph)
            for (i, row) in graph.rows.enumerated() {
                guard let id = ids[vectors.slots[Int(row)]] else { continue }
                metrics.append(RowMetric(rowID: id, name: Self.uniqueness, value: uniqueness[i]))
                metrics.append(RowMetric(rowID: id, name: Self.representativeness, value: density[i]))
            }
        case .labelMistakes:
            let (labels, classes) = try await groundTruth(vectors.slots, datasetID: space.datasetID)
            guard classes.count >= 2 else {
                throw CatalogError.invalid("label mistakes need ground-truth labels of at least 2 classes on rows of space '\(space.name)' (found \(classes.count))")
            }
            let ranking = try curating("label mistakes") { () throws(CurationError) in
                try LabelMistakes.rank(graph, labels: labels, classCount: classes.count)
            }
            for entry in ranking.entries {
                guard let id = ids[vectors.slots[Int(entry.row)]] else { continue }
                metrics.append(RowMetric(rowID: id, name: Self.labelMistake, value: entry.score))
                metrics.append(RowMetric(rowID: id, name: Self.labelSuggestion, className: classes[Int(entry.suggestedLabel)], value: entry.score))
            }
            // Earlier suggestions of rows that are no longer suspects would mislead.
            _ = try await store.deleteMetric(name: Self.labelSuggestion, rowID: nil, datasetID: space.datasetID)
        case .computeEmbeddings, .importVectors:
            throw CatalogError.invalid("job \(job.id) is not a curation job")
        }
        try Task.checkCancellation()
        let failures = try await store.putMetrics(metrics, datasetID: space.datasetID)
        job.failedItems = failures.count
        job.done = vectors.count
        job.updatedAt = Date()
        try await store.updateJob(job)
    }

    /// The first ground-truth label of each row at `slots` as a class index (−1: none), and the
    /// class names by index (sorted).
    private func groundTruth(_ slots: [UInt32], datasetID: String) async throws -> (labels: [Int32], classes: [String]) {
        var names: [String?] = []
        names.reserveCapacity(slots.count)
        var start = 0
        while start < slots.count {
            let page = Array(slots[start..<min(slots.count, start + StoredVectors.pageSize)])
            let rows = try await store.rows(slots: page, datasetID: datasetID)
            for slot in page { names.append(rows[slot]?.labels.first { $0.kind == .groundTruth }?.className) }
            start += page.count
        }
        let classes = Set(names.compactMap { $0 }).sorted()
        let index = Dictionary(uniqueKeysWithValues: classes.enumerated().map { ($1, Int32($0)) })
        return (names.map { $0.flatMap { index[$0] } ?? -1 }, classes)
    }
}
