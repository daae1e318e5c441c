extension FlatIndex {
    static let fileKind = "FLAT"

    /// Writes the index to `path` atomically.
    /// - Complexity: O(n·d) bytes written.
    public func save(to path: String) throws {
        try lock.withReadLock {
            let writer = try IndexFile.Writer.start(path: path, kind: Self.fileKind,
                                                    header: IndexHeader(dimensions: dimensions, metric: metric, count: slotIDs.count))
            var options = IndexFile.Encoder()
            options.append(VectorEncoding.fileCode(encoding))
            options.append(UInt32(rescoreFactor))
            try writer.section("OPTS", options.bytes)
            try writer.section("VECS", UnsafeRawBufferPointer(start: rows.base, count: slotIDs.count * dimensions * 4))
            try slotIDs.withUnsafeBytes { try writer.section("IDS_", $0) }
            try writer.finish()
        }
    }

    /// Reads an index written by `save(to:)`.
    /// - Throws: `corruptFile` for a truncated, damaged or foreign file, `incompatibleFile` for
    ///   another index kind or format version, `io` when the file cannot be read.
    public static func load(from path: String) throws -> FlatIndex {
        let (reader, header) = try IndexFile.Reader.opening(path: path, kind: fileKind)
        var options = IndexFile.Decoder(try reader.section("OPTS"), section: "OPTS")
        let encoding = try VectorEncoding.fromFileCode(try options.read(UInt8.self), path: path)
        let rescoreFactor = Int(try options.read(UInt32.self))
        guard rescoreFactor > 0 else {
            throw VectorIndexError(.corruptFile, "'\(path)' has rescore factor \(rescoreFactor)")
        }
        let index = try FlatIndex(dimensions: header.dimensions, metric: header.metric, encoding: encoding, rescoreFactor: rescoreFactor)
        index.rows.reserve(rows: header.count, keeping: 0)
        try reader.section("VECS", into: UnsafeMutableRawBufferPointer(start: index.rows.base, count: header.count * header.dimensions * 4))
        var ids = [UInt32](repeating: 0, count: header.count)
        try ids.withUnsafeMutableBytes { try reader.section("IDS_", into: $0) }
        try reader.finish()
        index.slotIDs = ids
        index.slotOfID.reserveCapacity(ids.count)
        for (slot, id) in ids.enumerated() {
            guard index.slotOfID.updateValue(slot, forKey: id) == nil else {
                throw VectorIndexError(.corruptFile, "'\(path)' stores id \(id) twice")
            }
        }
        index.squaredNorms = (0..<ids.count).map { slot in
            index.kernels.dot(index.rows.row(slot), index.rows.row(slot), count: header.dimensions)
        }
        if var codes = index.coded {
            codes.reserve(rows: ids.count, keeping: 0)
            codes.retrain(from: index.rows.base, count: ids.count, kernels: index.kernels)
            index.coded = codes
        }
        return index
    }
}
