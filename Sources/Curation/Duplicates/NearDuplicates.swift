import VectorIndex
import VectorMath

/// Near-duplicates: every pair of rows at or above a similarity threshold, joined into groups
/// (connected components, by union-find) with one representative per group.
///
/// - Vectors (`vectors(_:rows:threshold:…)`): the threshold is a score of the space's metric
///   (cosine similarity, inner product, or −distance for L2). Up to `exactLimit` rows, every
///   pair is scored by blocked BLAS sgemm — an exact threshold join; beyond, or over an existing
///   `VectorIndex`, each row's neighbours above the threshold come from the index (its `k`
///   doubling while every neighbour found passes) and every pair is verified against the stored
///   vectors.
/// - Texts and token sets (`texts(_:…)`, `sets(_:…)`): the threshold is a Jaccard similarity of
///   shingle sets; candidates come from MinHash LSH (`MinHashLSHIndex`) and are verified
///   exactly against the kept sets (or by the signature estimate).
///
/// Groups are transitive: if a≈b and b≈c they form one group even when a and c are further
/// apart than the threshold.
public enum NearDuplicates {
    /// Two rows at or above the threshold.
    public struct Pair: Sendable, Hashable {
        /// The lower row.
        public var first: UInt32
        /// The higher row.
        public var second: UInt32
        /// Their similarity: the metric's score, or the Jaccard similarity.
        public var score: Float

        public init(first: UInt32, second: UInt32, score: Float) {
            self.first = first
            self.second = second
            self.score = score
        }
    }

    /// Rows that are near-duplicates of each other, directly or through other members.
    public struct Group: Sendable, Hashable {
        /// The members, ascending.
        public var rows: [UInt32]
        /// The member to keep (see `Representative`).
        public var representative: UInt32
    }

    /// Which member of a group represents it.
    public enum Representative: Sendable {
        /// For vectors, the member nearest the mean of the group's vectors; for texts and sets,
        /// the member with the largest sum of similarities to the members it was paired with.
        /// Ties go to the lower row.
        case mostCentral
        /// The lowest row (the first imported, when rows are numbered in import order).
        case earliestRow
        /// The member with the highest value (one per row slot; nil or NaN never wins unless
        /// every member lacks a value, then the lowest row). Ties go to the lower row.
        case highestValue([Double?])
    }

    /// How vector pairs are found.
    public enum Method: Sendable {
        /// `exact` up to `exactLimit` rows, else `graph` with default parameters.
        case automatic
        /// Every pair scored by blocked sgemm: O(n²·d), exact.
        case exact
        /// An HNSW graph built over the rows; each row asks for `neighbors` neighbours first.
        case graph(HNSWParameters, neighbors: Int)
    }

    /// The near-duplicates found.
    public struct Result: Sendable {
        /// Every pair at or above the threshold, ordered by first then second row.
        public var pairs: [Pair]
        /// The groups, ordered by their lowest row.
        public var groups: [Group]
        /// True when every pair of rows was compared (no approximate candidate step).
        public var isExact: Bool
        /// Similarities computed to find and verify the pairs.
        public var candidatesScored: Int
        /// Rows whose neighbours above the threshold outnumbered the most the index was asked
        /// for (`maxNeighbors`): some of their pairs may be missing. Zero for exact answers.
        public var saturatedRows: Int

        /// Every row in some group, ascending.
        public var duplicatedRows: [UInt32] { groups.flatMap(\.rows).sorted() }
        /// The rows to drop to keep one per group: every member but the representative.
        public var redundantRows: [UInt32] { groups.flatMap { g in g.rows.filter { $0 != g.representative } }.sorted() }
    }

    /// Rows at most this many are joined exactly by `.automatic`.
    public static let exactLimit = 50_000
    /// The most pairs an answer may hold by default (about 0.6 GB): a threshold that matches
    /// more is almost certainly too loose.
    public static let defaultMaxPairs = 50_000_000

    // MARK: Grouping

