import VectorMath

/// An inverted-file index (Jégou, Douze & Schmid, "Product Quantization for Nearest Neighbor
/// Search", IEEE TPAMI 2011; as faiss `IndexIVFFlat` and `IndexIVFScalarQuantizer`): a k-means
/// coarse quantiser cuts the space into `nlist` cells, each vector is stored in the list of its
/// nearest centroid, and a query scans only the `nprobe` lists whose centroids are nearest to it.
///
/// - Training: `KMeans` (random-point or k-means++ seeding, Lloyd iterations through BLAS, on
///   `buildThreads` cores; spherical for cosine and inner product). The index trains itself once it holds
///   `nlist · minimumPointsPerList` vectors — until then searches are exact scans — or when
///   `train()` / `train(on:)` is called. Vectors added later go to the list of their nearest
///   centroid.
/// - Lists are contiguous per list: float rows, or int8 / fp16 codes (`ScalarQuantizer`) whose best
///   `k · rescoreFactor` candidates are rescored exactly against float copies.
/// - Deletes are real: the last entry of the list moves into the hole, and lists give memory back
///   when they shrink; a deleted id is never returned.
/// - Filters: a selective filter is answered by an exact scan of its rows; otherwise the probed
///   lists are scanned for allowed ids only, with an exact scan when that finds fewer than `k`.
/// - `isExact` is true only when every list was scanned in float (nprobe ≥ nlist, no encoding),
///   or the answer came from an exact scan.
/// - Thread-safe: searches share a read lock, writes take it alone.
public final class IVFIndex: VectorIndex, @unchecked Sendable {
    // @unchecked: every mutable property below is read under `lock`'s read side and written under
    // its write side; `dimensions`, `metric` and `kernels` never change.
    public let dimensions: Int
    public let metric: Metric
    let kernels: VectorKernels
    let lock = ReadWriteLock()

    var parameters: IVFParameters
    /// The coarse quantiser, once trained.
    var centroids: KMeans?
    /// ‖c‖² of each centroid, for L2.
    var centroidNorms: [Float] = []
    /// The int8 quantiser of the lists, once trained.
    var quantizer: ScalarQuantizer?
    /// `nlist` lists, then the list of vectors not yet assigned (used until training).
    var lists: [IVFList] = []
    /// Float copies by slot, when lists hold codes.
    var exactRows: RowBuffer<Float>?

    /// Slot → id, list and position in the list.
    var slotIDs: [UInt32] = []
    var slotList: [UInt32] = []
    var slotPosition: [UInt32] = []
    /// Id → slot.
    var slotOfID: [UInt32: Int] = [:]

    /// An empty, untrained index.
    /// - Throws: `invalidArgument` for non-positive dimensions or out-of-range parameters.
    public init(dimensions: Int, metric: Metric, parameters: IVFParameters = IVFParameters(),
                kernels: VectorKernels = .active) throws {
        try IndexInputs.validate(dimensions: dimensions)
        try parameters.validate()
        self.dimensions = dimensions
        self.metric = metric
        self.kernels = kernels
        self.parameters = parameters
        lists = [IVFList(dimensions: dimensions, encoding: nil, quantizer: nil, capacity: 16,
                         holdsFloats: parameters.encoding == nil)]
        if parameters.encoding != nil { exactRows = RowBuffer(width: dimensions, capacity: 1024) }
    }

    deinit {
        lists.forEach { $0.deallocate() }
        exactRows?.deallocate()
    }

    /// Live vectors.
    public var count: Int { lock.withReadLock { slotIDs.count } }

    /// Whether the coarse quantiser has been trained.
    public var isTrained: Bool { lock.withReadLock { centroids != nil } }

    /// The parameters in force.
    public var currentParameters: IVFParameters { lock.withReadLock { parameters } }

    /// Lists scanned per query; may be changed between searches, as faiss's `nprobe`.
    public var nprobe: Int {
        get { lock.withReadLock { parameters.nprobe } }
        set { lock.withWriteLock { parameters.nprobe = max(1, newValue) } }
    }

