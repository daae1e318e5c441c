import VectorIndex
import VectorMath

/// Smart Select: pick N rows out of a candidate set (a dataset, or the rows a filter matched).
///
/// Strategies:
/// - **random**: a seeded uniform sample without replacement, in random order (a lazy
///   Fisher–Yates shuffle, Durstenfeld 1964: O(N) time and memory, however many candidates).
/// - **ordered**: by a numeric key per row, ascending or descending; ties by lower row; rows
///   without a key (nil or NaN) come last, by row.
/// - **clusters**: a share per cluster — equal (water-filled: a small cluster gives what it
///   cannot use to the others) or proportional to cluster size (Hamilton's largest-remainder
///   rounding) — and inside a cluster either random rows or the most central ones (nearest the
///   mean of the cluster's candidates). Picks come round-robin over clusters, so any prefix of
///   the result is balanced too.
/// - **diverse**: the k-center greedy coreset of Sener & Savarese ("Active Learning for
///   Convolutional Neural Networks: A Core-Set Approach", ICLR 2018; Gonzalez 1985): starting from
///   a seeded random row or from already-labelled rows, repeatedly take the candidate farthest
///   from everything chosen so far. Its covering radius is at most twice the optimal one.
///
/// Any strategy can exclude near-duplicates: a proposed row whose score with an earlier pick
/// reaches `Options.excludeNearDuplicates` is skipped and the strategy proposes another.
///
/// Candidates are a set: they are sorted and repeats dropped first, so the result depends only
/// on the set, the strategy and its seed. Every pick says why it was chosen (`Reason`).
public enum SmartSelect {
    /// How rows are chosen.
    public enum Strategy: Sendable {
        /// A uniform random sample without replacement, reproducible from `seed`.
        case random(seed: UInt64)
        /// By `keys[row]` (one value per row slot; nil or NaN for a row without a value),
        /// ascending or descending; ties by lower row; rows without a key last.
        case ordered(keys: [Double?], descending: Bool)
        /// A share of the picks per cluster.
        case clusters(ClusterPlan)
        /// A k-center greedy coreset: each pick is the candidate farthest from all rows chosen
        /// so far. Needs vectors.
        case diverse(start: CoresetStart)
    }

    /// How a cluster-based selection shares the picks.
    public struct ClusterPlan: Sendable {
        /// How many picks each cluster gets.
        public enum Allocation: Sendable, Equatable {
            /// The same number per cluster; a cluster with too few candidates gives its unused
            /// share to the others; a remainder goes to the larger clusters (then lower ids).
            case equal
            /// Proportional to the cluster's number of candidates, rounded by largest remainder
            /// (ties to the larger cluster, then the lower id).
            case proportional
        }

        /// Which rows a cluster gives.
        public enum Within: Sendable, Equatable {
            /// Random rows, reproducible from `seed`.
            case random(seed: UInt64)
            /// The rows nearest the mean of the cluster's candidates first (needs vectors).
            case mostCentral
        }

        /// What happens to noise rows (cluster id −1).
        public enum Noise: Sendable, Equatable {
            /// They are never picked.
            case exclude
            /// They form one more cluster.
            case asCluster
        }

        /// The cluster id of every row slot (−1 for noise).
        public var clusters: [Int32]
        public var allocation: Allocation
        public var within: Within
        public var noise: Noise

        /// A plan over `clusters` (one id per row slot, −1 for noise).
        public init(clusters: [Int32], allocation: Allocation = .proportional, within: Within = .random(seed: 0),
                    noise: Noise = .exclude) {
            self.clusters = clusters
            self.allocation = allocation
            self.within = within
            self.noise = noise
        }
    }

    /// Where a k-center coreset starts.
    public enum CoresetStart: Sendable, Equatable {
        /// From one random candidate, reproducible from `seed`.
        case seeded(UInt64)
        /// From rows already labelled (any rows, candidates or not): they count as chosen, so
        /// the first pick is the candidate farthest from all of them; they are never picked.
        case labelled([UInt32])
    }

    /// Settings shared by every strategy.
    public struct Options: Sendable {
        /// Skip a proposed row whose score with an earlier pick is at least this: a score of the
        /// vectors' metric (cosine similarity, inner product, or −distance for L2). Needs
        /// vectors. A diverse selection also skips rows this close to a labelled row, and stops
        /// when every remaining candidate is.
        public var excludeNearDuplicates: Float?
        /// When more rows are asked for than there are candidates, return all of them
        /// (`Selection.wasClamped`) instead of throwing `notEnoughRows`.
        public var allowFewer: Bool
        /// Worker threads for the coreset's distance updates.
        public var threads: Int

