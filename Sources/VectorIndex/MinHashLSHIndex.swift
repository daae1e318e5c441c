import CVectorKernels
import VectorMath

/// Near-duplicate search over sets and texts: MinHash signatures (Broder, "On the resemblance and
/// containment of documents", 1997) indexed by LSH banding (Leskovec, Rajaraman & Ullman,
/// *Mining of Massive Datasets*, ch. 3.4).
///
/// Each stored set keeps its signature (k = `hasher.numPermutations` values). The first
/// `bands · rows` values are cut into bands; each band's values are hashed (XXH64) to a bucket
/// key, and a set is a *candidate* for a query when they share a bucket in at least one band —
/// with probability 1 − (1 − s^r)^b for Jaccard similarity s. A near-duplicate query then
/// verifies every candidate, by the signature estimate (all k slots) or, when the index keeps
/// the sets, by the exact Jaccard similarity.
///
/// This is not a `VectorIndex`: it indexes sets of 64-bit tokens, not Float vectors. It follows
/// the same contracts where they apply: results are `SearchResult`s, best first, with `score` =
/// Jaccard similarity and `distance` = 1 − similarity; a filtered query scans the filter's rows
/// exactly when that costs no more than the LSH candidates; writes replace an existing id;
/// files follow Loupe's checksummed format.
///
/// - Layout: signatures in one aligned row buffer (k × 8 bytes per set); one open-addressing
///   table (`BandBuckets`) from (band, bucket key) to the first slot of the bucket, and one "next
///   slot in this bucket" link per (slot, band) in a second row buffer, so a bucket costs no
///   allocation of its own. The table entries of all bands are prefetched before they are
///   probed. Deletes move the last slot into the hole, so storage stays dense.
/// - Concurrency: queries share a read lock; writes take it alone. Signatures are computed
///   before the lock is taken.
public final class MinHashLSHIndex: @unchecked Sendable {
    // @unchecked: every mutable property below is read under `lock`'s read side and written under
    // its write side; the `let` configuration never changes.

    /// The permutations every stored and query signature must come from.
    public let hasher: MinHasher
    /// How signatures are cut into bands.
    public let banding: LSHBanding
    /// Whether the index keeps each set's tokens, for exact verification.
    public let keepsSets: Bool
    /// How the text conveniences turn a text into tokens.
    public let shingling: Shingling
    let lock = ReadWriteLock()

    /// Slot → signature (k values).
    var signatures: RowBuffer<UInt64>
    /// Slot → id.
    var slotIDs: [UInt32] = []
    /// Id → slot.
    var slotOfID: [UInt32: Int] = [:]
    /// Slot → its tokens ascending without repeats (only when `keepsSets`).
    var sets: [[UInt64]] = []
    /// (band, bucket key) → the first slot of the bucket.
    var buckets: BandBuckets
    /// Slot → per band, the next slot in the same bucket, or `noSlot`.
    var links: RowBuffer<UInt32>

    static let noSlot = BandBuckets.noSlot

    /// An empty index with explicit bands and rows.
    /// - Parameters:
    ///   - hasher: the permutations (default: 128, seed 1).
    ///   - banding: bands × rows; `bands · rows` must not exceed `hasher.numPermutations`.
    ///   - keepSets: keep each set's tokens so queries can verify candidates exactly (costs 8
    ///     bytes per token).
    ///   - shingling: how `insert(text:id:)` and text queries cut texts.
    /// - Throws: `invalidArgument` if the bands do not fit the signatures.
    public init(hasher: MinHasher, banding: LSHBanding, keepSets: Bool = false,
                shingling: Shingling = .characterFiveGrams) throws {
        guard banding.bands * banding.rows <= hasher.numPermutations else {
            throw VectorIndexError(.invalidArgument, "\(banding) do not fit signatures of \(hasher.numPermutations) slots")
        }
        self.hasher = hasher
        self.banding = banding
        keepsSets = keepSets
        self.shingling = shingling
        signatures = RowBuffer(width: hasher.numPermutations, capacity: 1024)
        links = RowBuffer(width: banding.bands, capacity: 1024)
        buckets = BandBuckets(capacity: 1024 * banding.bands)
    }

