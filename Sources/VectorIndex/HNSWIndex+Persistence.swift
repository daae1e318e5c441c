import VectorMath

extension HNSWIndex {
    static let fileKind = "HNSW"

    /// Writes the graph and its vectors to `path` atomically. Deleted nodes are written too (and
    /// marked), so saving never rewrites the graph; `compact()` first for the smallest file.
    /// - Complexity: O(n · (d + M)) bytes written.
    public func save(to path: String) throws {
        try lock.withReadLock {
            let count = storage.count
            let writer = try IndexFile.Writer(path: path, kind: Self.fileKind)
            var meta = IndexFile.Encoder()
            IndexHeader(dimensions: dimensions, metric: metric, count: count).encode(into: &meta)
            meta.append(UInt32(parameters.m))
            meta.append(UInt32(parameters.efConstruction))
            meta.append(UInt32(parameters.efSearch))
            meta.append(parameters.seed)
            meta.append(UInt32(maxLevel))
            meta.append(entryPoint)
            meta.append(UInt64(deletedCount))
            meta.append(VectorEncoding.fileCode(parameters.encoding))
            meta.append(UInt32(parameters.rescoreFactor))
            try writer.section("META", meta.bytes)
            var quantization = IndexFile.Encoder()
            if let quantizer { (quantizer.minimums + quantizer.steps).forEach { quantization.append($0) } }
            try writer.section("QNTZ", quantization.bytes)
            if quantizer != nil {
                try writer.section("VECS", UnsafeRawBufferPointer(start: storage.codes.base, count: count * dimensions))
            } else {
                try writer.section("VECS", UnsafeRawBufferPointer(start: storage.vectors.base, count: count * dimensions * 4))
            }
            try writer.section("LNK0", UnsafeRawBufferPointer(start: storage.links0.base, count: count * storage.links0.width * 4))
            try writer.section("LEVL", UnsafeRawBufferPointer(start: storage.levels.base, count: count))
            try writer.section("IDS_", UnsafeRawBufferPointer(start: storage.ids.base, count: count * 4))
            try writer.section("DELF", UnsafeRawBufferPointer(start: storage.deleted.base, count: count))
            var upper: [UInt32] = []
            upper.reserveCapacity(upperLinkWords)
            for node in 0..<count where storage.levels.base[node] > 0 {
                let words = Int(storage.levels.base[node]) * (parameters.m + 1)
                upper.append(contentsOf: UnsafeBufferPointer(start: storage.upperLinks.base[node], count: words))
            }
            try upper.withUnsafeBytes { try writer.section("UPPR", $0) }
            try writer.finish()
        }
    }

    private var upperLinkWords: Int {
        (0..<storage.count).reduce(0) { $0 + Int(storage.levels.base[$1]) * (parameters.m + 1) }
    }