        /// Options; `threads` defaults to every core.
        public init(excludeNearDuplicates: Float? = nil, allowFewer: Bool = false, threads: Int? = nil) {
            self.excludeNearDuplicates = excludeNearDuplicates
            self.allowFewer = allowFewer
            self.threads = threads ?? Parallel.availableCores
        }
    }

    /// Why a row was picked.
    public enum Reason: Sendable, Equatable {
        /// Drawn at random.
        case random
        /// Its key (nil for a row without one, picked after all rows with keys).
        case ordered(key: Double?)
        /// From `cluster`, as its `rank`-th row (0-based) in the cluster's order; with
        /// most-central picks, its distance to the mean of the cluster's candidates.
        case cluster(id: Int32, rank: Int, centreDistance: Float?)
        /// Its distance to the nearest row chosen before it (earlier picks and labelled rows):
        /// the covering radius it closed. Nil for the first, randomly seeded pick.
        case coreset(distance: Float?)

        /// The number that ranks this pick, if it has one: the key, the distance to the cluster
        /// mean, or the coreset distance.
        public var score: Double? {
            switch self {
            case .random: nil
            case .ordered(let key): key
            case .cluster(_, _, let distance): distance.map(Double.init)
            case .coreset(let distance): distance.map(Double.init)
            }
        }
    }

    /// One picked row.
    public struct Pick: Sendable, Equatable {
        /// The row slot.
        public var row: UInt32
        /// Why it was picked.
        public var reason: Reason
    }

    /// The outcome of a selection.
    public struct Selection: Sendable {
        /// The picks, in pick order.
        public var picks: [Pick]
        /// How many rows were asked for.
        public var requested: Int
        /// Distinct candidate rows.
        public var candidateCount: Int
        /// More rows were asked for than there were candidates, and all were returned.
        public var wasClamped: Bool
        /// Proposed rows skipped as near-duplicates of earlier picks.
        public var skippedNearDuplicates: Int
        /// For a diverse selection: the distance from the farthest candidate to its nearest pick
        /// or labelled row, after the last pick.
        public var coveringRadius: Float?

        /// The picked rows, in pick order.
        public var rows: [UInt32] { picks.map(\.row) }
        /// Fewer rows than requested came back (clamped, or near-duplicates ran the candidates out).
        public var isShort: Bool { picks.count < requested }
    }

    /// Picks `count` rows out of `candidates` by `strategy`.
    ///
    /// - Parameters:
    ///   - count: how many rows to pick (at least 1).
    ///   - candidates: the row slots to pick from (repeats are ignored).
    ///   - strategy: how to pick.
    ///   - vectors: the rows' vectors, needed by diverse and most-central picks and by
    ///     near-duplicate exclusion.
    ///   - options: near-duplicate exclusion, clamping, threads.
    /// - Returns: the picks in order; fewer than `count` only when clamped or when excluding
    ///   near-duplicates left too few rows (`Selection.isShort`).
    /// - Throws: `CurationError` — `invalidArgument` for `count` < 1 or a missing input,
    ///   `notEnoughRows` for no candidates or fewer than `count` without `allowFewer`,
    ///   `unknownRow` for a row outside the vectors, keys or cluster ids.
    /// - Complexity: random O(N); ordered O(m log m) for m candidates; clusters O(m log m), plus
    ///   O(m·d) for most-central picks; diverse O(N·m·d) on `threads` cores (plus O(L·m·d) at
    ///   BLAS speed for L labelled rows); near-duplicate exclusion adds O(N·d) per proposal.
    public static func select(
        _ count: Int, from candidates: [UInt32], by strategy: Strategy, vectors: RowVectors? = nil, options: Options = Options()
    ) throws(CurationError) -> Selection {
        guard count >= 1 else { throw CurationError(.invalidArgument, "the number of rows to select must be at least 1 (got \(count))") }
        guard options.threads >= 1 else { throw CurationError(.invalidArgument, "threads must be at least 1 (got \(options.threads))") }
        var rows = candidates
        rows.sortAndRemoveDuplicates()
        try keepEligible(&rows, strategy: strategy)
        guard !rows.isEmpty else { throw CurationError(.notEnoughRows, "there are no candidate rows to select from") }
        var target = count
        if count > rows.count {
            guard options.allowFewer else {
                throw CurationError(.notEnoughRows, "asked for \(count) rows but there are only \(rows.count) candidates; ask for fewer or allow fewer")
            }
            target = rows.count
        }
        if let vectors { try vectors.validate(rows: rows, what: "the candidates") }
        if let threshold = options.excludeNearDuplicates {
            guard vectors != nil else { throw CurationError(.invalidArgument, "excluding near-duplicates needs the rows' vectors") }
            guard threshold.isFinite else { throw CurationError(.invalidArgument, "the near-duplicate threshold must be finite (got \(threshold))") }
        }

        var stream = try makeStream(strategy, candidates: rows, count: target, vectors: vectors, options: options)
        var picks: [Pick] = []
        picks.reserveCapacity(target)
        var skipped = 0
        let excluded = options.excludeNearDuplicates.flatMap { threshold in
            stream.excludesNearDuplicatesItself ? nil : vectors.map { PickedRows(vectors: $0, threshold: threshold, capacity: target) }
        }
        while picks.count < target, let pick = stream.next() {
            if let excluded, excluded.isNearDuplicate(Int(pick.row)) {
                stream.refuse()
                skipped += 1
                continue
            }
            stream.accept()
            excluded?.append(Int(pick.row))
            picks.append(pick)
        }
        skipped += stream.skippedNearDuplicates
        return Selection(picks: picks, requested: count, candidateCount: rows.count, wasClamped: target < count,
                         skippedNearDuplicates: skipped, coveringRadius: stream.finish())
    }