    /// An empty index tuned for a Jaccard `threshold`: bands and rows from
    /// `LSHBanding.optimal(threshold:numPermutations:falsePositiveWeight:falseNegativeWeight:)`.
    /// - Throws: `invalidArgument` for a threshold outside (0, 1) or bad weights.
    public convenience init(threshold: Double, hasher: MinHasher, keepSets: Bool = false,
                            falsePositiveWeight: Double = 0.5, falseNegativeWeight: Double = 0.5,
                            shingling: Shingling = .characterFiveGrams) throws {
        let banding = try LSHBanding.optimal(threshold: threshold, numPermutations: hasher.numPermutations,
                                             falsePositiveWeight: falsePositiveWeight, falseNegativeWeight: falseNegativeWeight)
        try self.init(hasher: hasher, banding: banding, keepSets: keepSets, shingling: shingling)
    }

    deinit {
        signatures.deallocate()
        links.deallocate()
        buckets.deallocate()
    }

    /// Stored sets.
    public var count: Int { lock.withReadLock { slotIDs.count } }

    /// Whether a set with this id is stored.
    /// - Complexity: O(1).
    public func contains(_ id: UInt32) -> Bool { lock.withReadLock { slotOfID[id] != nil } }

    /// The stored signature of `id`, or nil.
    /// - Complexity: O(k).
    public func signature(for id: UInt32) -> MinHashSignature? {
        lock.withReadLock {
            guard let slot = slotOfID[id] else { return nil }
            return MinHashSignature(unchecked: Array(UnsafeBufferPointer(start: signatures.row(slot), count: hasher.numPermutations)))
        }
    }

    /// The stored tokens of `id`, ascending (nil if the id is unknown or sets are not kept).
    public func tokens(for id: UInt32) -> [UInt64]? {
        lock.withReadLock { slotOfID[id].flatMap { keepsSets ? sets[$0] : nil } }
    }

    /// Bytes held by signatures, bucket links, bucket tables and kept sets (an estimate).
    public var memoryBytes: Int {
        lock.withReadLock {
            signatures.capacity * hasher.numPermutations * 8 + links.capacity * banding.bands * 4 + buckets.byteCount
                + sets.reduce(0) { $0 + $1.count * 8 + 32 } + slotIDs.count * 20
        }
    }

    // MARK: Writes

    /// Adds signatures, row-major (`hasher.numPermutations` values each), one per id. An id already
    /// present is replaced.
    /// - Parameter sets: each signature's set of tokens, required when the index keeps sets
    ///   (and ignored otherwise).
    /// - Throws: `invalidArgument` if the lengths disagree, a value exceeds 2^61 − 1, or the index
    ///   keeps sets and none are given; nothing is added then.
    /// - Complexity: O(n · bands) bucket updates.
    public func insert(signatures values: UnsafeBufferPointer<UInt64>, ids: UnsafeBufferPointer<UInt32>,
                       sets: [[UInt64]]? = nil) throws {
        try validate(signatures: values, count: ids.count)
        var kept: [[UInt64]]?
        if keepsSets {
            guard let sets, sets.count == ids.count else {
                throw VectorIndexError(.invalidArgument, "this index keeps sets: give one set of tokens per signature")
            }
            kept = sets.map(Jaccard.sortedUnique)
        }
        store(signatures: values.baseAddress, ids: ids, sets: kept)
    }

