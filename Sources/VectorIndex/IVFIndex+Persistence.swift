import VectorMath

extension IVFIndex {
    static let fileKind = "IVF_"

    /// Writes the index to `path` atomically: parameters, centroids, int8 ranges, list sizes, and
    /// ids and vectors in list order (codes are recomputed on load).
    /// - Complexity: O(n · d) bytes written.
    public func save(to path: String) throws {
        try lock.withReadLock {
            let writer = try IndexFile.Writer.start(path: path, kind: Self.fileKind,
                                                    header: IndexHeader(dimensions: dimensions, metric: metric, count: slotIDs.count))
            var options = IndexFile.Encoder()
            options.append(UInt32(parameters.nlist))
            options.append(UInt32(parameters.nprobe))
            options.append(VectorEncoding.fileCode(parameters.encoding))
            options.append(UInt32(parameters.rescoreFactor))
            options.append(UInt32(parameters.trainingIterations))
            options.append(UInt32(parameters.maxTrainingPointsPerList))
            options.append(UInt32(parameters.minimumPointsPerList))
            options.append(parameters.seed)
            try writer.section("OPTS", options.bytes)
            try (centroids?.centroids ?? []).withUnsafeBytes { try writer.section("CENT", $0) }
            try ((quantizer?.minimums ?? []) + (quantizer?.steps ?? [])).withUnsafeBytes { try writer.section("SQNT", $0) }
            try lists.map { UInt32($0.count) }.withUnsafeBytes { try writer.section("LSTS", $0) }
            let order = lists.flatMap(\.slots)
            try order.map { slotIDs[Int($0)] }.withUnsafeBytes { try writer.section("IDS_", $0) }
            var vectors = [Float](repeating: 0, count: order.count * dimensions)
            vectors.withUnsafeMutableBufferPointer { vectors in
                for (row, slot) in order.enumerated() {
                    (vectors.baseAddress! + row * dimensions).update(from: floatRow(Int(slot)), count: dimensions)
                }
            }
            try vectors.withUnsafeBytes { try writer.section("VECS", $0) }
            try writer.finish()
        }
    }

    /// Reads an index written by `save(to:)`.
    /// - Throws: `corruptFile` for a truncated, damaged or foreign file, `incompatibleFile` for
    ///   another index kind or format version, `io` when the file cannot be read.
    public static func load(from path: String, kernels: VectorKernels = .active) throws -> IVFIndex {
        let (reader, header) = try IndexFile.Reader.opening(path: path, kind: fileKind)
        let d = header.dimensions
        var options = IndexFile.Decoder(try reader.section("OPTS"), section: "OPTS")
        var parameters = IVFParameters()
        parameters.nlist = Int(try options.read(UInt32.self))
        parameters.nprobe = Int(try options.read(UInt32.self))
        let encodingCode: UInt8 = try options.read()
        parameters.rescoreFactor = Int(try options.read(UInt32.self))
        parameters.trainingIterations = Int(try options.read(UInt32.self))
        parameters.maxTrainingPointsPerList = Int(try options.read(UInt32.self))
        parameters.minimumPointsPerList = Int(try options.read(UInt32.self))
        parameters.seed = try options.read(UInt64.self)
        func corrupt(_ message: String) -> VectorIndexError { VectorIndexError(.corruptFile, "'\(path)': \(message)") }
        parameters.encoding = try VectorEncoding.fromFileCode(encodingCode, path: path)
        do { try parameters.validate() } catch let error as VectorIndexError { throw corrupt("invalid IVF options: \(error.message)") }

        let centroidValues = try reader.section("CENT").withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
        let ranges = try reader.section("SQNT").withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
        let sizes = try reader.section("LSTS").withUnsafeBytes { Array($0.bindMemory(to: UInt32.self)) }
        let trained = !centroidValues.isEmpty
        guard centroidValues.isEmpty || centroidValues.count == parameters.nlist * d else {
            throw corrupt("\(centroidValues.count) centroid values for \(parameters.nlist) lists of \(d) dimensions")
        }
        guard sizes.count == (trained ? parameters.nlist + 1 : 1), sizes.reduce(0, { $0 + Int($1) }) == header.count,
              !trained || sizes.last == 0 else {
            throw corrupt("list sizes do not add up to the \(header.count) vectors of the header")
        }
        var ids = [UInt32](repeating: 0, count: header.count)
        try ids.withUnsafeMutableBytes { try reader.section("IDS_", into: $0) }
        var vectors = [Float](repeating: 0, count: header.count * d)
        try vectors.withUnsafeMutableBytes { try reader.section("VECS", into: $0) }
        try reader.finish()

        let index = try IVFIndex(dimensions: d, metric: header.metric, parameters: parameters, kernels: kernels)
        if trained {
            let model = try KMeans(centroids: centroidValues, dimensions: d, spherical: header.metric != .l2)
            var quantizer: ScalarQuantizer?
            if parameters.encoding == .int8 {
                guard ranges.count == 2 * d, let stored = ScalarQuantizer(minimums: Array(ranges[..<d]), steps: Array(ranges[d...])) else {
                    throw corrupt("the int8 ranges are missing or invalid")
                }
                quantizer = stored
            }
            index.install(model, quantizer: quantizer)
        }
        // Slots follow list order; rebuilding from the vectors re-encodes the codes.
        index.slotIDs = ids
        index.slotList = [UInt32](repeating: 0, count: ids.count)
        index.slotPosition = [UInt32](repeating: 0, count: ids.count)
        index.slotOfID.reserveCapacity(ids.count)
        for (slot, id) in ids.enumerated() {
            guard index.slotOfID.updateValue(slot, forKey: id) == nil else { throw corrupt("id \(id) is stored twice") }
        }
        if var exact = index.exactRows {
            exact.reserve(rows: ids.count, keeping: 0)
            vectors.withUnsafeBufferPointer { exact.base.update(from: $0.baseAddress!, count: $0.count) }
            index.exactRows = exact
        }
        if trained {
            index.placeLoaded(vectors, sizes: sizes)
        } else {
            vectors.withUnsafeBufferPointer { vectors in
                for slot in 0..<ids.count {
                    index.slotPosition[slot] = UInt32(index.lists[0].append(slot: UInt32(slot), vector: vectors.baseAddress! + slot * d,
                                                                            dimensions: d, kernels: kernels))
                }
            }
        }
        return index
    }

    /// Fills the lists from vectors stored in list order, with `sizes[l]` vectors in list `l`.
    private func placeLoaded(_ vectors: [Float], sizes: [UInt32]) {
        lists.forEach { $0.deallocate() }
        lists = sizes.dropLast().map {
            IVFList(dimensions: dimensions, encoding: parameters.encoding, quantizer: quantizer, capacity: Int($0), holdsFloats: true)
        }
        lists.append(IVFList(dimensions: dimensions, encoding: nil, quantizer: nil, capacity: 0, holdsFloats: parameters.encoding == nil))
        vectors.withUnsafeBufferPointer { vectors in
            var slot = 0
            for (list, size) in sizes.enumerated() {
                for _ in 0..<Int(size) {
                    slotList[slot] = UInt32(list)
                    slotPosition[slot] = UInt32(lists[list].append(slot: UInt32(slot), vector: vectors.baseAddress! + slot * dimensions,
                                                                    dimensions: dimensions, kernels: kernels))
                    slot += 1
                }
            }
        }
    }
}