    /// With an encoding, candidates rescored exactly per result.
    public var rescoreFactor: Int {
        get { lock.withReadLock { parameters.rescoreFactor } }
        set { lock.withWriteLock { parameters.rescoreFactor = max(1, newValue) } }
    }

    /// The number of vectors in each of the `nlist` lists (empty before training).
    public var listSizes: [Int] { lock.withReadLock { centroids == nil ? [] : lists.dropLast().map(\.count) } }

    /// Bytes held by lists, float copies, centroids and the id maps.
    public var memoryBytes: Int {
        lock.withReadLock {
            lists.reduce(0) { $0 + $1.allocatedBytes(dimensions: dimensions) }
                + (exactRows.map { $0.capacity * dimensions * 4 } ?? 0)
                + (centroids?.centroids.count ?? 0) * 4 + slotIDs.capacity * 12 + slotOfID.capacity * 12
        }
    }

    /// - Complexity: O(1).
    public func contains(_ id: UInt32) -> Bool { lock.withReadLock { slotOfID[id] != nil } }

    /// - Complexity: O(d).
    public func vector(for id: UInt32) -> [Float]? {
        lock.withReadLock {
            guard let slot = slotOfID[id] else { return nil }
            return Array(UnsafeBufferPointer(start: floatRow(slot), count: dimensions))
        }
    }

    /// The float vector of `slot`, wherever it lives.
    @inline(__always) func floatRow(_ slot: Int) -> UnsafeMutablePointer<Float> {
        if let exactRows { return exactRows.row(slot) }
        return lists[Int(slotList[slot])].floats!.row(Int(slotPosition[slot]))
    }

    /// The list of vectors not yet assigned to a centroid.
    var unassignedList: Int { lists.count - 1 }

    // MARK: Adding

    /// Adds vectors, each to the list of its nearest centroid (or, before training, to the
    /// unassigned list; reaching `nlist · minimumPointsPerList` vectors trains the index). An id
    /// already present is replaced.
    /// - Complexity: O(n · nlist · d) at sgemm speed for the assignment, on `buildThreads` cores;
    ///   training, when it happens, O(s · nlist · d · iterations) for a sample of s vectors.
    public func add(_ vectors: UnsafeBufferPointer<Float>, ids: UnsafeBufferPointer<UInt32>) throws {
        try IndexInputs.validate(vectors: vectors, ids: ids, dimensions: dimensions, metric: metric)
        guard !ids.isEmpty else { return }
        let rows = IndexInputs.lastRows(of: ids)
        var batch = [Float](repeating: 0, count: rows.count * dimensions)
        batch.withUnsafeMutableBufferPointer { batch in
            for (i, row) in rows.enumerated() {
                let destination = batch.baseAddress! + i * dimensions
                destination.update(from: vectors.baseAddress! + row * dimensions, count: dimensions)
                if metric.normalizesVectors {
                    Vectors.normalize(UnsafeMutableBufferPointer(start: destination, count: dimensions))
                }
            }
        }
        try lock.withWriteLock {
            removeLocked(rows.map { ids[$0] })
            var assignment = [UInt32](repeating: UInt32(unassignedList), count: rows.count)
            if let centroids {
                batch.withUnsafeBufferPointer { batch in
                    centroids.assign(batch.baseAddress!, count: rows.count, into: &assignment, threads: parameters.buildThreads)
                }
            }
            if var exact = exactRows {
                exact.reserve(rows: slotIDs.count + rows.count, keeping: slotIDs.count)
                exactRows = exact
            }
            batch.withUnsafeBufferPointer { batch in
                for (i, row) in rows.enumerated() {
                    append(id: ids[row], vector: batch.baseAddress! + i * dimensions, list: Int(assignment[i]))
                }
            }
            if centroids == nil && slotIDs.count >= parameters.nlist * parameters.minimumPointsPerList {
                try trainLocked(sample: nil)
            }
        }
    }

