import Curation
import Foundation
import VectorIndex

/// What Smart Select is asked for.
public struct SmartSelectRequest: Sendable, Hashable {
    /// How rows are picked.
    public enum Strategy: Sendable, Hashable {
        /// Uniformly at random (seeded).
        case random
        /// By a metric (`metric:NAME`) or numeric metadata field (`metadata:FIELD`); rows without
        /// a value last.
        case ordered(key: String, descending: Bool)
        /// Per cluster of the space's clustering (k-means with about √(n/20) clusters is computed
        /// first when it has none), equal or proportional shares.
        case clusters(proportional: Bool)
        /// k-center greedy coreset (Sener & Savarese 2018): each pick the row farthest from those
        /// picked.
        case diverse
    }

    public var name: String
    public var strategy: Strategy
    public var count: Int
    public var seed: UInt64
    /// The space whose vectors clusters, diversity and duplicate exclusion use.
    public var space: String?
    public var filter: RowFilter
    /// Skip rows whose cosine similarity to a picked row is at least this (0...1).
    public var excludeNearDuplicates: Float?

    public init(name: String, strategy: Strategy, count: Int, seed: UInt64 = 42, space: String? = nil, filter: RowFilter = RowFilter(),
                excludeNearDuplicates: Float? = nil) {
        self.name = name
        self.strategy = strategy
        self.count = count
        self.seed = seed
        self.space = space
        self.filter = filter
        self.excludeNearDuplicates = excludeNearDuplicates
    }

    var needsVectors: Bool {
        switch strategy {
        case .clusters, .diverse: true
        case .random, .ordered: excludeNearDuplicates != nil
        }
    }
}

/// What Smart Select saved.
public struct SmartSelectResult: Sendable, Hashable, Codable {
    public var selection: Selection
    /// Rows considered (after the filter, with a vector when one was needed).
    public var candidates: Int
    /// Rows skipped as near-duplicates of a picked one.
    public var duplicatesSkipped: Int
}

extension Catalog {
    /// Picks rows by a strategy (Curation's `SmartSelect`) among those a filter lets through and
    /// saves them as a selection.
    /// - Throws: `notFound` (dataset, space); `invalidArgument` for an empty name, a count
    ///   outside 1...100,000, a threshold outside [0, 1], a strategy that needs a space without
    ///   one, or an ordering key no candidate has.
    public func smartSelect(_ request: SmartSelectRequest, in dataset: String) async throws -> SmartSelectResult {
        guard !request.name.trimmingCharacters(in: .whitespaces).isEmpty else { throw CatalogError.invalid("the selection name is empty") }
        guard (1...100_000).contains(request.count) else { throw CatalogError.invalid("count must be in 1...100000 (got \(request.count))") }
        if let score = request.excludeNearDuplicates, !(score >= 0 && score <= 1) {
            throw CatalogError.invalid("the near-duplicate threshold must be in [0, 1] (got \(score))")
        }
        let dataset = try await store.dataset(dataset)
        var slots: [UInt32] = []
        var rows: [DataRow] = []
        var after: UInt32?
        while true {
            let page = try await store.rowBatch(datasetID: dataset.id, filter: request.filter, after: after, limit: StoredVectors.pageSize)
            guard let last = page.last else { break }
            after = last.slot
            for (slot, row) in page {
                slots.append(slot)
                rows.append(row)
            }
        }
        var space: EmbeddingSpace?
        var vectors: RowVectors?
        if request.needsVectors {
            guard let reference = request.space else {
                throw CatalogError.invalid("this strategy\(request.excludeNearDuplicates != nil ? " with near-duplicate exclusion" : "") needs a space")
            }
            let found = try await self.space(reference, in: dataset.id)
            let stored = try await StoredVectors.read(store, space: found, only: IDFilter(slots))
            // Rows without a vector in the space are left out.
            let position = Dictionary(uniqueKeysWithValues: slots.enumerated().map { ($1, $0) })
            rows = stored.slots.map { rows[position[$0]!] }
            slots = stored.slots
            // Near-duplicates are judged by cosine similarity whatever the space's metric.
            vectors = try stored.rowVectors(metric: .cosine)
            space = found
        }
        let strategy: SmartSelect.Strategy
        switch request.strategy {
        case .random:
            strategy = .random(seed: request.seed)
        case .ordered(let key, let descending):
            let keys: [Double?]
            if key.hasPrefix("metric:") {
                let values = try await store.metricValues(name: String(key.dropFirst(7)), className: nil, datasetID: dataset.id)
                keys = slots.map { values[$0] }
            } else if key.hasPrefix("metadata:") {
                let field = String(key.dropFirst(9))
                keys = rows.map { if case .number(let value)? = $0.metadata[field] { value } else { nil } }
            } else {
                throw CatalogError.invalid("the ordering key must be metric:NAME or metadata:FIELD (got '\(key)')")
            }
            guard keys.contains(where: { $0 != nil }) else { throw CatalogError.invalid("no candidate row has a numeric '\(key)'") }
            strategy = .ordered(keys: keys, descending: descending)
        case .clusters(let proportional):
            guard let space else { throw CatalogError.invalid("cluster picks need a space") }
            if (try await store.clustering(spaceID: space.id)) == nil {
                let k = max(2, min(20, Int((Double(space.vectorCount) / 20).squareRoot().rounded())))
                _ = try await cluster(space: space.id, in: dataset.id, algorithm: .kmeans(clusters: min(k, max(2, space.vectorCount))), seed: request.seed)
            }
            _ = try await currentClustering(space)
            let members = try await store.clusterMembers(spaceID: space.id)
            let clusterOf = Dictionary(zip(members.slots, members.clusters), uniquingKeysWith: { first, _ in first })
            strategy = .clusters(.init(clusters: slots.map { clusterOf[$0] ?? -1 }, allocation: proportional ? .proportional : .equal,
                                       within: .random(seed: request.seed), noise: .asCluster))
        case .diverse:
            strategy = .diverse(start: .seeded(request.seed))
        }
        let candidates = (0..<UInt32(slots.count)).map { $0 }
        let picked = try curating("smart select over \(slots.count) rows of dataset '\(dataset.name)'") { () throws(CurationError) in
            try SmartSelect.select(request.count, from: candidates, by: strategy, vectors: vectors,
                                   options: .init(excludeNearDuplicates: request.excludeNearDuplicates, allowFewer: true,
                                                  threads: configuration.threads))
        }
        let selection = try await createSelection(name: request.name, rowIDs: picked.rows.map { rows[Int($0)].id }, in: dataset.id)
        return SmartSelectResult(selection: selection, candidates: slots.count, duplicatesSkipped: picked.skippedNearDuplicates)
    }
}
