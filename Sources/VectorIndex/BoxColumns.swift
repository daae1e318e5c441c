/// Boxes stored as four columns (`minX`, `minY`, `maxX`, `maxY`), each a contiguous array of
/// `Float`: the struct-of-arrays layout that an R-tree's scans stream through. A value holding
/// pointers; its owner calls `deallocate()` once.
struct BoxColumns {
    private(set) var minX: RowBuffer<Float>
    private(set) var minY: RowBuffer<Float>
    private(set) var maxX: RowBuffer<Float>
    private(set) var maxY: RowBuffer<Float>

    init(capacity: Int) {
        minX = RowBuffer(width: 1, capacity: capacity)
        minY = RowBuffer(width: 1, capacity: capacity)
        maxX = RowBuffer(width: 1, capacity: capacity)
        maxY = RowBuffer(width: 1, capacity: capacity)
    }

    /// Makes room for `count` boxes, keeping the first `used`.
    mutating func reserve(_ count: Int, keeping used: Int) {
        minX.reserve(rows: count, keeping: used)
        minY.reserve(rows: count, keeping: used)
        maxX.reserve(rows: count, keeping: used)
        maxY.reserve(rows: count, keeping: used)
    }

    @inline(__always) subscript(_ i: Int) -> Box2D {
        get { Box2D(minX: minX.base[i], minY: minY.base[i], maxX: maxX.base[i], maxY: maxY.base[i]) }
        nonmutating set {
            minX.base[i] = newValue.minX
            minY.base[i] = newValue.minY
            maxX.base[i] = newValue.maxX
            maxY.base[i] = newValue.maxY
        }
    }

    /// The smallest box around boxes `range`, which must not be empty.
    func union(_ range: Range<Int>) -> Box2D {
        var box = self[range.lowerBound]
        for i in range.dropFirst() {
            box.minX = min(box.minX, minX.base[i])
            box.minY = min(box.minY, minY.base[i])
            box.maxX = max(box.maxX, maxX.base[i])
            box.maxY = max(box.maxY, maxY.base[i])
        }
        return box
    }

    func deallocate() {
        minX.deallocate()
        minY.deallocate()
        maxX.deallocate()
        maxY.deallocate()
    }
}
