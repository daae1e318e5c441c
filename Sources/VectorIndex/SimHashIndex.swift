import Dispatch
import VectorMath

/// Random-hyperplane locality-sensitive hashing for cosine similarity (Charikar, "Similarity
/// Estimation Techniques from Rounding Algorithms", STOC 2002): each vector gets one sign bit per
/// random hyperplane, and the fraction of differing bits between two codes estimates the angle
/// between the vectors.
///
/// - Codes: `tables × bitsPerTable` bits from seeded Gaussian hyperplanes (orthonormalised in
///   groups, optionally centred on the data's mean), computed through BLAS sgemm and packed 64
///   to a word, in blocks of 8 codes for the popcount kernels (`VectorKernels.negatedHammingDistances`:
///   AVX-512 VPOPCNTDQ, AVX2 or scalar, chosen at run time).
/// - Search: in `.scan` mode every code is compared with the query's (the Hamming distance is
///   summed over the tables); in `.buckets` mode each table is a hash table and the query probes
///   every bucket within a Hamming radius of its own key (multi-probe, Lv et al., VLDB 2007).
///   The best codes by Hamming distance are narrowed by their asymmetric score (Gordo et al.,
///   TPAMI 2014) and the final `k · rescoreFactor` candidates are rescored exactly against the
///   float vectors, as faiss `IndexLSH` + `IndexRefineFlat` does.
/// - Deletes move the last row into the hole (vectors, codes, bucket links), so storage stays
///   dense. Filters: a selective filter is answered by an exact scan of its rows; otherwise
///   candidates are restricted to the filter and the search falls back to the exact scan when it
///   finds fewer than `k`.
/// - Thread-safe: searches share a read lock, writes take it alone.
///
/// Meant for cosine; with inner product or L2 the codes still rank candidates by angle (around
/// the centre) and the rescoring is exact in the index's metric.
public final class SimHashIndex: VectorIndex, @unchecked Sendable {
    // @unchecked: every mutable property below is read under `lock`'s read side and written under
    // its write side; `dimensions`, `metric`, `kernels`, `hyperplanes` and `probeMasks` never
    // change. Parallel encoders write disjoint codes (distinct words) and disjoint rows.
    public let dimensions: Int
    public let metric: Metric
    let kernels: VectorKernels
    let lock = ReadWriteLock()
    let scratchPool: ScratchPool

    var parameters: SimHashParameters
    /// `totalBits × dimensions`, row-major: one hyperplane normal per bit.
    let hyperplanes: [Float]
    /// Per bit, the projection of the centre (0 when not centred).
    var offsets: [Float]
    /// How many vectors the centre was learnt from (0: not yet).
    var centreSampleCount = 0
    /// The multi-probe perturbations of one table key (bucket mode).
    let probeMasks: [UInt32]

    var rows: RowBuffer<Float>
    /// Blocks of 8 codes, `words · 8` words each (see `BinaryCodeLayout`).
    var codes: RowBuffer<UInt64>
    var buckets: SimHashBuckets?
    /// Slot → id.
    var slotIDs: [UInt32] = []
    /// Id → slot.
    var slotOfID: [UInt32: Int] = [:]

    /// The centre is re-learnt (and every code recomputed) each time the index doubles, until it
    /// was learnt from at least this many vectors.
    public static let centreLearningLimit = 65_536
    /// Rows projected per BLAS call while encoding.
    static let encodeBlock = 512

    /// An empty index.
    /// - Throws: `invalidArgument` for non-positive dimensions or out-of-range parameters.
    /// - Complexity: O(bits · min(bits, d) · d) to draw and orthonormalise the hyperplanes.
    public convenience init(dimensions: Int, metric: Metric = .cosine, parameters: SimHashParameters = SimHashParameters(),
                            kernels: VectorKernels = .active) throws {
        try IndexInputs.validate(dimensions: dimensions)
        try parameters.validate()
        let planes = Self.drawHyperplanes(count: parameters.totalBits, dimensions: dimensions,
                                          orthogonal: parameters.orthogonal, seed: parameters.seed, kernels: kernels)
        self.init(dimensions: dimensions, metric: metric, parameters: parameters, hyperplanes: planes, kernels: kernels)
    }