    /// Joins `pairs` into groups and picks each group's representative.
    /// - Parameter centrality: for `.mostCentral`, the member with the lowest value wins.
    static func groups(
        of pairs: [Pair], representative: Representative, centrality: ([UInt32]) -> [Float]
    ) -> [Group] {
        var rows = pairs.flatMap { [$0.first, $0.second] }
        rows.sortAndRemoveDuplicates()
        var index: [UInt32: Int] = [:]
        index.reserveCapacity(rows.count)
        for (i, row) in rows.enumerated() { index[row] = i }
        var sets = UnionFind(count: rows.count)
        for pair in pairs { sets.union(index[pair.first]!, index[pair.second]!) }
        return sets.components().map { component in
            let members = component.map { rows[$0] }
            return Group(rows: members, representative: pick(representative, among: members, centrality: centrality))
        }
    }

    private static func pick(_ rule: Representative, among members: [UInt32], centrality: ([UInt32]) -> [Float]) -> UInt32 {
        switch rule {
        case .earliestRow:
            return members[0]
        case .mostCentral:
            let distances = centrality(members)
            var best = 0
            for i in members.indices where distances[i] < distances[best] { best = i }
            return members[best]
        case .highestValue(let values):
            var best: (row: UInt32, value: Double)?
            for row in members {
                guard Int(row) < values.count, let value = values[Int(row)], !value.isNaN else { continue }
                if best == nil || value > best!.value { best = (row, value) }
            }
            return best?.row ?? members[0]
        }
    }

    /// For sets: minus the sum of each member's pair similarities (lower is more central).
    static func pairCentrality(_ pairs: [Pair]) -> ([UInt32]) -> [Float] {
        var sum: [UInt32: Float] = [:]
        for pair in pairs {
            sum[pair.first, default: 0] += pair.score
            sum[pair.second, default: 0] += pair.score
        }
        return { members in members.map { -(sum[$0] ?? 0) } }
    }

    /// Sorts pairs by rows and keeps one of each.
    static func canonical(_ pairs: [Pair]) -> [Pair] {
        var sorted = pairs
        sorted.sort { $0.first != $1.first ? $0.first < $1.first : $0.second < $1.second }
        return sorted.enumerated().filter { i, pair in
            i == 0 || sorted[i - 1].first != pair.first || sorted[i - 1].second != pair.second
        }.map(\.element)
    }

    /// One worker's findings in a search over an index.
    final class Findings {
        var pairs: [Pair] = []
        /// Similarities computed.
        var scored = 0
        /// Rows whose neighbour list came back full.
        var saturated = 0
        /// The first error the worker met; it stops at it.
        var error: (any Error)?
    }

    /// The workers' pairs, canonical, once none failed and they fit in `maxPairs`.
    /// - Throws: `invalidArgument` carrying a worker's error, `limitExceeded` past `maxPairs`.
    static func merged(_ findings: [Findings], maxPairs: Int, threshold: String) throws(CurationError) -> [Pair] {
        if let error = findings.compactMap(\.error).first {
            throw CurationError(.invalidArgument, "a near-duplicate search failed", underlying: error)
        }
        let pairs = canonical(findings.flatMap(\.pairs))
        guard pairs.count <= maxPairs else { throw tooManyPairs(maxPairs, threshold: threshold) }
        return pairs
    }

    static func tooManyPairs(_ maxPairs: Int, threshold: String) -> CurationError {
        CurationError(.limitExceeded, "more than \(maxPairs) pairs of rows have a similarity of at least \(threshold); raise the threshold (or the pair limit)")
    }

    /// Checks that `representative`'s values cover `rows`.
    static func validate(_ representative: Representative, rows: [UInt32]) throws(CurationError) {
        if case .highestValue(let values) = representative, let bad = rows.first(where: { Int($0) >= values.count }) {
            throw CurationError(.unknownRow, "the representative's values cover \(values.count) rows but row \(bad) is past them")
        }
    }
}
