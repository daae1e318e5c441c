/// A hash map from `UInt32` ids to `UInt32` slots: open addressing with linear probing, a
/// multiplicative (Fibonacci) hash, at most half full, and backward-shift deletion (Knuth, TAOCP
/// vol. 3, 6.4, Algorithm R), so there are no tombstones. A value holding pointers; its owner
/// calls `deallocate()` once.
struct OpenAddressingTable {
    private static let empty = UInt32.max
    private var keys: UnsafeMutablePointer<UInt32>
    /// `empty` marks a free bucket; a stored slot is never `UInt32.max`.
    private var values: UnsafeMutablePointer<UInt32>
    private var mask: Int
    private var shift: UInt64
    /// How many ids are stored.
    private(set) var count = 0

    init(minimumCapacity: Int = 0) {
        let buckets = Self.buckets(for: minimumCapacity)
        keys = .allocate(capacity: buckets)
        values = .allocate(capacity: buckets)
        values.initialize(repeating: Self.empty, count: buckets)
        mask = buckets - 1
        shift = UInt64(64 - buckets.trailingZeroBitCount)
    }

    /// A power of two at least twice `count`.
    private static func buckets(for count: Int) -> Int {
        var buckets = 16
        while buckets < 2 * count { buckets *= 2 }
        return buckets
    }

    func deallocate() {
        keys.deallocate()
        values.deallocate()
    }

    @inline(__always) private func home(_ id: UInt32) -> Int {
        Int(truncatingIfNeeded: (UInt64(id) &* 0x9E37_79B9_7F4A_7C15) >> shift)
    }

    /// The slot of `id`, or nil.
    /// - Complexity: O(1) expected.
    @inline(__always) subscript(_ id: UInt32) -> UInt32? {
        var bucket = home(id)
        while values[bucket] != Self.empty {
            if keys[bucket] == id { return values[bucket] }
            bucket = (bucket + 1) & mask
        }
        return nil
    }

    /// Stores `slot` for `id`, replacing any slot it had.
    /// - Complexity: O(1) expected, amortised over growth.
    @inline(__always) mutating func set(_ id: UInt32, _ slot: UInt32) {
        if 2 * (count + 1) > mask + 1 { grow(to: count + 1) }
        var bucket = home(id)
        while values[bucket] != Self.empty {
            if keys[bucket] == id {
                values[bucket] = slot
                return
            }
            bucket = (bucket + 1) & mask
        }
        keys[bucket] = id
        values[bucket] = slot
        count += 1
    }

    /// Removes `id` and returns its slot, or nil if it was absent.
    /// - Complexity: O(1) expected.
    @discardableResult mutating func remove(_ id: UInt32) -> UInt32? {
        var bucket = home(id)
        while keys[bucket] != id || values[bucket] == Self.empty {
            if values[bucket] == Self.empty { return nil }
            bucket = (bucket + 1) & mask
        }
        let removed = values[bucket]
        // Shift later members of the cluster back into the hole when their home allows it.
        var hole = bucket, next = bucket
        while true {
            next = (next + 1) & mask
            if values[next] == Self.empty { break }
            let wanted = home(keys[next])
            // Move unless `wanted` lies cyclically in (hole, next].
            let staysPut = hole <= next ? (hole < wanted && wanted <= next) : (hole < wanted || wanted <= next)
            if staysPut { continue }
            keys[hole] = keys[next]
            values[hole] = values[next]
            hole = next
        }
        values[hole] = Self.empty
        count -= 1
        return removed
    }

    /// Makes room for `total` ids without growing.
    mutating func reserve(_ total: Int) {
        if 2 * total > mask + 1 { grow(to: total) }
    }

    private mutating func grow(to total: Int) {
        var grown = OpenAddressingTable(minimumCapacity: max(total, 2 * count))
        for bucket in 0...mask where values[bucket] != Self.empty { grown.set(keys[bucket], values[bucket]) }
        deallocate()
        self = grown
    }

    /// Replaces every stored slot `s` by `transform(s)`: one sequential pass over the buckets.
    /// - Complexity: O(capacity)
    func remapSlots(_ transform: (UInt32) -> UInt32) {
        for bucket in 0...mask where values[bucket] != Self.empty { values[bucket] = transform(values[bucket]) }
    }

    /// Calls `body` with every (id, slot) pair, in no particular order.
    func forEach(_ body: (UInt32, UInt32) throws -> Void) rethrows {
        for bucket in 0...mask where values[bucket] != Self.empty { try body(keys[bucket], values[bucket]) }
    }
}
