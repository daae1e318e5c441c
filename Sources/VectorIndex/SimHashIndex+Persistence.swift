import VectorMath

extension SimHashIndex {
    static let fileKind = "SIMH"

    /// Writes the index to `path` atomically: parameters, hyperplanes, centre, vectors, codes and
    /// ids (bucket tables are rebuilt on load).
    /// - Complexity: O(n · (d + bits / 8)) bytes written.
    public func save(to path: String) throws {
        try lock.withReadLock {
            let writer = try IndexFile.Writer.start(path: path, kind: Self.fileKind,
                                                    header: IndexHeader(dimensions: dimensions, metric: metric, count: slotIDs.count))
            var options = IndexFile.Encoder()
            options.append(UInt32(parameters.bitsPerTable))
            options.append(UInt32(parameters.tables))
            if case .buckets(let radius) = parameters.mode {
                options.append(UInt8(1))
                options.append(UInt8(radius))
            } else {
                options.append(UInt8(0))
                options.append(UInt8(0))
            }
            options.append(UInt32(parameters.rescoreFactor))
            options.append(UInt32(parameters.shortlistFactor))
            options.append(UInt8(parameters.centered ? 1 : 0))
            options.append(UInt8(parameters.orthogonal ? 1 : 0))
            options.append(parameters.seed)
            options.append(UInt64(centreSampleCount))
            try writer.section("OPTS", options.bytes)
            try hyperplanes.withUnsafeBytes { try writer.section("PLNS", $0) }
            try offsets.withUnsafeBytes { try writer.section("OFFS", $0) }
            try writer.section("VECS", UnsafeRawBufferPointer(start: rows.base, count: slotIDs.count * dimensions * 4))
            let codeWords = BinaryCodeLayout.blocks(for: slotIDs.count) * codes.width
            try writer.section("CODE", UnsafeRawBufferPointer(start: codes.base, count: codeWords * 8))
            try slotIDs.withUnsafeBytes { try writer.section("IDS_", $0) }
            try writer.finish()
        }
    }

    /// Reads an index written by `save(to:)`.
    /// - Throws: `corruptFile` for a truncated, damaged or foreign file, `incompatibleFile` for
    ///   another index kind or format version, `io` when the file cannot be read.
    public static func load(from path: String, kernels: VectorKernels = .active) throws -> SimHashIndex {
        let (reader, header) = try IndexFile.Reader.opening(path: path, kind: fileKind)
        var options = IndexFile.Decoder(try reader.section("OPTS"), section: "OPTS")
        var parameters = SimHashParameters()
        parameters.bitsPerTable = Int(try options.read(UInt32.self))
        parameters.tables = Int(try options.read(UInt32.self))
        let mode = try options.read(UInt8.self), radius = Int(try options.read(UInt8.self))
        parameters.mode = mode == 0 ? .scan : .buckets(probeRadius: radius)
        parameters.rescoreFactor = Int(try options.read(UInt32.self))
        parameters.shortlistFactor = Int(try options.read(UInt32.self))
        parameters.centered = try options.read(UInt8.self) != 0
        parameters.orthogonal = try options.read(UInt8.self) != 0
        parameters.seed = try options.read(UInt64.self)
        let centreSampleCount = try options.read(UInt64.self)
        do {
            guard mode <= 1 else { throw VectorIndexError(.invalidArgument, "unknown mode \(mode)") }
            try parameters.validate()
        } catch let error as VectorIndexError {
            throw VectorIndexError(.corruptFile, "'\(path)' has invalid SimHash options: \(error.message)")
        }
        let bits = parameters.totalBits
        var planes = [Float](repeating: 0, count: bits * header.dimensions)
        try planes.withUnsafeMutableBytes { try reader.section("PLNS", into: $0) }
        var offsets = [Float](repeating: 0, count: bits)
        try offsets.withUnsafeMutableBytes { try reader.section("OFFS", into: $0) }
        let index = SimHashIndex(dimensions: header.dimensions, metric: header.metric, parameters: parameters,
                                 hyperplanes: planes, kernels: kernels)
        index.offsets = offsets
        index.centreSampleCount = Int(min(centreSampleCount, UInt64(Int.max)))
        index.rows.reserve(rows: header.count, keeping: 0)
        try reader.section("VECS", into: UnsafeMutableRawBufferPointer(start: index.rows.base, count: header.count * header.dimensions * 4))
        index.reserveCodes(for: header.count, keeping: 0)
        let codeWords = BinaryCodeLayout.blocks(for: header.count) * index.codes.width
        try reader.section("CODE", into: UnsafeMutableRawBufferPointer(start: index.codes.base, count: codeWords * 8))
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
        index.rebuildBuckets()
        return index
    }
}