    /// Drops the candidates a strategy never picks (labelled rows of a coreset, noise rows a
    /// cluster plan excludes) after checking that its per-row inputs cover every candidate.
    private static func keepEligible(_ rows: inout [UInt32], strategy: Strategy) throws(CurationError) {
        switch strategy {
        case .random:
            break
        case .ordered(let keys, _):
            if let bad = rows.first(where: { Int($0) >= keys.count }) {
                throw CurationError(.unknownRow, "the ordering key has \(keys.count) values but candidate row \(bad) is past them")
            }
        case .clusters(let plan):
            if let bad = rows.first(where: { Int($0) >= plan.clusters.count }) {
                throw CurationError(.unknownRow, "there are \(plan.clusters.count) cluster ids but candidate row \(bad) is past them")
            }
            if let bad = rows.first(where: { plan.clusters[Int($0)] < -1 }) {
                throw CurationError(.invalidArgument, "row \(bad) has cluster id \(plan.clusters[Int(bad)]); ids are ≥ 0, or −1 for noise")
            }
            if plan.noise == .exclude { rows.removeAll { plan.clusters[Int($0)] == -1 } }
        case .diverse(let start):
            if case .labelled(let labelled) = start {
                let isLabelled = Set(labelled)
                rows.removeAll { isLabelled.contains($0) }
            }
        }
    }

    /// The stream of proposals of `strategy` over sorted, distinct, eligible `candidates`, for
    /// `count` picks.
    private static func makeStream(
        _ strategy: Strategy, candidates: [UInt32], count: Int, vectors: RowVectors?, options: Options
    ) throws(CurationError) -> any PickStream {
        switch strategy {
        case .random(let seed):
            return RandomPicks(candidates: candidates, seed: seed)
        case .ordered(let keys, let descending):
            return OrderedPicks(candidates: candidates, keys: keys, descending: descending)
        case .clusters(let plan):
            if plan.within == .mostCentral && vectors == nil {
                throw CurationError(.invalidArgument, "most-central picks inside clusters need the rows' vectors")
            }
            return ClusterPicks(candidates: candidates, count: count, plan: plan, vectors: vectors)
        case .diverse(let start):
            guard let vectors else { throw CurationError(.invalidArgument, "a diverse (k-center) selection needs the rows' vectors") }
            if case .labelled(let labelled) = start {
                guard !labelled.isEmpty else {
                    throw CurationError(.invalidArgument, "a coreset started from labelled rows needs at least one; use a seeded start instead")
                }
                try vectors.validate(rows: labelled, what: "the labelled rows")
            }
            return CoresetPicks(candidates: candidates, start: start, vectors: vectors, threads: options.threads,
                                excludeWithin: options.excludeNearDuplicates)
        }
    }
}
