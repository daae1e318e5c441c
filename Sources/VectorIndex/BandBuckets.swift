import CVectorKernels
import VectorMath

/// The bucket table of a MinHash LSH index: open addressing with linear probing from
/// (band, bucket key) to the first slot of the bucket, whose other slots follow through the
/// index's per-(slot, band) links.
///
/// Bucket keys are XXH64 values seeded by the band, so they map to a home entry directly by
/// multiply-shift range reduction (Lemire, 2019), which lets the table have any size: `reserve`
/// sizes it to the expected entries at 60 % load instead of rounding up to a power of two. An
/// entry (16 bytes: key, band, head) is a quarter of a cache line, and callers prefetch the
/// entries of all bands of a signature before probing them. Deletion shifts the following
/// entries back (no tombstones), so probe sequences stay short after many removals; an insert
/// past 60 % load doubles the table. It is a value holding a pointer; its owner calls
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
    /// Entries in the table.
    private(set) var size: Int
    /// Occupied entries.
    private(set) var count = 0

    /// A table for `capacity` occupied entries at most 60 % full.
    init(capacity: Int = 1024) {
        size = Self.size(for: capacity)
        entries = Self.allocate(size)
    }

    private static func size(for capacity: Int) -> Int { max(16, capacity * 5 / 3 + 1) }

    private static func allocate(_ size: Int) -> UnsafeMutablePointer<Entry> {
        let entries = AlignedMemory.allocate(byteCount: size * MemoryLayout<Entry>.stride)
            .bindMemory(to: Entry.self, capacity: size)
        entries.initialize(repeating: Entry(key: 0, band: 0, head: noSlot), count: size)
        return entries
    }

    func deallocate() { UnsafeMutableRawPointer(entries).deallocate() }

    /// Bytes held.
    var byteCount: Int { size * MemoryLayout<Entry>.stride }

    @inline(__always) private func home(_ key: UInt64) -> Int { Int(key.multipliedFullWidth(by: UInt64(size)).high) }

    @inline(__always) private func following(_ i: Int) -> Int { i + 1 == size ? 0 : i + 1 }

    /// Starts loading the entry where the search for `key` begins.
    @inline(__always) func prefetch(_ key: UInt64) { loupe_prefetch(entries + home(key)) }

    /// The position of (key, band), or of the empty entry where it would go.
    @inline(__always) private func position(_ key: UInt64, band: UInt32) -> Int {
        var i = home(key)
        while true {
            let entry = entries[i]
            if entry.head == Self.noSlot || (entry.key == key && entry.band == band) { return i }
            i = following(i)
        }
    }

    /// The first slot of the bucket (key, band), or `noSlot`.
    @inline(__always) func head(key: UInt64, band: Int) -> UInt32 {
        entries[position(key, band: UInt32(band))].head
    }

    /// Grows the table once so that `entries` entries fit without further growth.
    mutating func reserve(_ entries: Int) {
        let wanted = Self.size(for: entries)
        if wanted > size { resize(to: wanted) }
    }

    /// Makes `slot` the bucket's first slot and returns the previous one (or `noSlot`).
    mutating func push(_ slot: UInt32, key: UInt64, band: Int) -> UInt32 {
        if 5 * (count + 1) > 3 * size { resize(to: 2 * size) }
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
            j = following(j)
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

    private mutating func resize(to newSize: Int) {
        let old = entries, oldSize = size
        size = newSize
        entries = Self.allocate(newSize)
        for i in 0..<oldSize where old[i].head != Self.noSlot {
            entries[position(old[i].key, band: old[i].band)] = old[i]
        }
        UnsafeMutableRawPointer(old).deallocate()
    }

    /// Calls `body` with every occupied entry (for invariant checks).
    func forEach(_ body: (Entry) -> Void) {
        for i in 0..<size where entries[i].head != Self.noSlot { body(entries[i]) }
    }
}
