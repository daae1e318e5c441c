import VectorMath

/// Keeps the `capacity` codes of smallest Hamming distance seen in a stream, for the first pass of
/// a SimHash search.
///
/// Distances are small integers, so instead of a heap (O(log C) per code that enters, and in
/// clustered data thousands enter) candidates go into a buffer under a threshold; when the buffer
/// holds four times the capacity, a counting pass over its distances finds the capacity-th smallest,
/// keeps exactly `capacity` codes (ties broken by arrival order) and tightens the threshold. Each
/// code costs O(1) amortised. The SIMD pre-filter `VectorKernels.indices(of:above:)` skips every
/// code above the threshold.
///
/// A value holding pointers; call `deallocate()` once.
struct HammingShortlist {
    let capacity: Int
    private let bits: Int
    private(set) var ids: UnsafeMutablePointer<UInt32>
    private var distances: UnsafeMutablePointer<UInt16>
    private var histogram: UnsafeMutablePointer<Int32>
    private(set) var count = 0
    /// The buffer is compacted when it holds this many times the capacity.
    static let fill = 4
    /// Codes at a distance of at most this enter.
    private var threshold: Int

    /// A shortlist of up to `capacity` codes of at most `bits` bits.
    init(capacity: Int, bits: Int) {
        self.capacity = max(capacity, 1)
        self.bits = bits
        threshold = bits
        let room = Self.fill * self.capacity + MaxHeap.offerChunk
        ids = .allocate(capacity: room)
        distances = .allocate(capacity: room)
        histogram = .allocate(capacity: bits + 1)
    }

    func deallocate() {
        ids.deallocate()
        distances.deallocate()
        histogram.deallocate()
    }

    /// Offers `count` negated Hamming distances (as the kernels write them); value `i` carries the
    /// id `id(i)`. `scratch` needs room for `MaxHeap.offerChunk` indices.
    @inline(__always)
    mutating func offer(
        negatedDistances values: UnsafePointer<Float>, count: Int, kernels: VectorKernels,
        scratch: UnsafeMutablePointer<UInt32>, id: (Int) -> UInt32
    ) {
        var start = 0
        while start < count {
            let length = Swift.min(MaxHeap.offerChunk, count - start)
            // −d > −(threshold + ½)  ⇔  d ≤ threshold.
            let passed = kernels.indices(of: values + start, count: length, above: -(Float(threshold) + 0.5), into: scratch)
            for j in 0..<passed {
                let i = start + Int(scratch[j])
                ids[self.count] = id(i)
                distances[self.count] = UInt16(-values[i])
                self.count += 1
            }
            if self.count >= Self.fill * capacity { compact() }
            start += length
        }
    }

    /// Keeps exactly `capacity` codes (if it holds more): those below the capacity-th smallest
    /// distance, then the earliest at that distance; later codes must be strictly nearer.
    mutating func compact() {
        guard count > capacity else { return }
        // Ties kept by the last compaction lie one above the threshold.
        histogram.initialize(repeating: 0, count: min(threshold + 2, bits + 1))
        for i in 0..<count { histogram[Int(distances[i])] += 1 }
        var cut = 0, below = 0
        while below + Int(histogram[cut]) < capacity {
            below += Int(histogram[cut])
            cut += 1
        }
        // Branch-free: which codes survive is unpredictable.
        var tiesLeft = capacity - below
        var kept = 0
        for i in 0..<count {
            let distance = Int(distances[i])
            let tie = distance == cut && tiesLeft > 0
            ids[kept] = ids[i]
            distances[kept] = distances[i]
            kept &+= (distance < cut || tie) ? 1 : 0
            tiesLeft &-= tie ? 1 : 0
        }
        count = kept
        threshold = cut - 1
        if threshold < 0 {
            // `capacity` exact matches: nothing can enter any more.
            threshold = -1
        }
    }
}
