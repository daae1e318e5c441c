import VectorMath

/// Growable, 64-byte-aligned, row-major storage of fixed-width rows of `Element`: the contiguous
/// memory that the kernels stream through. It is a value holding a pointer; its owner calls
/// `deallocate()` once.
struct RowBuffer<Element: BitwiseCopyable> {
    /// Elements per row.
    let width: Int
    private(set) var base: UnsafeMutablePointer<Element>
    private(set) var capacity: Int

    init(width: Int, capacity: Int) {
        self.width = width
        self.capacity = max(capacity, 16)
        base = Self.allocateAligned(rows: self.capacity, width: width)
    }

    private static func allocateAligned(rows: Int, width: Int) -> UnsafeMutablePointer<Element> {
        AlignedMemory.allocate(byteCount: rows * width * MemoryLayout<Element>.stride)
            .bindMemory(to: Element.self, capacity: rows * width)
    }

    /// The first element of `row`.
    @inline(__always) func row(_ row: Int) -> UnsafeMutablePointer<Element> { base + row * width }

    /// Makes room for at least `rows` rows, keeping the first `used` rows.
    mutating func reserve(rows: Int, keeping used: Int) {
        guard rows > capacity else { return }
        var newCapacity = capacity
        while newCapacity < rows { newCapacity = newCapacity + newCapacity / 2 + 16 }
        let grown = Self.allocateAligned(rows: newCapacity, width: width)
        grown.update(from: base, count: used * width)
        UnsafeMutableRawPointer(base).deallocate()
        base = grown
        capacity = newCapacity
    }

    /// Reallocates to exactly `rows` rows (at least `used`), keeping the first `used` rows: how
    /// space freed by a compaction goes back to the allocator.
    mutating func resize(rows: Int, keeping used: Int) {
        let newCapacity = max(rows, used, 16)
        guard newCapacity != capacity else { return }
        let moved = Self.allocateAligned(rows: newCapacity, width: width)
        moved.update(from: base, count: used * width)
        UnsafeMutableRawPointer(base).deallocate()
        base = moved
        capacity = newCapacity
    }

    /// Copies row `source` over row `destination`.
    @inline(__always) func copyRow(_ source: Int, to destination: Int) {
        guard source != destination else { return }
        row(destination).update(from: row(source), count: width)
    }

    func deallocate() { UnsafeMutableRawPointer(base).deallocate() }
}