    /// Reads an index written by `save(to:)`: sections are read straight into the index's memory
    /// and every link, level and id is checked, so a damaged file is an error, never a crash.
    /// - Parameter buildThreads: threads for later inserts and repairs (default: all cores).
    /// - Throws: `corruptFile`, `incompatibleFile` or `io`, with the reason.
    public static func load(from path: String, buildThreads: Int? = nil) throws -> HNSWIndex {
        let reader = try IndexFile.Reader(path: path)
        try reader.expect(kind: fileKind)
        var decoder = IndexFile.Decoder(try reader.section("META"), section: "META")
        let header = try IndexHeader.decode(from: &decoder, path: path)
        let parameters = HNSWParameters(
            m: Int(try decoder.read(UInt32.self)), efConstruction: Int(try decoder.read(UInt32.self)),
            efSearch: Int(try decoder.read(UInt32.self)), seed: try decoder.read(UInt64.self),
            buildThreads: buildThreads)
        let maxLevel = Int(try decoder.read(UInt32.self))
        let entryPoint: UInt32 = try decoder.read()
        let deletedCount = Int(try decoder.read(UInt64.self))
        var parametersRead = parameters
        parametersRead.encoding = try VectorEncoding.fromFileCode(try decoder.read(UInt8.self), path: path)
        let isInt8 = parametersRead.encoding == .int8
        parametersRead.rescoreFactor = Int(try decoder.read(UInt32.self))
        let index: HNSWIndex
        do {
            index = try HNSWIndex(dimensions: header.dimensions, metric: header.metric, parameters: parametersRead)
        } catch let error as VectorIndexError {
            throw VectorIndexError(.corruptFile, "'\(path)' holds invalid parameters: \(error.message)")
        }
        let count = header.count
        index.storage.reserve(count)
        let storage = index.storage
        var quantization = IndexFile.Decoder(try reader.section("QNTZ"), section: "QNTZ")
        if isInt8 {
            let values = try (0..<2 * header.dimensions).map { _ in try quantization.read(Float.self) }
            guard let quantizer = ScalarQuantizer(minimums: Array(values.prefix(header.dimensions)),
                                                  steps: Array(values.suffix(header.dimensions))) else {
                throw VectorIndexError(.corruptFile, "'\(path)' has an invalid int8 quantiser")
            }
            index.quantizer = quantizer
            try reader.section("VECS", into: UnsafeMutableRawBufferPointer(start: storage.codes.base, count: count * header.dimensions))
        } else {
            try reader.section("VECS", into: UnsafeMutableRawBufferPointer(start: storage.vectors.base, count: count * header.dimensions * 4))
        }
        try reader.section("LNK0", into: UnsafeMutableRawBufferPointer(start: storage.links0.base, count: count * storage.links0.width * 4))
        try reader.section("LEVL", into: UnsafeMutableRawBufferPointer(start: storage.levels.base, count: count))
        try reader.section("IDS_", into: UnsafeMutableRawBufferPointer(start: storage.ids.base, count: count * 4))
        try reader.section("DELF", into: UnsafeMutableRawBufferPointer(start: storage.deleted.base, count: count))
        let upper = try reader.section("UPPR")
        try reader.finish()

        // Rebuild the per-node state from what was read, checking it as we go.
        func corrupt(_ reason: String) -> VectorIndexError {
            VectorIndexError(.corruptFile, "'\(path)' is inconsistent: \(reason)")
        }
        var upperOffset = 0
        var live = 0
        let listWords = parameters.m + 1
        try upper.withUnsafeBytes { upperBytes in
            for node in 0..<count {
                let level = Int(storage.levels.base[node])
                guard level <= 32, level <= maxLevel else { throw corrupt("node \(node) is on level \(level)") }
                guard storage.deleted.base[node] <= 1 else { throw corrupt("node \(node) has a bad deleted flag") }
                index.storage.appendNodeKeepingData(node: node)
                if level > 0 {
                    let bytes = level * listWords * 4
                    guard upperOffset + bytes <= upperBytes.count else { throw corrupt("upper layers are shorter than the levels need") }
                    let block = UnsafeMutablePointer<UInt32>.allocate(capacity: level * listWords)
                    UnsafeMutableRawPointer(block).copyMemory(from: upperBytes.baseAddress! + upperOffset, byteCount: bytes)
                    storage.upperLinks.base[node] = block
                    upperOffset += bytes
                }
                if storage.deleted.base[node] == 0 {
                    live += 1
                    let id = storage.ids.base[node]
                    guard index.nodeOfID.updateValue(UInt32(node), forKey: id) == nil else { throw corrupt("id \(id) is stored twice") }
                }
            }
        }
        guard upperOffset == upper.count else { throw corrupt("upper layers have \(upper.count - upperOffset) extra bytes") }
        guard count - live == deletedCount else { throw corrupt("deleted count does not match the flags") }
        for node in 0..<UInt32(count) {
            for level in 0...storage.level(of: node) {
                let list = storage.links(node, level: level)
                guard Int(list[0]) <= storage.maxNeighbors(level: level) else { throw corrupt("node \(node) has too many links") }
                for i in 0..<Int(list[0]) where Int(list[1 + i]) >= count {
                    throw corrupt("node \(node) links to missing node \(list[1 + i])")
                }
            }
        }
        if live > 0 {
            guard Int(entryPoint) < count, !storage.isDeleted(entryPoint), storage.level(of: entryPoint) == maxLevel else {
                throw corrupt("bad entry point \(entryPoint)")
            }
            index.entryPoint = entryPoint
            index.maxLevel = maxLevel
        }
        index.deletedCount = deletedCount
        if let quantizer = index.quantizer {
            // Norms of the decoded rows are derived, not stored.
            withUnsafeTemporaryAllocation(of: Float.self, capacity: header.dimensions) { decoded in
                for node in 0..<count {
                    quantizer.decode(storage.codes.row(node), into: decoded.baseAddress!)
                    storage.decodedNorms.base[node] = index.kernels.dot(decoded.baseAddress!, decoded.baseAddress!, count: header.dimensions)
                }
            }
        }
        return index
    }
}
