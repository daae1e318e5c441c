/// The hash tables of SimHash's bucket mode: per table a directory of `2^bits` bucket heads and,
/// for every slot, a doubly linked list entry per table, so that inserting, removing or moving a
/// slot costs O(tables) whatever the bucket sizes.
///
/// A value holding arrays; its owner (the index) keeps it under its lock.
struct SimHashBuckets {
    let tables: Int
    let bits: Int
    static let none = UInt32.max
    /// `heads[t << bits | key]`: the first slot of bucket `key` of table `t`.
    private(set) var heads: [UInt32]
    /// Slot-major: `links[2·(slot·tables + t)]` is the next slot in the bucket of table `t`,
    /// `+ 1` the previous one.
    private(set) var links: [UInt32] = []

    init(tables: Int, bits: Int) {
        self.tables = tables
        self.bits = bits
        heads = [UInt32](repeating: Self.none, count: tables << bits)
    }

    @inline(__always) private func link(_ slot: UInt32, _ table: Int) -> Int { 2 * (Int(slot) * tables + table) }

    /// Adds `slot` to bucket `keys(t)` of every table `t`.
    mutating func insert(slot: Int, keys: (Int) -> UInt32) {
        let needed = 2 * (slot + 1) * tables
        if links.count < needed { links.append(contentsOf: repeatElement(Self.none, count: needed - links.count)) }
        let s = UInt32(slot)
        for t in 0..<tables {
            let head = t << bits | Int(keys(t))
            let first = heads[head]
            links[link(s, t)] = first
            links[link(s, t) + 1] = Self.none
            if first != Self.none { links[link(first, t) + 1] = s }
            heads[head] = s
        }
    }

    /// Takes `slot` out of bucket `keys(t)` of every table `t`.
    mutating func remove(slot: Int, keys: (Int) -> UInt32) {
        let s = UInt32(slot)
        for t in 0..<tables {
            let next = links[link(s, t)], previous = links[link(s, t) + 1]
            if previous != Self.none { links[link(previous, t)] = next } else { heads[t << bits | Int(keys(t))] = next }
            if next != Self.none { links[link(next, t) + 1] = previous }
        }
    }

    /// Renumbers slot `source` (whose buckets are `keys(t)`) as `destination`, which must not be
    /// in any bucket; then forgets the links of the last slot, `source`.
    mutating func move(_ source: Int, to destination: Int, keys: (Int) -> UInt32) {
        let s = UInt32(source), d = UInt32(destination)
        for t in 0..<tables {
            let next = links[link(s, t)], previous = links[link(s, t) + 1]
            links[link(d, t)] = next
            links[link(d, t) + 1] = previous
            if previous != Self.none { links[link(previous, t)] = d } else { heads[t << bits | Int(keys(t))] = d }
            if next != Self.none { links[link(next, t) + 1] = d }
        }
        links.removeLast(2 * tables)
    }

    /// Drops the links of slots from `count` on (after the last slots were removed).
    mutating func truncate(slots count: Int) {
        if links.count > 2 * count * tables { links.removeLast(links.count - 2 * count * tables) }
    }

    /// Calls `body` with every slot in bucket `key` of table `table`.
    @inline(__always)
    func forEachSlot(table: Int, key: UInt32, _ body: (UInt32) -> Void) {
        heads.withUnsafeBufferPointer { heads in
            links.withUnsafeBufferPointer { links in
                var slot = heads[table << bits | Int(key)]
                while slot != Self.none {
                    body(slot)
                    slot = links[2 * (Int(slot) * tables + table)]
                }
            }
        }
    }

    /// Every `bits`-bit mask with 1 to `radius` bits set, fewest bits first: the perturbations of
    /// multi-probe LSH (Lv et al., "Multi-Probe LSH: Efficient Indexing for High-Dimensional
    /// Similarity Search", VLDB 2007) within Hamming distance `radius`.
    static func probeMasks(bits: Int, radius: Int) -> [UInt32] {
        var masks: [UInt32] = []
        func extend(_ mask: UInt32, from bit: Int, remaining: Int) {
            if remaining == 0 {
                masks.append(mask)
                return
            }
            guard bit < bits else { return }
            for b in bit..<bits { extend(mask | (1 << UInt32(b)), from: b + 1, remaining: remaining - 1) }
        }
        if radius >= 1 {
            for distance in 1...radius { extend(0, from: 0, remaining: distance) }
        }
        return masks
    }
}
