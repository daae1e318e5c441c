import CVectorKernels
import VectorMath

/// The bucket table of a MinHash LSH index: open addressing with linear probing from
/// (band, bucket key) to the first slot of the bucket, whose other slots follow through the
/// index's per-(slot, band) links.
///
/// Bucket keys are XXH64 values seeded by the band, so their low bits index the table directly;
/// an entry (16 bytes: key, band, head) is one quarter of a cache line, and callers prefetch
/// the entries of all bands of a signature before probing them. Deletion shifts the following
/// entries back (no tombstones), so probe sequences stay short after many removals. The table
/// doubles when it is half full. It is a value holding a pointer; its owner calls
/// `deallocate()` once.
struct BandBuckets {
    struct Entry {
        var key: UInt64
        var band: UInt32
        /// The first slot of the bucket, or `noSlot` for an empty entry.
        var head: UInt32
    }

    static let noSlot = UInt32.max
    private(set) var entries: UnsafeMutablePointer<Entry>
    private(set) var mask: Int
    /// Occupied entries.
    private(set) var count = 0

    init(capacity: Int = 1024) {
        var size = 16
        while size < 2 * capacity { size *= 2 }
        mask = size - 1
        entries = Self.allocate(size)
    }

    private static func allocate(_ size: Int) -> UnsafeMutablePointer<Entry> {
        let entries = AlignedMemory.allocate(byteCount: size * MemoryLayout<Entry>.stride)
            .bindMemory(to: Entry.self, capacity: size)
        entries.initialize(repeating: Entry(key: 0, band: 0, head: noSlot), count: size)
        return entries
    }

    func deallocate() { UnsafeMutableRawPointer(entries).deallocate() }

    /// Bytes held.
    var byteCount: Int { (mask + 1) * MemoryLayout<Entry>.stride }

    @inline(__always) private func home(_ key: UInt64) -> Int { Int(truncatingIfNeeded: key) & mask }

    /// Starts loading the entry where the search for `key` begins.
    @inline(__always) func prefetch(_ key: UInt64) { loupe_prefetch(entries + home(key)) }

    /// The position of (key, band), or of the empty entry where it would go.
    @inline(__always) private func position(_ key: UInt64, band: UInt32) -> Int {
        var i = home(key)
        while true {
            let entry = entries[i]
            if entry.head == Self.noSlot || (entry.key == key && entry.band == band) { return i }
            i = (i + 1) & mask
        }
    }

    /// The first slot of the bucket (key, band), or `noSlot`.
    @inline(__always) func head(key: UInt64, band: Int) -> UInt32 {
        entries[position(key, band: UInt32(band))].head
    }

    /// Grows the table once so that `entries` entries fit without further growth.
    mutating func reserve(_ entries: Int) {
        var size = mask + 1
        while 2 * entries > size { size *= 2 }
        if size > mask + 1 { resize(to: size) }
    }

    /// Makes `slot` the bucket's first slot and returns the previous one (or `noSlot`).
    mutating func push(_ slot: UInt32, key: UInt64, band: Int) -> UInt32 {
        if 2 * (count + 1) > mask + 1 { resize(to: 2 * (mask + 1)) }
        let i = position(key, band: UInt32(band))
        let previous = entries[i].head
        if previous == Self.noSlot { count += 1 }
        entries[i] = Entry(key: key, band: UInt32(band), head: slot)
        return previous
    }

    /// Replaces the bucket's first slot; `noSlot` empties the bucket.
    mutating func setHead(_ slot: UInt32, key: UInt64, band: Int) {
        let i = position(key, band: UInt32(band))
        guard entries[i].head != Self.noSlot else { return }
        if slot != Self.noSlot {
            entries[i].head = slot
            return
        }
        // Backward-shift deletion: move later entries of the probe run into the hole.
        count -= 1
        var hole = i, j = i
        while true {
            j = (j + 1) & mask
            let entry = entries[j]
            if entry.head == Self.noSlot { break }
            let wanted = home(entry.key)
            // The entry may fill the hole unless its home lies cyclically in (hole, j].
            let homeInRun = hole <= j ? (hole < wanted && wanted <= j) : (hole < wanted || wanted <= j)
            if !homeInRun {
                entries[hole] = entry
                hole = j
            }
        }
        entries[hole].head = Self.noSlot
    }

    private mutating func resize(to size: Int) {
        let old = entries, oldSize = mask + 1
        mask = size - 1
        entries = Self.allocate(size)
        for i in 0..<oldSize where old[i].head != Self.noSlot {
            entries[position(old[i].key, band: old[i].band)] = old[i]
        }
        UnsafeMutableRawPointer(old).deallocate()
    }

    /// Calls `body` with every occupied entry (for invariant checks).
    func forEach(_ body: (Entry) -> Void) {
        for i in 0...mask where entries[i].head != Self.noSlot { body(entries[i]) }
    }
}