    /// Appends one vector as a new slot of `list`.
    private func append(id: UInt32, vector: UnsafePointer<Float>, list: Int) {
        let slot = slotIDs.count
        if let exactRows { exactRows.row(slot).update(from: vector, count: dimensions) }
        let position = lists[list].append(slot: UInt32(slot), vector: vector, dimensions: dimensions, kernels: kernels)
        slotIDs.append(id)
        slotList.append(UInt32(list))
        slotPosition.append(UInt32(position))
        slotOfID[id] = slot
    }

    // MARK: Training

    /// Trains the coarse quantiser on the stored vectors now (again, if it was trained) and moves
    /// every vector to the list of its nearest centroid.
    /// - Throws: `invalidArgument` when the index holds fewer vectors than `nlist`.
    /// - Complexity: O(s · nlist · d · iterations) for a sample of s ≤ nlist · 256 vectors, then
    ///   O(n · nlist · d) to reassign.
    public func train() throws {
        try lock.withWriteLock { try trainLocked(sample: nil) }
    }

    /// Trains the coarse quantiser (and the int8 ranges) on `sample`, row-major, before or after
    /// vectors are added; stored vectors move to the lists of their nearest centroids.
    /// - Throws: `invalidVector` for a bad row, `invalidArgument` for fewer rows than `nlist`.
    public func train(on sample: UnsafeBufferPointer<Float>) throws {
        guard sample.count % dimensions == 0 else {
            throw VectorIndexError(.invalidArgument, "a sample of \(sample.count) floats is not a whole number of \(dimensions)-dimensional rows")
        }
        let rows = sample.count / dimensions
        var prepared = Array(sample)
        for row in 0..<rows {
            let vector = UnsafeBufferPointer(rebasing: sample[row * dimensions..<(row + 1) * dimensions])
            if let problem = Vectors.problem(with: vector, dimensions: dimensions, metric: metric) {
                throw VectorIndexError(.invalidVector, "training vector \(row): \(problem)")
            }
        }
        if metric.normalizesVectors { Vectors.normalizeRows(&prepared, rows: rows, dimensions: dimensions) }
        try lock.withWriteLock { try trainLocked(sample: prepared) }
    }

    /// Trains on `sample`, row-major (see `train(on:)` over a buffer).
    public func train(on sample: [Float]) throws {
        try sample.withUnsafeBufferPointer { try train(on: $0) }
    }

    /// Learns centroids (and int8 ranges) from `sample`, or from every stored vector, then
    /// reassigns every stored vector.
    private func trainLocked(sample: [Float]?) throws {
        let stored = gatherStoredVectors()
        let points = sample ?? stored
        let count = points.count / dimensions
        let kMeansParameters = KMeans.Parameters(
            clusters: parameters.nlist, iterations: parameters.trainingIterations, seed: parameters.seed,
            maxPointsPerCluster: parameters.maxTrainingPointsPerList, spherical: metric != .l2, threads: parameters.buildThreads,
            seeding: parameters.seeding)
        let model: KMeans
        do {
            model = try points.withUnsafeBufferPointer { points in
                try KMeans.train(points.baseAddress!, count: count, dimensions: dimensions, parameters: kMeansParameters)
            }
        } catch {
            throw VectorIndexError(.invalidArgument, "cannot train the IVF quantiser: \(error)")
        }
        install(model, quantizer: parameters.encoding == .int8
                    ? points.withUnsafeBufferPointer { ScalarQuantizer(training: $0.baseAddress!, count: count, dimensions: dimensions) }
                    : nil)
        rebuildLists(from: stored)
    }

    /// Every stored vector, in slot order.
    private func gatherStoredVectors() -> [Float] {
        var all = [Float](repeating: 0, count: slotIDs.count * dimensions)
        all.withUnsafeMutableBufferPointer { all in
            for slot in 0..<slotIDs.count {
                (all.baseAddress! + slot * dimensions).update(from: floatRow(slot), count: dimensions)
            }
        }
        return all
    }

