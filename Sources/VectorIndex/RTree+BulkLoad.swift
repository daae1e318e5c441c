/// Sort-Tile-Recursive packing (Leutenegger, Lopez & Edgington, "STR: A Simple and Efficient
/// Algorithm for R-Tree Packing", ICDE 1997).
///
/// For r rectangles and node capacity M: P = ⌈r/M⌉ nodes, S = ⌈√P⌉ vertical slices. Sort the
/// rectangles by the x of their centres, cut them into slices of S·M, sort each slice by the y of
/// the centres, and pack runs of M into nodes; then pack the nodes' rectangles the same way, level
/// after level, until one node is left. Every node is full except the last of each level. Sorts
/// are radix sorts, so a bulk load is linear in the number of items.
extension RTree {
    /// Packs `count` boxes into a tree of nodes of up to `capacity` entries, and writes the boxes
    /// in the tree's item order into `packed` (room for `count`).
    /// - Returns: the order of the items in the tree (slot → index in `boxes`) and the nodes.
    /// - Complexity: O(n) for n boxes (radix sorts), about n/(M − 1) nodes. The boxes are read
    ///   out of order once; everything after runs through memory in order.
    static func packSortTileRecursive(_ boxes: BoxColumns, count: Int, capacity: Int, into packed: BoxColumns) -> (itemOrder: [UInt32], nodes: RTreeNodes) {
        guard count > 0 else { return ([], RTreeNodes(count: 0)) }
        // The items in STR order: leaves are then consecutive runs of it.
        let itemSort = sortTileOrder(boxes, count: count, capacity: capacity)
        let sorted = BoxColumns(capacity: count)
        defer { sorted.deallocate() }
        for (position, index) in itemSort.enumerated() { sorted[position] = boxes[Int(index)] }

        // Bottom-up: each level's order of the level below, and its own boxes (creation order).
        var levels: [(order: [UInt32], boxes: BoxColumns, count: Int)] = []
        var below = sorted, belowCount = count
        repeat {
            let order = levels.isEmpty ? Array(0..<UInt32(count)) : sortTileOrder(below, count: belowCount, capacity: capacity)
            let groups = (belowCount + capacity - 1) / capacity
            let level = BoxColumns(capacity: groups)
            order.withUnsafeBufferPointer { order in
                for group in 0..<groups {
                    let start = group * capacity, end = min(start + capacity, belowCount)
                    var box = below[Int(order[start])]
                    for position in start + 1..<end {
                        let child = below[Int(order[position])]
                        box.minX = min(box.minX, child.minX)
                        box.minY = min(box.minY, child.minY)
                        box.maxX = max(box.maxX, child.maxX)
                        box.maxY = max(box.maxY, child.maxY)
                    }
                    level[group] = box
                }
            }
            levels.append((order, level, groups))
            below = level
            belowCount = groups
        } while belowCount > 1
        defer { levels.forEach { $0.boxes.deallocate() } }

        // Top-down: lay every level out in depth-first order, root first, leaves last.
        let height = levels.count
        var offsets = [Int](repeating: 0, count: height)  // global index of each level's first node
        for level in stride(from: height - 2, through: 0, by: -1) {
            offsets[level] = offsets[level + 1] + levels[level + 1].count
        }
        var nodes = RTreeNodes(count: offsets[0] + levels[0].count)
        nodes.leafStart = offsets[0]
        nodes.height = height
        var current: [UInt32] = [0]
        for level in stride(from: height - 1, through: 0, by: -1) {
            let (order, levelBoxes, _) = levels[level]
            let countBelow = level == 0 ? count : levels[level - 1].count
            var next: [UInt32] = []
            next.reserveCapacity(countBelow)
            for (position, group) in current.enumerated() {
                let node = offsets[level] + position
                let start = Int(group) * capacity, end = min(start + capacity, countBelow)
                nodes.boxes[node] = levelBoxes[Int(group)]
                nodes.firstChild.base[node] = UInt32((level == 0 ? 0 : offsets[level - 1]) + next.count)
                nodes.childCount.base[node] = UInt32(end - start)
                next.append(contentsOf: order[start..<end])
            }
            current = next
        }
        // Item runs: a leaf's are its children; an inner node's span its first to last child's.
        for node in stride(from: nodes.count - 1, through: 0, by: -1) {
            let first = Int(nodes.firstChild.base[node]), children = Int(nodes.childCount.base[node])
            if nodes.isLeaf(node) {
                nodes.firstItem.base[node] = UInt32(first)
                nodes.itemEnd.base[node] = UInt32(first + children)
            } else {
                nodes.firstItem.base[node] = nodes.firstItem.base[first]
                nodes.itemEnd.base[node] = nodes.itemEnd.base[first + children - 1]
            }
        }
        // `current` now holds positions in `sorted`, in whole runs per leaf.
        var itemOrder = [UInt32](repeating: 0, count: count)
        for (slot, position) in current.enumerated() {
            packed[slot] = sorted[Int(position)]
            itemOrder[slot] = itemSort[Int(position)]
        }
        return (itemOrder, nodes)
    }

    /// One level of STR: the order in which `count` boxes are cut into runs of `capacity`.
    static func sortTileOrder(_ boxes: BoxColumns, count: Int, capacity: Int) -> [UInt32] {
        let nodes = (count + capacity - 1) / capacity
        let slices = Int(Double(nodes).squareRoot().rounded(.up))
        let sliceSize = slices * capacity
        let keys = UnsafeMutablePointer<UInt64>.allocate(capacity: count)
        let scratch = UnsafeMutablePointer<UInt64>.allocate(capacity: count)
        defer {
            keys.deallocate()
            scratch.deallocate()
        }
        let minX = boxes.minX.base, maxX = boxes.maxX.base, minY = boxes.minY.base, maxY = boxes.maxY.base
        for i in 0..<count { keys[i] = RadixSort.pack(minX[i] * 0.5 + maxX[i] * 0.5, UInt32(i)) }
        RadixSort.sortByKey(keys, count: count, scratch: scratch)
        var start = 0
        while start < count {
            let end = min(start + sliceSize, count)
            for j in start..<end {
                let i = Int(RadixSort.payload(keys[j]))
                keys[j] = RadixSort.pack(minY[i] * 0.5 + maxY[i] * 0.5, UInt32(i))
            }
            RadixSort.sortByKey(keys + start, count: end - start, scratch: scratch)
            start = end
        }
        return (0..<count).map { RadixSort.payload(keys[$0]) }
    }
}