    /// An empty index over given hyperplanes (read back from a file).
    init(dimensions: Int, metric: Metric, parameters: SimHashParameters, hyperplanes: [Float], kernels: VectorKernels) {
        self.dimensions = dimensions
        scratchPool = ScratchPool(neighborCapacity: 1, dimensions: dimensions)
        self.metric = metric
        self.kernels = kernels
        self.parameters = parameters
        self.hyperplanes = hyperplanes
        offsets = [Float](repeating: 0, count: parameters.totalBits)
        rows = RowBuffer(width: dimensions, capacity: 1024)
        codes = RowBuffer(width: parameters.words * BinaryCodeLayout.blockSize, capacity: 128)
        if case .buckets(let radius) = parameters.mode {
            buckets = SimHashBuckets(tables: parameters.tables, bits: parameters.bitsPerTable)
            probeMasks = SimHashBuckets.probeMasks(bits: parameters.bitsPerTable, radius: radius)
        } else {
            probeMasks = []
        }
    }

    deinit {
        rows.deallocate()
        codes.deallocate()
    }

    /// Live vectors.
    public var count: Int { lock.withReadLock { slotIDs.count } }

    /// Candidates rescored exactly per result (`k · rescoreFactor` in all); may be changed
    /// between searches, as faiss's `k_factor`.
    public var rescoreFactor: Int {
        get { lock.withReadLock { parameters.rescoreFactor } }
        set { lock.withWriteLock { parameters.rescoreFactor = max(1, newValue) } }
    }

    /// The parameters in force.
    public var currentParameters: SimHashParameters { lock.withReadLock { parameters } }

    /// Bytes held by vectors, codes, ids and bucket tables.
    public var memoryBytes: Int {
        lock.withReadLock {
            rows.capacity * dimensions * 4 + codes.capacity * codes.width * 8 + slotIDs.capacity * 4
                + slotOfID.capacity * 12 + (buckets.map { $0.heads.capacity * 4 + $0.links.capacity * 4 } ?? 0)
        }
    }

    /// - Complexity: O(1).
    public func contains(_ id: UInt32) -> Bool { lock.withReadLock { slotOfID[id] != nil } }

    /// - Complexity: O(d).
    public func vector(for id: UInt32) -> [Float]? {
        lock.withReadLock {
            guard let slot = slotOfID[id] else { return nil }
            return Array(UnsafeBufferPointer(start: rows.row(slot), count: dimensions))
        }
    }

    // MARK: Hyperplanes

    /// Seeded Gaussian directions, orthonormalised in groups of `dimensions` by modified
    /// Gram–Schmidt when asked.
    static func drawHyperplanes(count: Int, dimensions: Int, orthogonal: Bool, seed: UInt64, kernels: VectorKernels) -> [Float] {
        var random = SplitMix64(seed: seed)
        var planes = (0..<count * dimensions).map { _ in random.nextGaussian() }
        guard orthogonal else { return planes }
        planes.withUnsafeMutableBufferPointer { planes in
            let base = planes.baseAddress!
            for row in 0..<count {
                let vector = base + row * dimensions
                let groupStart = row - row % dimensions
                for previous in groupStart..<row {
                    let other = base + previous * dimensions
                    let projection = kernels.dot(vector, other, count: dimensions)
                    for d in 0..<dimensions { vector[d] -= projection * other[d] }
                }
                Vectors.normalize(UnsafeMutableBufferPointer(start: vector, count: dimensions))
            }
        }
        return planes
    }

    // MARK: Adding

