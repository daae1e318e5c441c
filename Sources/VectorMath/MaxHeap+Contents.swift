extension MaxHeap {
    /// Copies the ids the heap holds, in heap order (not sorted), to `out`, which needs room for
    /// `count` ids; returns how many. The cheap way to hand a candidate set to the next stage.
    /// - Complexity: O(count).
    public func copyIDs(into out: UnsafeMutablePointer<UInt32>) -> Int {
        out.update(from: ids, count: count)
        return count
    }
}
