extension MaxHeap {
    /// Whether `(key, id)` comes before `(otherKey, otherID)`: lower key first, then lower id.
    @inlinable @inline(__always)
    static func precedes(_ key: Float, _ id: UInt32, _ otherKey: Float, _ otherID: UInt32) -> Bool {
        key < otherKey || (key == otherKey && id < otherID)
    }

    /// Keeps the `capacity` lowest `(key, id)` pairs seen, ordered by key and then by id, so that
    /// among equal keys the lower ids stay: the answer of an exact search does not depend on the
    /// order in which candidates were visited. Returns whether the pair was kept.
    ///
    /// Use either this method or the key-only `push`/`keepLowest` on one heap, never both.
    /// - Complexity: O(log capacity).
    @inlinable @discardableResult
    public mutating func keepLowestBreakingTies(_ key: Float, _ id: UInt32) -> Bool {
        if count < capacity {
            var child = storedCount
            storedCount += 1
            while child > 0 {
                let parent = (child - 1) >> 1
                if !Self.precedes(keys[parent], ids[parent], key, id) { break }
                keys[child] = keys[parent]
                ids[child] = ids[parent]
                child = parent
            }
            keys[child] = key
            ids[child] = id
            return true
        }
        guard Self.precedes(key, id, keys[0], ids[0]) else { return false }
        var parent = 0
        while true {
            var child = 2 * parent + 1
            if child >= count { break }
            if child + 1 < count && Self.precedes(keys[child], ids[child], keys[child + 1], ids[child + 1]) { child += 1 }
            if !Self.precedes(key, id, keys[child], ids[child]) { break }
            keys[parent] = keys[child]
            ids[parent] = ids[child]
            parent = child
        }
        keys[parent] = key
        ids[parent] = id
        return true
    }
}