    /// Makes `model` the coarse quantiser.
    func install(_ model: KMeans, quantizer: ScalarQuantizer?) {
        centroids = model
        centroidNorms = model.centroids.withUnsafeBufferPointer { c in
            (0..<model.clusterCount).map { kernels.dot(c.baseAddress! + $0 * dimensions, c.baseAddress! + $0 * dimensions, count: dimensions) }
        }
        if quantizer != nil { self.quantizer = quantizer }
    }

    /// Empties every list and re-adds `vectors` (every stored vector, in slot order) to the lists
    /// of their nearest centroids, each list allocated at its final size.
    func rebuildLists(from vectors: [Float]) {
        guard let centroids else { return }
        let count = slotIDs.count
        var assignment = [UInt32](repeating: 0, count: count)
        vectors.withUnsafeBufferPointer { vectors in
            if count > 0 { centroids.assign(vectors.baseAddress!, count: count, into: &assignment, threads: parameters.buildThreads) }
        }
        var sizes = [Int](repeating: 0, count: parameters.nlist)
        for list in assignment { sizes[Int(list)] += 1 }
        lists.forEach { $0.deallocate() }
        lists = sizes.map {
            IVFList(dimensions: dimensions, encoding: parameters.encoding, quantizer: quantizer, capacity: $0, holdsFloats: true)
        }
        lists.append(IVFList(dimensions: dimensions, encoding: nil, quantizer: nil, capacity: 0,
                             holdsFloats: parameters.encoding == nil))
        vectors.withUnsafeBufferPointer { vectors in
            for slot in 0..<count {
                let list = Int(assignment[slot])
                let position = lists[list].append(slot: UInt32(slot), vector: vectors.baseAddress! + slot * dimensions,
                                                  dimensions: dimensions, kernels: kernels)
                slotList[slot] = UInt32(list)
                slotPosition[slot] = UInt32(position)
            }
        }
    }

    // MARK: Removing

    /// Removes ids; each leaves its list at once (the list's last entry fills the hole) and the
    /// last slot fills its slot.
    /// - Complexity: O(d) per removed id.
    @discardableResult
    public func remove(_ ids: [UInt32]) -> Int {
        lock.withWriteLock { removeLocked(ids) }
    }

    @discardableResult
    private func removeLocked(_ ids: [UInt32]) -> Int {
        var removed = 0
        for id in ids {
            guard let slot = slotOfID.removeValue(forKey: id) else { continue }
            let list = Int(slotList[slot])
            if let moved = lists[list].remove(at: Int(slotPosition[slot])) {
                slotPosition[Int(moved)] = slotPosition[slot]
            }
            let last = slotIDs.count - 1
            if slot != last {
                slotIDs[slot] = slotIDs[last]
                slotList[slot] = slotList[last]
                slotPosition[slot] = slotPosition[last]
                slotOfID[slotIDs[slot]] = slot
                lists[Int(slotList[slot])].setSlot(UInt32(slot), at: Int(slotPosition[slot]))
                exactRows?.copyRow(last, to: slot)
            }
            slotIDs.removeLast()
            slotList.removeLast()
            slotPosition.removeLast()
            removed += 1
        }
        if removed > 0, var exact = exactRows, exact.capacity > 1024, slotIDs.count < exact.capacity / 4 {
            exact.resize(rows: slotIDs.count * 2, keeping: slotIDs.count)
            exactRows = exact
        }
        if removed > 0, slotOfID.capacity > 1024, slotIDs.count < slotOfID.capacity / 4 {
            // Dictionaries and arrays keep their storage when emptied: copy them small.
            slotOfID = Dictionary(uniqueKeysWithValues: slotIDs.enumerated().map { ($1, $0) })
            slotIDs = Array(slotIDs)
            slotList = Array(slotList)
            slotPosition = Array(slotPosition)
        }
        return removed
    }
}
