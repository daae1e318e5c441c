import Curation
import Foundation
import VectorIndex

/// A group of near-duplicate rows with the one to keep.
public struct DuplicateGroup: Sendable, Hashable, Codable {
    /// The most central member (nearest the group's mean; for texts, the most similar to the rest).
    public var representative: String
    /// Every member, representative included, in slot order.
    public var rows: [String]
}

/// The near-duplicates among a dataset's rows.
public struct DuplicateReport: Sendable, Hashable, Codable {
    /// `vectors` (cosine similarity in a space), `texts` (Jaccard of character 5-grams, MinHash LSH)
    /// or `images` (Hamming distance of 64-bit perceptual hashes; `threshold` is the largest distance).
    public var kind: String
    public var threshold: Double
    /// Rows compared.
    public var candidates: Int
    /// Pairs at or above the threshold.
    public var pairs: Int
    public var groups: [DuplicateGroup]
    /// Rows to drop to keep one per group.
    public var redundantRows: Int
    /// Whether every pair was compared (vectors: up to 50,000 rows; texts: always verified exactly).
    public var isExact: Bool
    /// Rows left out because their content could not be read (images: a missing, truncated or
    /// oversized file), each with the reason; they are in no group.
    public var skipped: [SkippedRow] = []
}

/// A row an operation left out, and why.
public struct SkippedRow: Sendable, Hashable, Codable {
    public var rowID: String
    public var reason: String

    public init(rowID: String, reason: String) {
        self.rowID = rowID
        self.reason = reason
    }

    enum CodingKeys: String, CodingKey {
        case rowID = "rowId"
        case reason
    }
}

extension Catalog {
    /// Groups of rows whose vectors in a space have a cosine similarity of at least `threshold`
    /// (Curation's `NearDuplicates.vectors`: an exact sgemm join up to 50,000 rows, HNSW above),
    /// with one representative per group.
    /// - Parameter filter: only rows it lets through are compared.
    /// - Throws: `notFound`; `invalidArgument` for a threshold outside [0, 1] or no vectors.
    public func nearDuplicates(space reference: String, in dataset: String, threshold: Double, filter: RowFilter = RowFilter()) async throws
        -> DuplicateReport
    {
        guard threshold.isFinite, (0...1).contains(threshold) else {
            throw CatalogError.invalid("the cosine threshold must be in [0, 1] (got \(threshold))")
        }
        let space = try await self.space(reference, in: dataset)
        let only = try await store.matchingSlots(datasetID: space.datasetID, filter: filter)
        let vectors = try await StoredVectors.read(store, space: space, only: only)
        guard vectors.count >= 1 else { throw CatalogError.invalid("space '\(space.name)' has no vectors among the rows asked for") }
        let rows = try vectors.rowVectors(metric: .cosine)
        let result = try curating("near-duplicates in space '\(space.name)'") { () throws(CurationError) in
            try NearDuplicates.vectors(rows, threshold: Float(threshold), threads: configuration.threads)
        }
        return try await report(result, kind: "vectors", threshold: threshold, slots: vectors.slots, datasetID: space.datasetID)
    }

    /// Groups of text rows whose character 5-gram sets have a Jaccard similarity of at least
    /// `threshold` (Curation's `NearDuplicates.texts`: MinHash LSH, candidates verified exactly).
    /// - Throws: `notFound`; `invalidArgument` for a threshold outside (0, 1) or no text rows.
    public func nearDuplicateTexts(in dataset: String, threshold: Double, filter: RowFilter = RowFilter()) async throws -> DuplicateReport {
        guard threshold.isFinite, threshold > 0, threshold < 1 else {
            throw CatalogError.invalid("the Jaccard threshold must be in (0, 1) (got \(threshold))")
        }
        let dataset = try await store.dataset(dataset)
        var textFilter = filter
        textFilter.mediaTypes = [.text]
        var slots: [UInt32] = [], texts: [String] = []
        var after: UInt32?
        while true {
            let page = try await store.rowBatch(datasetID: dataset.id, filter: textFilter, after: after, limit: StoredVectors.pageSize)
            guard let last = page.last else { break }
            after = last.slot
            for (slot, row) in page {
                slots.append(slot)
                texts.append((try? RowContent.text(of: row)) ?? row.rowData)
            }
        }
        guard !texts.isEmpty else { throw CatalogError.invalid("dataset '\(dataset.name)' has no text rows among the rows asked for") }
        let result = try curating("near-duplicate texts in dataset '\(dataset.name)'") { () throws(CurationError) in
            try NearDuplicates.texts(texts, threshold: threshold, threads: configuration.threads)
        }
        return try await report(result, kind: "texts", threshold: threshold, slots: slots, datasetID: dataset.id)
    }

    /// Curation's result (rows = positions in `slots`) as row ids.
    func report(_ result: NearDuplicates.Result, kind: String, threshold: Double, slots: [UInt32], datasetID: String) async throws
        -> DuplicateReport
    {
        let members = result.groups.flatMap { $0.rows.map { slots[Int($0)] } }
        let ids = try await store.rowIDs(slots: members, datasetID: datasetID)
        let groups = result.groups.map { group in
            DuplicateGroup(representative: ids[slots[Int(group.representative)]] ?? "",
                           rows: group.rows.sorted().compactMap { ids[slots[Int($0)]] })
        }
        return DuplicateReport(kind: kind, threshold: threshold, candidates: slots.count, pairs: result.pairs.count, groups: groups,
                               redundantRows: result.redundantRows.count, isExact: result.isExact)
    }
}
