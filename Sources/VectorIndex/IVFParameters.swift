import VectorMath

/// The parameters of an `IVFIndex`.
public struct IVFParameters: Sendable, Equatable {
    /// Inverted lists: the number of k-means clusters of the coarse quantiser.
    public var nlist: Int
    /// Lists scanned per query by default (`IVFIndex.nprobe` changes it between searches).
    public var nprobe: Int
    /// How vectors are kept in the lists: nil for float rows (faiss `IndexIVFFlat`), `.int8`
    /// (faiss `IndexIVFScalarQuantizer` SQ8) or `.float16` codes, whose best
    /// `k · rescoreFactor` candidates are rescored exactly against float copies. The int8 ranges
    /// are learnt when the index trains; a later vector outside them is clamped, which blurs its
    /// first-pass score but not its exact one.
    public var encoding: VectorEncoding?
    /// With an encoding, candidates rescored exactly per result.
    public var rescoreFactor: Int
    /// Lloyd iterations of the coarse k-means (faiss uses 10 for IVF).
    public var trainingIterations: Int
    /// k-means trains on a sample of at most `nlist · maxTrainingPointsPerList` vectors.
    public var maxTrainingPointsPerList: Int
    /// The index trains itself once it holds `nlist · minimumPointsPerList` vectors (faiss warns
    /// below 39 per centroid); until then every search is an exact scan.
    public var minimumPointsPerList: Int
    /// Seed of k-means.
    public var seed: UInt64
    /// How k-means picks its first centroids. Random points by default, as faiss: k-means++ gives
    /// outliers lists of their own and leaves the dense regions in larger lists, so a query scans
    /// more vectors for the same recall (fashion-mnist, nlist 1024, nprobe 16: 1,781 vectors for
    /// recall 0.9919 with k-means++, 1,377 for 0.9925 with random points).
    public var seeding: KMeans.Seeding
    /// Threads for training, assignment and encoding.
    public var buildThreads: Int

    /// Parameters; the defaults suit 10^5–10^6 vectors (faiss suggests nlist ≈ 4–16 √n).
    public init(nlist: Int = 1024, nprobe: Int = 16, encoding: VectorEncoding? = nil, rescoreFactor: Int = 10,
                trainingIterations: Int = 10, maxTrainingPointsPerList: Int = 256, minimumPointsPerList: Int = 39,
                seed: UInt64 = 42, seeding: KMeans.Seeding = .randomPoints, buildThreads: Int? = nil) {
        self.seeding = seeding
        self.nlist = nlist
        self.nprobe = nprobe
        self.encoding = encoding
        self.rescoreFactor = rescoreFactor
        self.trainingIterations = trainingIterations
        self.maxTrainingPointsPerList = maxTrainingPointsPerList
        self.minimumPointsPerList = minimumPointsPerList
        self.seed = seed
        self.buildThreads = buildThreads ?? KMeans.availableCores
    }

    func validate() throws {
        guard (1...1 << 20).contains(nlist) else {
            throw VectorIndexError(.invalidArgument, "nlist must be in 1...\(1 << 20) (got \(nlist))")
        }
        guard nprobe >= 1 else { throw VectorIndexError(.invalidArgument, "nprobe must be at least 1 (got \(nprobe))") }
        guard rescoreFactor >= 1 else {
            throw VectorIndexError(.invalidArgument, "rescoreFactor must be at least 1 (got \(rescoreFactor))")
        }
        guard trainingIterations >= 0, maxTrainingPointsPerList >= 1, minimumPointsPerList >= 1, buildThreads >= 1 else {
            throw VectorIndexError(.invalidArgument, "trainingIterations must be ≥ 0; maxTrainingPointsPerList, minimumPointsPerList and buildThreads ≥ 1")
        }
    }
}

/// One inverted list: the slots of its vectors and, contiguously, either their float rows or
/// their codes. A value holding pointers; its owner calls `deallocate()`.
struct IVFList {
    private(set) var slots: [UInt32] = []
    /// Float rows (no encoding, or the list of not-yet-assigned vectors).
    var floats: RowBuffer<Float>?
    /// Codes (with an encoding).
    var coded: CodedRows?

    var count: Int { slots.count }

    /// An empty list of `capacity` rows: float rows, codes, or slots only.
    init(dimensions: Int, encoding: VectorEncoding?, quantizer: ScalarQuantizer?, capacity: Int, holdsFloats: Bool) {
        if let encoding {
            coded = CodedRows(encoding: encoding, dimensions: dimensions, capacity: capacity, quantizer: quantizer)
        } else if holdsFloats {
            floats = RowBuffer(width: dimensions, capacity: capacity)
        }
        slots.reserveCapacity(capacity)
    }

    func deallocate() {
        floats?.deallocate()
        coded?.deallocate()
    }

    /// Appends `vector` for `slot`; returns its position.
    @discardableResult
    mutating func append(slot: UInt32, vector: UnsafePointer<Float>, dimensions: Int, kernels: VectorKernels) -> Int {
        let position = slots.count
        if var rows = floats {
            rows.reserve(rows: position + 1, keeping: position)
            rows.row(position).update(from: vector, count: dimensions)
            floats = rows
        }
        if var codes = coded {
            codes.reserve(rows: position + 1, keeping: position)
            codes.encode(row: position, from: vector, kernels: kernels)
            coded = codes
        }
        slots.append(slot)
        return position
    }

    /// Moves the last entry into `position` (a swap-remove); returns the slot that moved there,
    /// or nil when `position` was the last.
    mutating func remove(at position: Int) -> UInt32? {
        let last = slots.count - 1
        floats?.copyRow(last, to: position)
        coded?.moveRow(last, to: position)
        slots[position] = slots[last]
        slots.removeLast()
        shrinkIfSparse()
        return position == last ? nil : slots[position]
    }

    /// Gives memory back once a list uses less than a quarter of what it holds.
    private mutating func shrinkIfSparse() {
        let count = slots.count
        if var rows = floats, rows.capacity > 16, count < rows.capacity / 4 {
            rows.resize(rows: count * 2, keeping: count)
            floats = rows
        }
        if var codes = coded, codes.codes.capacity > 16, count < codes.codes.capacity / 4 {
            codes.resize(rows: count * 2)
            coded = codes
        }
        if slots.capacity > 16, count < slots.capacity / 4 { slots = Array(slots) }
    }

    /// Renumbers the entry at `position` as `slot`.
    mutating func setSlot(_ slot: UInt32, at position: Int) { slots[position] = slot }

    /// Bytes allocated.
    func allocatedBytes(dimensions: Int) -> Int {
        slots.capacity * 4 + (floats.map { $0.capacity * dimensions * 4 } ?? 0) + (coded?.allocatedBytes ?? 0)
    }
}
