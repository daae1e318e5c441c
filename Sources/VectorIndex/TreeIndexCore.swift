import VectorMath

/// The machinery shared by the bulk-built tree indexes: the rows in tree order with their ids
/// and tombstones, the buffer of vectors added since the last build, the id map, the lock, and
/// the rebuild policy. `KDTreeIndex` and `VPTreeIndex` are this core over their own tree.
///
/// - Adds go to an unsorted buffer that every search scans exactly; once it holds more than
///   `rebuildFraction` of the tree, the tree is rebuilt over everything live.
/// - Removes mark tree rows as tombstones (never returned) or take rows out of the buffer; once
///   tombstones are more than `compactionFraction` of the tree, it is rebuilt without them.
final class TreeIndexCore<Tree: StaticTree>: TreeIndexStorage, @unchecked Sendable {
    // @unchecked: every mutable property is read under `lock`'s read side and written under its
    // write side; the `let` properties never change.
    let dimensions: Int
    let metric: Metric
    let parameters: TreeParameters
    /// The default cap on vectors scored per query (nil: exact).
    let searchBudget: Int?
    let kernels: VectorKernels
    let lock = ReadWriteLock()

    var tree: Tree
    /// Tree rows, in tree order.
    var rows: RowBuffer<Float>
    /// Tree slot → id.
    var rowIDs: [UInt32] = []
    /// Tree slot → removed (or replaced) since the build.
    var dead: [Bool] = []
    var deadCount = 0
    /// Vectors added since the build, unsorted.
    var pending: RowBuffer<Float>
    var pendingIDs: [UInt32] = []
    /// Id → where its live vector is: a tree slot `s ≥ 0`, or a buffer slot `p` stored as `−1 − p`.
    var location: [UInt32: Int] = [:]

    init(dimensions: Int, metric: Metric, parameters: TreeParameters, searchBudget: Int?, kernels: VectorKernels) throws {
        guard dimensions > 0, dimensions <= 65_536 else {
            throw VectorIndexError(.invalidArgument, "dimensions must be in 1...65536 (got \(dimensions))")
        }
        try parameters.validate()
        if let searchBudget, searchBudget < 1 {
            throw VectorIndexError(.invalidArgument, "the search budget must be at least 1 vector (got \(searchBudget))")
        }
        self.dimensions = dimensions
        self.metric = metric
        self.parameters = parameters
        self.searchBudget = searchBudget
        self.kernels = kernels
        tree = Tree(dimensions: dimensions)
        rows = RowBuffer(width: dimensions, capacity: 16)
        pending = RowBuffer(width: dimensions, capacity: parameters.leafSize + 1)
    }

    deinit {
        rows.deallocate()
        pending.deallocate()
    }

    /// Live vectors, whether in the tree or in the buffer.
    var liveCount: Int { rowIDs.count - deadCount + pendingIDs.count }

    var count: Int { lock.withReadLock { liveCount } }

    func contains(_ id: UInt32) -> Bool { lock.withReadLock { location[id] != nil } }

    func vector(for id: UInt32) -> [Float]? {
        lock.withReadLock {
            guard let place = location[id] else { return nil }
            return Array(UnsafeBufferPointer(start: rowPointer(place), count: dimensions))
        }
    }

    /// The stored vector at a location.
    @inline(__always) func rowPointer(_ place: Int) -> UnsafeMutablePointer<Float> {
        place >= 0 ? rows.row(place) : pending.row(-1 - place)
    }

    // MARK: Changes

    /// Buffers the vectors (an id already present is replaced) and rebuilds when the buffer is
    /// large enough.
    /// - Complexity: O(n·d) for n vectors, plus an O(N·log N·d) rebuild when one is due.
    func add(_ vectors: UnsafeBufferPointer<Float>, ids: UnsafeBufferPointer<UInt32>) throws {
        try IndexInputs.validate(vectors: vectors, ids: ids, dimensions: dimensions, metric: metric)
        guard !ids.isEmpty else { return }
        lock.withWriteLock {
            pending.reserve(rows: pendingIDs.count + ids.count, keeping: pendingIDs.count)
            for (row, id) in ids.enumerated() {
                let slot: Int
                if let place = location[id], place < 0 {
                    slot = -1 - place
                } else {
                    if let place = location[id] {
                        dead[place] = true
                        deadCount += 1
                    }
                    slot = pendingIDs.count
                    pendingIDs.append(id)
                    location[id] = -1 - slot
                }
                let destination = pending.row(slot)
                destination.update(from: vectors.baseAddress! + row * dimensions, count: dimensions)
                if metric.normalizesVectors {
                    Vectors.normalize(UnsafeMutableBufferPointer(start: destination, count: dimensions))
                }
            }
            rebuildIfDue()
        }
    }

