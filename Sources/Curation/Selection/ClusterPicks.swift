import VectorMath

/// Cluster-based proposals: each cluster gets a share of the picks and proposes its rows in its
/// own order (random, or nearest its mean first); clusters take turns, so the picks interleave.
///
/// A refused row (a near-duplicate) is replaced by the next row of the same cluster on its next
/// turn. A cluster that runs out of rows before its share is met leaves the rest to the others,
/// which then continue round-robin past their shares.
struct ClusterPicks: PickStream {
    struct Group {
        let id: Int32
        /// The cluster's candidates in the order it proposes them.
        let members: [UInt32]
        /// With most-central picks, each member's distance to the cluster mean.
        let distances: [Float]?
        let share: Int
        var position = 0
        var taken = 0
    }

    private(set) var groups: [Group]
    private var cursor = 0
    private var last = 0
    private var overflow = false

    /// Groups `candidates` (sorted, none of them excluded noise) by cluster and shares `count`
    /// picks among them.
    init(candidates: [UInt32], count: Int, plan: SmartSelect.ClusterPlan, vectors: RowVectors?) {
        var membersOf: [Int32: [UInt32]] = [:]
        for row in candidates { membersOf[plan.clusters[Int(row)], default: []].append(row) }
        let ids = membersOf.keys.sorted()
        let sizes = ids.map { membersOf[$0]!.count }
        let shares = plan.allocation == .equal
            ? Self.equalShares(sizes: sizes, total: count)
            : Self.proportionalShares(sizes: sizes, total: count)
        var random = SplitMix64(seed: { if case .random(let seed) = plan.within { seed } else { 0 } }())
        groups = zip(ids, shares).map { id, share in
            var members = membersOf[id]!
            var distances: [Float]?
            switch plan.within {
            case .random:
                for i in stride(from: members.count - 1, to: 0, by: -1) {
                    members.swapAt(i, Int.random(in: 0...i, using: &random))
                }
            case .mostCentral:
                if let vectors {
                    let ranked = Self.byCentrality(members, vectors: vectors)
                    members = ranked.map(\.row)
                    distances = ranked.map(\.distance)
                }
            }
            return Group(id: id, members: members, distances: distances, share: share)
        }
    }

    mutating func next() -> SmartSelect.Pick? {
        for pass in 0..<2 {
            for step in 0..<groups.count {
                let g = (cursor + step) % groups.count
                guard groups[g].position < groups[g].members.count, overflow || groups[g].taken < groups[g].share else { continue }
                let rank = groups[g].position
                groups[g].position += 1
                groups[g].taken += 1
                last = g
                cursor = g + 1
                let group = groups[g]
                return SmartSelect.Pick(row: group.members[rank],
                                        reason: .cluster(id: group.id, rank: rank, centreDistance: group.distances?[rank]))
            }
            // Every cluster with rows left has met its share while another ran out: share on.
            if pass == 0 { overflow = true }
        }
        return nil
    }

    mutating func refuse() { groups[last].taken -= 1 }

    // MARK: Shares

    /// Equal shares, water-filled: every cluster gets `min(size, L)` for the largest level `L`
    /// that fits in `total`; the remainder goes one each to the clusters larger than `L`,
    /// largest first (ties by position). Needs `total ≤ sizes.sum()`.
    static func equalShares(sizes: [Int], total: Int) -> [Int] {
        func filled(_ level: Int) -> Int { sizes.reduce(0) { $0 + min($1, level) } }
        var low = 0, high = sizes.max() ?? 0
        while low < high {
            let middle = (low + high + 1) / 2
            if filled(middle) <= total { low = middle } else { high = middle - 1 }
        }
        var shares = sizes.map { min($0, low) }
        var remainder = total - filled(low)
        for g in sizes.indices.sorted(by: { sizes[$0] != sizes[$1] ? sizes[$0] > sizes[$1] : $0 < $1 }) where remainder > 0 && sizes[g] > low {
            shares[g] += 1
            remainder -= 1
        }
        return shares
    }

    /// Shares proportional to `sizes`, by largest remainder (Hamilton's method): each cluster
    /// gets ⌊total · size / Σsize⌋, and the seats left go to the largest fractional parts (ties
    /// to the larger cluster, then by position). Needs `total ≤ sizes.sum()`.
    static func proportionalShares(sizes: [Int], total: Int) -> [Int] {
        let sum = sizes.reduce(0, +)
        guard sum > 0 else { return sizes.map { _ in 0 } }
        var shares = sizes.map { total * $0 / sum }
        let fractions = sizes.map { total * $0 % sum }
        var remainder = total - shares.reduce(0, +)
        let order = sizes.indices.sorted { a, b in
            if fractions[a] != fractions[b] { return fractions[a] > fractions[b] }
            if sizes[a] != sizes[b] { return sizes[a] > sizes[b] }
            return a < b
        }
        for g in order where remainder > 0 {
            shares[g] += 1
            remainder -= 1
        }
        return shares
    }

    // MARK: Centrality

    /// `members` by their distance to the members' mean (normalised under cosine), nearest first,
    /// ties by row.
    static func byCentrality(_ members: [UInt32], vectors: RowVectors) -> [(row: UInt32, distance: Float)] {
        var ranked = Array(zip(members, vectors.distancesToMean(of: members))).map { (row: $0.0, distance: $0.1) }
        ranked.sort { $0.distance != $1.distance ? $0.distance < $1.distance : $0.row < $1.row }
        return ranked
    }
}
