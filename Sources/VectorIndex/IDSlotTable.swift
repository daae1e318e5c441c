/// A map from `UInt32` ids to `UInt32` slots, built for the catalog's ids, which are dense: ids
/// below a limit that grows with the count (about twice the count) live in a plain array indexed
/// by id, so bulk loads and re-packs touch memory in order; any others live in an open-addressing
/// hash table (`OpenAddressingTable`). Several times faster than `Dictionary`, whose hashing is
/// seeded SipHash. A value holding pointers; its owner calls `deallocate()` once.
struct IDSlotTable {
    private static let empty = UInt32.max
    /// The slot of each id below `directCapacity`, `empty` where there is none.
    private var direct: UnsafeMutablePointer<UInt32>
    private var directCapacity: Int
    private var directCount = 0
    /// Ids at or above `directCapacity`.
    private var hashed = OpenAddressingTable()

    init() {
        directCapacity = 64
        direct = .allocate(capacity: directCapacity)
        direct.initialize(repeating: Self.empty, count: directCapacity)
    }

    func deallocate() {
        direct.deallocate()
        hashed.deallocate()
    }

    /// How many ids are stored.
    var count: Int { directCount + hashed.count }

    /// The slot of `id`, or nil.
    /// - Complexity: O(1) expected.
    @inline(__always) subscript(_ id: UInt32) -> UInt32? {
        if Int(id) < directCapacity {
            let slot = direct[Int(id)]
            return slot == Self.empty ? nil : slot
        }
        return hashed[id]
    }

    /// Stores `slot` for `id`, replacing any slot it had.
    /// - Complexity: O(1) expected, amortised over growth.
    @inline(__always) mutating func set(_ id: UInt32, _ slot: UInt32) {
        if Int(id) >= directCapacity && Int(id) < denseLimit(for: count + 1) {
            growDirect(to: max(Int(id) + 1, min(2 * directCapacity, denseLimit(for: count + 1))))
        }
        if Int(id) < directCapacity {
            if direct[Int(id)] == Self.empty { directCount += 1 }
            direct[Int(id)] = slot
        } else {
            hashed.set(id, slot)
        }
    }

    /// Removes `id` and returns its slot, or nil if it was absent.
    /// - Complexity: O(1) expected.
    @discardableResult mutating func remove(_ id: UInt32) -> UInt32? {
        guard Int(id) < directCapacity else { return hashed.remove(id) }
        let slot = direct[Int(id)]
        guard slot != Self.empty else { return nil }
        direct[Int(id)] = Self.empty
        directCount -= 1
        return slot
    }

    /// Makes room for `total` ids: the array covers ids up to about `total` (the dense case).
    mutating func reserve(_ total: Int) {
        if directCapacity < total { growDirect(to: min(total + 1024, Int(UInt32.max))) }
    }

    /// The array never covers more than about twice the ids stored, so sparse ids cost no memory.
    private func denseLimit(for count: Int) -> Int { 2 * count + 1024 }

    /// Extends the array to `capacity` ids and moves the hashed ids it now covers into it.
    private mutating func growDirect(to capacity: Int) {
        let grown = UnsafeMutablePointer<UInt32>.allocate(capacity: capacity)
        grown.update(from: direct, count: directCapacity)
        (grown + directCapacity).initialize(repeating: Self.empty, count: capacity - directCapacity)
        direct.deallocate()
        direct = grown
        directCapacity = capacity
        guard hashed.count > 0 else { return }
        var remaining = OpenAddressingTable()
        let old = hashed
        old.forEach { id, slot in
            if Int(id) < capacity {
                direct[Int(id)] = slot
                directCount += 1
            } else {
                remaining.set(id, slot)
            }
        }
        old.deallocate()
        hashed = remaining
    }

    /// Replaces every stored slot `s` by `transform(s)`, in memory order.
    /// - Complexity: O(capacity)
    func remapSlots(_ transform: (UInt32) -> UInt32) {
        for id in 0..<directCapacity where direct[id] != Self.empty { direct[id] = transform(direct[id]) }
        hashed.remapSlots(transform)
    }

    /// Calls `body` with every (id, slot) pair, in no particular order.
    func forEach(_ body: (UInt32, UInt32) throws -> Void) rethrows {
        for id in 0..<directCapacity where direct[id] != Self.empty { try body(UInt32(id), direct[id]) }
        try hashed.forEach(body)
    }
}
