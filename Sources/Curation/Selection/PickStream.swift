import VectorMath

/// The proposals of one selection strategy, one row at a time: the selector accepts or refuses
/// each proposal (a refused row is a near-duplicate of an earlier pick), and the strategy adapts
/// — a cluster proposes another of its rows, a coreset drops the row.
protocol PickStream {
    /// The next proposal, or nil when the candidates are exhausted.
    mutating func next() -> SmartSelect.Pick?
    /// The last proposal was taken.
    mutating func accept()
    /// The last proposal was refused.
    mutating func refuse()
    /// Whether the stream applies the near-duplicate threshold itself (so the selector need not).
    var excludesNearDuplicatesItself: Bool { get }
    /// Rows the stream skipped itself as near-duplicates.
    var skippedNearDuplicates: Int { get }
    /// Ends the stream; a coreset returns its covering radius.
    mutating func finish() -> Float?
}

extension PickStream {
    mutating func accept() {}
    mutating func refuse() {}
    var excludesNearDuplicatesItself: Bool { false }
    var skippedNearDuplicates: Int { 0 }
    mutating func finish() -> Float? { nil }
}

/// A uniform random order of the candidates, drawn lazily: the i-th proposal swaps a random
/// position of `i..<m` into place (Fisher–Yates, Durstenfeld 1964), with only the displaced
/// positions remembered, so N proposals cost O(N) time and memory for any number of candidates.
struct RandomPicks: PickStream {
    let candidates: [UInt32]
    var random: SplitMix64
    var drawn = 0
    /// Position → the candidate index moved there by an earlier swap.
    var displaced: [Int: Int] = [:]

    init(candidates: [UInt32], seed: UInt64) {
        self.candidates = candidates
        random = SplitMix64(seed: seed)
    }

    mutating func next() -> SmartSelect.Pick? {
        guard drawn < candidates.count else { return nil }
        let j = Int.random(in: drawn..<candidates.count, using: &random)
        let chosen = displaced[j] ?? j
        displaced[j] = displaced[drawn] ?? drawn
        displaced[drawn] = nil
        drawn += 1
        return SmartSelect.Pick(row: candidates[chosen], reason: .random)
    }
}

/// The candidates sorted by a key per row: ascending or descending, ties by lower row, rows
/// without a key (nil or NaN) last by row.
struct OrderedPicks: PickStream {
    let order: [(row: UInt32, key: Double?)]
    var position = 0

    init(candidates: [UInt32], keys: [Double?], descending: Bool) {
        order = MetricValues.order(candidates, by: keys, descending: descending).map { ($0.row, $0.value) }
    }

    mutating func next() -> SmartSelect.Pick? {
        guard position < order.count else { return nil }
        defer { position += 1 }
        return SmartSelect.Pick(row: order[position].row, reason: .ordered(key: order[position].key))
    }
}
