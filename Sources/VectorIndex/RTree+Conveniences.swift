/// Array conveniences over the pointer-level `RTree` API.
extension RTree {
    /// Adds boxes, one per id; an id already present is replaced.
    /// - Throws: as `add(boxes:ids:)` with buffers.
    /// - Complexity: amortised O(1) per box, plus a bulk load (O(n)) when the buffer is packed.
    public func add(boxes: [Box2D], ids: [UInt32]) throws {
        try boxes.withUnsafeBufferPointer { boxes in
            try ids.withUnsafeBufferPointer { ids in try add(boxes: boxes, ids: ids) }
        }
    }
}
