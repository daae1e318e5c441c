extension RTree {
    static let fileKind = "RTRE"

    /// Writes the live items to `path` atomically (temporary file, fsync, rename). The tree is
    /// not written: `load(from:)` packs it again by STR, which is linear and compacts it.
    /// - Complexity: O(n) bytes written.
    public func save(to path: String) throws {
        try lock.withReadLock {
            let count = liveCount
            var columns = [[Float]](repeating: [], count: 4)
            var ids: [UInt32] = []
            ids.reserveCapacity(count)
            for c in columns.indices { columns[c].reserveCapacity(count) }
            for slot in 0..<(packedCount + bufferCount) where slot >= packedCount || !isDeleted(slot) {
                let box = items[slot]
                columns[0].append(box.minX)
                columns[1].append(box.minY)
                columns[2].append(box.maxX)
                columns[3].append(box.maxY)
                ids.append(itemIDs.base[slot])
            }
            let writer = try IndexFile.Writer(path: path, kind: Self.fileKind)
            var meta = IndexFile.Encoder()
            IndexHeader(dimensions: dimensions, metric: metric, count: count).encode(into: &meta)
            try writer.section("META", meta.bytes)
            var options = IndexFile.Encoder()
            options.append(UInt32(nodeCapacity))
            try writer.section("OPTS", options.bytes)
            try (columns[0] + columns[1] + columns[2] + columns[3]).withUnsafeBytes { try writer.section("BOXS", $0) }
            try ids.withUnsafeBytes { try writer.section("IDS_", $0) }
            try writer.finish()
        }
    }

    /// Reads a tree written by `save(to:)` and packs it.
    /// - Throws: `corruptFile` for a truncated, damaged or foreign file (or one whose boxes or ids
    ///   do not make a valid tree), `incompatibleFile` for another index kind or format version,
    ///   `io` when the file cannot be read.
    /// - Complexity: O(n) for n items.
    public static func load(from path: String) throws -> RTree {
        let reader = try IndexFile.Reader(path: path)
        try reader.expect(kind: fileKind)
        var decoder = IndexFile.Decoder(try reader.section("META"), section: "META")
        let header = try IndexHeader.decode(from: &decoder, path: path)
        guard header.dimensions == 2, header.metric == .l2 else {
            throw VectorIndexError(.corruptFile, "'\(path)' claims an R-tree of \(header.dimensions) dimensions under \(header.metric)")
        }
        var options = IndexFile.Decoder(try reader.section("OPTS"), section: "OPTS")
        let nodeCapacity = Int(try options.read(UInt32.self))
        let tree: RTree
        do {
            tree = try RTree(nodeCapacity: nodeCapacity)
        } catch let error as VectorIndexError {
            throw VectorIndexError(.corruptFile, "'\(path)' has a bad node capacity", underlying: error)
        }
        let count = header.count
        var bounds = [Float](repeating: 0, count: 4 * count)
        try bounds.withUnsafeMutableBytes { try reader.section("BOXS", into: $0) }
        var ids = [UInt32](repeating: 0, count: count)
        try ids.withUnsafeMutableBytes { try reader.section("IDS_", into: $0) }
        try reader.finish()
        var boxes: [Box2D] = []
        boxes.reserveCapacity(count)
        for i in 0..<count {
            let box = Box2D(minX: bounds[i], minY: bounds[count + i], maxX: bounds[2 * count + i], maxY: bounds[3 * count + i])
            if let problem = box.problem(allowInfinite: false) {
                throw VectorIndexError(.corruptFile, "'\(path)': item \(i) (id \(ids[i])) has a bad box: \(problem)")
            }
            boxes.append(box)
        }
        guard Set(ids).count == ids.count else {
            throw VectorIndexError(.corruptFile, "'\(path)' stores an id twice")
        }
        try tree.add(boxes: boxes, ids: ids)
        tree.compact()
        return tree
    }
}