    /// Adds the sets `tokens[setOffsets[i]..<setOffsets[i + 1]]`, one per id, computing their
    /// signatures (and keeping the sets when `keepsSets`). An id already present is replaced.
    /// - Throws: `invalidArgument` if the offsets do not describe `ids.count` sets within `tokens`.
    /// - Complexity: O(total tokens · numPermutations) to hash, O(n · bands) to index.
    public func insert(sets tokens: UnsafeBufferPointer<UInt64>, setOffsets: UnsafeBufferPointer<Int>,
                       ids: UnsafeBufferPointer<UInt32>) throws {
        guard setOffsets.count == ids.count + 1 else {
            throw VectorIndexError(.invalidArgument, "\(setOffsets.count) offsets for \(ids.count) ids (expected \(ids.count + 1))")
        }
        var values = [UInt64](repeating: 0, count: ids.count * hasher.numPermutations)
        try values.withUnsafeMutableBufferPointer { try hasher.signatures(ofSets: tokens, setOffsets: setOffsets, into: $0) }
        let kept: [[UInt64]]? = keepsSets
            ? (0..<ids.count).map { Jaccard.sortedUnique(Array(tokens[setOffsets[$0]..<setOffsets[$0 + 1]])) }
            : nil
        values.withUnsafeBufferPointer { store(signatures: $0.baseAddress, ids: ids, sets: kept) }
    }

    /// Writes validated signatures under the write lock. The bucket keys of the next set are
    /// computed and prefetched while the current one is linked.
    private func store(signatures values: UnsafePointer<UInt64>?, ids: UnsafeBufferPointer<UInt32>, sets kept: [[UInt64]]?) {
        guard let values, !ids.isEmpty else { return }
        let k = hasher.numPermutations, bands = banding.bands
        lock.withWriteLock {
            signatures.reserve(rows: slotIDs.count + ids.count, keeping: slotIDs.count)
            links.reserve(rows: slotIDs.count + ids.count, keeping: slotIDs.count)
            withBandKeyBuffers { current, next, old in
                var table = buckets
                defer { buckets = table }
                table.reserve((slotIDs.count + ids.count) * bands)
                bandKeys(of: values, into: next, prefetchIn: table)
                for (row, id) in ids.enumerated() {
                    swap(&current, &next)
                    if row + 1 < ids.count { bandKeys(of: values + (row + 1) * k, into: next, prefetchIn: table) }
                    let slot: Int
                    if let existing = slotOfID[id] {
                        slot = existing
                        bandKeys(of: signatures.row(slot), into: old, prefetchIn: nil)
                        Self.unlink(slot, keys: old, bands: bands, table: &table, links: links.base)
                    } else {
                        slot = slotIDs.count
                        slotIDs.append(id)
                        slotOfID[id] = slot
                        if keepsSets { sets.append([]) }
                    }
                    signatures.row(slot).update(from: values + row * k, count: k)
                    if let kept { sets[slot] = kept[row] }
                    Self.link(slot, keys: current, bands: bands, table: &table, links: links.base)
                }
            }
        }
    }

    /// Removes the sets with these ids; unknown ids are ignored.
    /// - Returns: how many were removed.
    /// - Complexity: O(bands · bucket length) per removed id.
    @discardableResult
    public func remove(_ ids: [UInt32]) -> Int {
        let bands = banding.bands
        return lock.withWriteLock {
            withBandKeyBuffers { keys, lastKeys, _ in
                var table = buckets
                defer { buckets = table }
                var removed = 0
                for id in ids {
                    guard let slot = slotOfID.removeValue(forKey: id) else { continue }
                    removed += 1
                    bandKeys(of: signatures.row(slot), into: keys, prefetchIn: table)
                    Self.unlink(slot, keys: keys, bands: bands, table: &table, links: links.base)
                    let last = slotIDs.count - 1
                    if slot != last {
                        // The last slot moves into the hole: relink it under its new slot number.
                        bandKeys(of: signatures.row(last), into: lastKeys, prefetchIn: table)
                        Self.unlink(last, keys: lastKeys, bands: bands, table: &table, links: links.base)
                        signatures.copyRow(last, to: slot)
                        slotIDs[slot] = slotIDs[last]
                        slotOfID[slotIDs[slot]] = slot
                        if keepsSets { sets.swapAt(slot, last) }
                        Self.link(slot, keys: lastKeys, bands: bands, table: &table, links: links.base)
                    }
                    slotIDs.removeLast()
                    if keepsSets { sets.removeLast() }
                }
                return removed
            }
        }
    }