    /// Adds vectors; an id already present is replaced.
    /// - Complexity: O(n · bits · d) at sgemm speed on `buildThreads` cores, plus O(N · bits · d)
    ///   when the centre is re-learnt (amortised O(1) per vector: the index must have doubled).
    public func add(_ vectors: UnsafeBufferPointer<Float>, ids: UnsafeBufferPointer<UInt32>) throws {
        try IndexInputs.validate(vectors: vectors, ids: ids, dimensions: dimensions, metric: metric)
        guard !ids.isEmpty else { return }
        lock.withWriteLock {
            let before = slotIDs.count
            rows.reserve(rows: before + ids.count, keeping: before)
            var touched: [Int] = []
            touched.reserveCapacity(ids.count)
            var replaced: [Int] = []
            for (row, id) in ids.enumerated() {
                let slot: Int
                if let existing = slotOfID[id] {
                    slot = existing
                    if existing < before { replaced.append(existing) }
                } else {
                    slot = slotIDs.count
                    slotIDs.append(id)
                    slotOfID[id] = slot
                }
                let destination = rows.row(slot)
                destination.update(from: vectors.baseAddress! + row * dimensions, count: dimensions)
                if metric.normalizesVectors {
                    Vectors.normalize(UnsafeMutableBufferPointer(start: destination, count: dimensions))
                }
                touched.append(slot)
            }
            // Replaced rows leave their buckets under their old codes.
            if var table = buckets {
                for slot in Set(replaced) { table.remove(slot: slot) { self.tableKey(ofSlot: slot, table: $0) } }
                buckets = table
            }
            reserveCodes(for: slotIDs.count, keeping: before)
            if parameters.centered && centreSampleCount < Self.centreLearningLimit
                && (centreSampleCount == 0 || slotIDs.count >= 2 * centreSampleCount) {
                learnCentre()
                encode(slots: Array(0..<slotIDs.count))
                rebuildBuckets()
            } else {
                let changed = Array(Set(touched)).sorted()
                encode(slots: changed)
                if var table = buckets {
                    // Every changed slot is new or was taken out of its buckets above.
                    for slot in changed {
                        table.insert(slot: slot) { self.tableKey(ofSlot: slot, table: $0) }
                    }
                    buckets = table
                }
            }
        }
    }

    /// Makes room for `count` codes; fresh blocks start zeroed so unused lanes hold no garbage.
    func reserveCodes(for count: Int, keeping used: Int) {
        let usedBlocks = BinaryCodeLayout.blocks(for: used), neededBlocks = BinaryCodeLayout.blocks(for: count)
        codes.reserve(rows: neededBlocks, keeping: usedBlocks)
        if neededBlocks > usedBlocks {
            codes.row(usedBlocks).initialize(repeating: 0, count: (neededBlocks - usedBlocks) * codes.width)
        }
    }

    /// Sets the centre to the mean of every stored vector.
    private func learnCentre() {
        let count = slotIDs.count
        var mean = [Double](repeating: 0, count: dimensions)
        for slot in 0..<count {
            let row = rows.row(slot)
            for d in 0..<dimensions { mean[d] += Double(row[d]) }
        }
        let centre = mean.map { Float($0 / Double(count)) }
        centre.withUnsafeBufferPointer { centre in
            hyperplanes.withUnsafeBufferPointer { planes in
                for bit in 0..<parameters.totalBits {
                    offsets[bit] = kernels.dot(planes.baseAddress! + bit * dimensions, centre.baseAddress!, count: dimensions)
                }
            }
        }
        centreSampleCount = count
    }

    /// Recomputes the bucket tables from the codes.
    func rebuildBuckets() {
        guard buckets != nil else { return }
        var table = SimHashBuckets(tables: parameters.tables, bits: parameters.bitsPerTable)
        for slot in 0..<slotIDs.count { table.insert(slot: slot) { self.tableKey(ofSlot: slot, table: $0) } }
        buckets = table
    }