    /// Tombstones tree rows and drops buffered ones; compacts when tombstones are too many.
    /// - Complexity: O(1) per id, plus an O(N·log N·d) rebuild when one is due.
    func remove(_ ids: [UInt32]) -> Int {
        lock.withWriteLock {
            var removed = 0
            for id in ids {
                guard let place = location.removeValue(forKey: id) else { continue }
                removed += 1
                if place >= 0 {
                    dead[place] = true
                    deadCount += 1
                    continue
                }
                let slot = -1 - place, last = pendingIDs.count - 1
                if slot != last {
                    pending.copyRow(last, to: slot)
                    pendingIDs[slot] = pendingIDs[last]
                    location[pendingIDs[slot]] = -1 - slot
                }
                pendingIDs.removeLast()
            }
            rebuildIfDue()
            return removed
        }
    }

    /// Whether the buffer or the tombstones have grown past their fractions of the tree.
    private var isRebuildDue: Bool {
        let treeLive = rowIDs.count - deadCount
        let bufferLimit = max(parameters.leafSize, Int(parameters.rebuildFraction * Double(treeLive)))
        return pendingIDs.count > bufferLimit
            || (deadCount > 0 && Double(deadCount) > parameters.compactionFraction * Double(rowIDs.count))
    }

    private func rebuildIfDue() {
        if isRebuildDue { rebuild() }
    }

    /// Builds the tree anew over every live vector: the buffer is emptied and tombstones vanish.
    /// - Complexity: O(N·log N·d).
    func rebuild() {
        let live = liveCount
        let gathered = RowBuffer<Float>(width: dimensions, capacity: live)
        defer { gathered.deallocate() }
        var ids: [UInt32] = []
        ids.reserveCapacity(live)
        for slot in rowIDs.indices where !dead[slot] {
            gathered.row(ids.count).update(from: rows.row(slot), count: dimensions)
            ids.append(rowIDs[slot])
        }
        for slot in pendingIDs.indices {
            gathered.row(ids.count).update(from: pending.row(slot), count: dimensions)
            ids.append(pendingIDs[slot])
        }
        let (built, order) = Tree.build(rows: gathered.base, count: live, dimensions: dimensions, metric: metric,
                                        parameters: parameters, kernels: kernels)
        let ordered = RowBuffer<Float>(width: dimensions, capacity: live)
        for (position, source) in order.enumerated() {
            ordered.row(position).update(from: gathered.row(Int(source)), count: dimensions)
        }
        rows.deallocate()
        rows = ordered
        rowIDs = order.map { ids[Int($0)] }
        dead = [Bool](repeating: false, count: live)
        deadCount = 0
        pendingIDs.removeAll(keepingCapacity: false)
        pending.resize(rows: parameters.leafSize + 1, keeping: 0)
        location.removeAll(keepingCapacity: true)
        for (slot, id) in rowIDs.enumerated() { location[id] = slot }
        tree = built
    }

    func rebuildNow() { lock.withWriteLock { rebuild() } }

    var shape: TreeIndex.Shape {
        lock.withReadLock {
            TreeIndex.Shape(nodes: tree.nodeCount, treeVectors: rowIDs.count, tombstones: deadCount,
                            buffered: pendingIDs.count, depth: tree.depth)
        }
    }

    /// Broken invariants of the tree and the bookkeeping, in words (empty when sound).
    func invariantViolations() -> [String] {
        lock.withReadLock {
            var problems = tree.invariantViolations(rows: rows.base, count: rowIDs.count, dimensions: dimensions, kernels: kernels)
            if dead.count != rowIDs.count || dead.filter({ $0 }).count != deadCount {
                problems.append("tombstones: \(dead.filter { $0 }.count) marked of \(dead.count), count says \(deadCount)")
            }
            if location.count != liveCount {
                problems.append("the id map holds \(location.count) ids for \(liveCount) live vectors")
            }
            for (slot, id) in rowIDs.enumerated() where !dead[slot] && location[id] != slot {
                problems.append("tree row \(slot) (id \(id)) is not where the id map says")
            }
            for (slot, id) in pendingIDs.enumerated() where location[id] != -1 - slot {
                problems.append("buffered row \(slot) (id \(id)) is not where the id map says")
            }
            return problems
        }
    }
}