    // MARK: Buckets

    /// Rebuilds the buckets of every slot (after loading), sizing the table once.
    func relinkAll() {
        let n = slotIDs.count, bands = banding.bands
        links.reserve(rows: n, keeping: 0)
        var table = BandBuckets(capacity: n * bands)
        withBandKeyBuffers { current, next, _ in
            if n > 0 { bandKeys(of: signatures.row(0), into: next, prefetchIn: table) }
            for slot in 0..<n {
                swap(&current, &next)
                if slot + 1 < n { bandKeys(of: signatures.row(slot + 1), into: next, prefetchIn: table) }
                Self.link(slot, keys: current, bands: bands, table: &table, links: links.base)
            }
        }
        buckets.deallocate()
        buckets = table
    }

    /// Runs `body` with three scratch buffers of one bucket key per band.
    func withBandKeyBuffers<T>(
        _ body: (inout UnsafeMutablePointer<UInt64>, inout UnsafeMutablePointer<UInt64>, UnsafeMutablePointer<UInt64>) throws -> T
    ) rethrows -> T {
        let bands = banding.bands
        return try withUnsafeTemporaryAllocation(of: UInt64.self, capacity: 3 * bands) { buffer in
            var first = buffer.baseAddress!, second = first + bands
            return try body(&first, &second, first + 2 * bands)
        }
    }

    /// The bucket key of each band of `signature` (XXH64 of the band's values, seeded by the
    /// band), written to `keys`; their table entries are prefetched when a table is given.
    @inline(__always)
    func bandKeys(of signature: UnsafePointer<UInt64>, into keys: UnsafeMutablePointer<UInt64>, prefetchIn table: BandBuckets?) {
        let rows = banding.rows
        for band in 0..<banding.bands {
            keys[band] = loupe_xxh64(signature + band * rows, rows * 8, UInt64(band))
            table?.prefetch(keys[band])
        }
    }

    /// Puts `slot` at the head of its bucket in every band.
    static func link(_ slot: Int, keys: UnsafePointer<UInt64>, bands: Int, table: inout BandBuckets,
                     links: UnsafeMutablePointer<UInt32>) {
        let row = links + slot * bands
        for band in 0..<bands { row[band] = table.push(UInt32(slot), key: keys[band], band: band) }
    }

    /// Takes `slot` out of its bucket in every band.
    /// - Complexity: O(bucket length) per band.
    static func unlink(_ slot: Int, keys: UnsafePointer<UInt64>, bands: Int, table: inout BandBuckets,
                       links: UnsafeMutablePointer<UInt32>) {
        let target = UInt32(slot)
        for band in 0..<bands {
            let next = links[slot * bands + band]
            let head = table.head(key: keys[band], band: band)
            if head == target {
                table.setHead(next, key: keys[band], band: band)
            } else {
                var previous = head
                while previous != noSlot && links[Int(previous) * bands + band] != target {
                    previous = links[Int(previous) * bands + band]
                }
                if previous != noSlot { links[Int(previous) * bands + band] = next }
            }
            links[slot * bands + band] = noSlot
        }
    }

    /// Checks that `values` holds `count` signatures of the hasher's length with values ≤ p.
    func validate(signatures values: UnsafeBufferPointer<UInt64>, count: Int) throws {
        let k = hasher.numPermutations
        guard values.count == count * k else {
            throw VectorIndexError(.invalidArgument, "got \(values.count) values for \(count) signatures of \(k) slots (expected \(count * k))")
        }
        if let index = values.firstIndex(where: { $0 > MinHasher.prime }) {
            throw VectorIndexError(.invalidArgument, "signature \(index / k) has value \(values[index]) above 2^61 − 1 in slot \(index % k)")
        }
    }
}
