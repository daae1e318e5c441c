/// A binary max-heap of `(key, id)` pairs on memory allocated once and reused, for the hot loops of
/// search: top-k selection keeps the k *lowest* keys by evicting the maximum, and a min-heap is the
/// same heap fed negated keys.
///
/// The heap is a plain value holding pointers: copy it into a local variable inside a hot loop
/// (no exclusivity checks, no reference counting) and call `deallocate()` exactly once when done.
public struct MaxHeap {
    @usableFromInline let keys: UnsafeMutablePointer<Float>
    @usableFromInline let ids: UnsafeMutablePointer<UInt32>
    /// The most pairs the heap can hold.
    public let capacity: Int
    @usableFromInline var storedCount: Int
    /// The number of pairs it holds.
    @inlinable public var count: Int { storedCount }

    /// Allocates a heap for up to `capacity` pairs.
    public init(capacity: Int) {
        self.capacity = max(capacity, 1)
        keys = .allocate(capacity: self.capacity)
        ids = .allocate(capacity: self.capacity)
        storedCount = 0
    }

    /// Frees the heap's memory. The heap must not be used afterwards.
    public func deallocate() {
        keys.deallocate()
        ids.deallocate()
    }

    @inlinable public var isEmpty: Bool { count == 0 }
    @inlinable public var isFull: Bool { count == capacity }
    /// The largest key. Only valid when the heap is not empty.
    @inlinable public var topKey: Float { keys[0] }
    /// The id of the largest key. Only valid when the heap is not empty.
    @inlinable public var topID: UInt32 { ids[0] }

    /// Empties the heap without freeing memory.
    @inlinable public mutating func removeAll() { storedCount = 0 }

    /// Adds a pair. The heap must not be full.
    /// - Complexity: O(log n)
    @inlinable public mutating func push(_ key: Float, _ id: UInt32) {
        var child = storedCount
        storedCount += 1
        while child > 0 {
            let parent = (child - 1) >> 1
            if keys[parent] >= key { break }
            keys[child] = keys[parent]
            ids[child] = ids[parent]
            child = parent
        }
        keys[child] = key
        ids[child] = id
    }

    /// Removes the pair with the largest key.
    /// - Complexity: O(log n)
    @inlinable public mutating func pop() {
        storedCount -= 1
        if storedCount > 0 { siftDown(keys[storedCount], ids[storedCount]) }
    }

    /// Replaces the pair with the largest key by `(key, id)`: one sift instead of pop + push.
    /// - Complexity: O(log n)
    @inlinable public mutating func replaceTop(_ key: Float, _ id: UInt32) {
        siftDown(key, id)
    }

    /// Keeps the `capacity` lowest keys seen: pushes while there is room, then replaces the top
    /// when `key` is lower. Returns whether the pair was kept.
    @inlinable @discardableResult
    public mutating func keepLowest(_ key: Float, _ id: UInt32) -> Bool {
        if count < capacity {
            push(key, id)
            return true
        }
        if key < keys[0] {
            siftDown(key, id)
            return true
        }
        return false
    }

    @inlinable mutating func siftDown(_ key: Float, _ id: UInt32) {
        var parent = 0
        while true {
            var child = 2 * parent + 1
            if child >= count { break }
            if child + 1 < count && keys[child + 1] > keys[child] { child += 1 }
            if keys[child] <= key { break }
            keys[parent] = keys[child]
            ids[parent] = ids[child]
            parent = child
        }
        keys[parent] = key
        ids[parent] = id
    }

    /// Copies every pair of `other` into this empty heap, which must be at least as large.
    public mutating func adopt(_ other: MaxHeap) {
        keys.update(from: other.keys, count: other.count)
        ids.update(from: other.ids, count: other.count)
        storedCount = other.count
    }

    /// Empties the heap into `(key, id)` pairs sorted by ascending key (ties by ascending id).
    public mutating func drainAscending() -> [(key: Float, id: UInt32)] {
        var result = [(key: Float, id: UInt32)](repeating: (0, 0), count: count)
        var index = count - 1
        while count > 0 {
            result[index] = (keys[0], ids[0])
            pop()
            index -= 1
        }
        // Heap order does not break ties by id; make equal keys deterministic.
        result.sort { $0.key != $1.key ? $0.key < $1.key : $0.id < $1.id }
        return result
    }
}