    /// Computes the codes of `slots` (ascending) from their stored vectors: projections through
    /// sgemm in blocks, minus the centre's, sign bits packed. Large batches run on
    /// `buildThreads` cores; every code is written by one worker only.
    func encode(slots slotList: [Int]) {
        guard !slotList.isEmpty else { return }
        let blocks = (slotList.count + Self.encodeBlock - 1) / Self.encodeBlock
        let workers = min(parameters.buildThreads, blocks)
        let bits = parameters.totalBits, words = parameters.words, dimensions = dimensions
        let state = UncheckedSendable((rows: rows, codes: codes.base, planes: hyperplanes, offsets: offsets))
        slotList.withUnsafeBufferPointer { slotList in
            let list = UncheckedSendable(slotList)
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                let gathered = UnsafeMutablePointer<Float>.allocate(capacity: Self.encodeBlock * dimensions)
                let projections = UnsafeMutablePointer<Float>.allocate(capacity: Self.encodeBlock * bits)
                defer {
                    gathered.deallocate()
                    projections.deallocate()
                }
                var block = worker
                while block < blocks {
                    let start = block * Self.encodeBlock
                    let count = min(Self.encodeBlock, list.value.count - start)
                    for i in 0..<count {
                        (gathered + i * dimensions).update(from: state.value.rows.row(list.value[start + i]), count: dimensions)
                    }
                    state.value.planes.withUnsafeBufferPointer { planes in
                        BatchScoring.innerProducts(queries: gathered, queryCount: count, rows: planes.baseAddress!, rowCount: bits,
                                                   rowStride: dimensions, dimensions: dimensions, into: projections, outStride: bits)
                    }
                    state.value.offsets.withUnsafeBufferPointer { offsets in
                        for i in 0..<count {
                            Self.packSigns(projections + i * bits, offsets: offsets.baseAddress!, bits: bits, words: words,
                                           into: state.value.codes, code: list.value[start + i])
                        }
                    }
                    block += workers
                }
            }
        }
    }

    /// Writes the sign bits of `projection − offsets` as code `code` of the block layout.
    @inline(__always)
    static func packSigns(
        _ projection: UnsafePointer<Float>, offsets: UnsafePointer<Float>, bits: Int, words: Int,
        into codes: UnsafeMutablePointer<UInt64>, code: Int
    ) {
        for w in 0..<words {
            var word: UInt64 = 0
            let first = w * 64, last = min(first + 64, bits)
            for bit in first..<last where projection[bit] > offsets[bit] {
                word |= 1 << UInt64(bit - first)
            }
            codes[BinaryCodeLayout.offset(code: code, word: w, words: words)] = word
        }
    }

    /// Bits `[table · b, table · b + b)` of a code whose words are `stride` apart.
    @inline(__always)
    static func tableKey(_ code: UnsafePointer<UInt64>, stride: Int, table: Int, bitsPerTable: Int) -> UInt32 {
        let start = table * bitsPerTable
        let word = start >> 6, shift = start & 63
        var value = code[word * stride] >> UInt64(shift)
        if shift + bitsPerTable > 64 { value |= code[(word + 1) * stride] << UInt64(64 - shift) }
        return UInt32(truncatingIfNeeded: value & ((1 << UInt64(bitsPerTable)) - 1))
    }

    /// The bucket key of stored code `slot` in `table`.
    func tableKey(ofSlot slot: Int, table: Int) -> UInt32 {
        Self.tableKey(codes.base + BinaryCodeLayout.offset(code: slot, word: 0, words: parameters.words),
                      stride: BinaryCodeLayout.blockSize, table: table, bitsPerTable: parameters.bitsPerTable)
    }

    // MARK: Removing

    /// Removes ids; the last row moves into each hole, with its code and bucket links.
    /// - Complexity: O(d + words + tables) per removed id.
    @discardableResult
    public func remove(_ ids: [UInt32]) -> Int {
        lock.withWriteLock {
            var removed = 0
            let words = parameters.words
            for id in ids {
                guard let slot = slotOfID.removeValue(forKey: id) else { continue }
                let last = slotIDs.count - 1
                if var table = buckets {
                    table.remove(slot: slot) { self.tableKey(ofSlot: slot, table: $0) }
                    if slot != last { table.move(last, to: slot) { self.tableKey(ofSlot: last, table: $0) } }
                    table.truncate(slots: last)
                    buckets = table
                }
                if slot != last {
                    rows.copyRow(last, to: slot)
                    slotIDs[slot] = slotIDs[last]
                    slotOfID[slotIDs[slot]] = slot
                    for w in 0..<words {
                        codes.base[BinaryCodeLayout.offset(code: slot, word: w, words: words)] =
                            codes.base[BinaryCodeLayout.offset(code: last, word: w, words: words)]
                    }
                }
                for w in 0..<words { codes.base[BinaryCodeLayout.offset(code: last, word: w, words: words)] = 0 }
                slotIDs.removeLast()
                removed += 1
            }
            shrinkIfSparse()
            return removed
        }
    }

    /// Gives memory back once fewer than a quarter of the allocated rows are used.
    private func shrinkIfSparse() {
        let count = slotIDs.count
        guard rows.capacity > 1024, count < rows.capacity / 4 else { return }
        rows.resize(rows: count * 2, keeping: count)
        let blocks = BinaryCodeLayout.blocks(for: count)
        codes.resize(rows: max(blocks * 2, 16), keeping: blocks)
        // Dictionaries and arrays keep their storage when emptied: copy them small.
        slotOfID = Dictionary(uniqueKeysWithValues: slotIDs.enumerated().map { ($1, $0) })
        slotIDs = Array(slotIDs)
    }
}
