/// Array conveniences over the pointer-level `RTree` API.
extension RTree {
    /// Adds boxes, one per id; an id already present is replaced.
    /// - Throws: as `add(boxes:ids:)` with buffers.
    public func add(boxes: [Box2D], ids: [UInt32]) throws {
        try boxes.withUnsafeBufferPointer { boxes in
            try ids.withUnsafeBufferPointer { ids in try add(boxes: boxes, ids: ids) }
        }
    }
}
