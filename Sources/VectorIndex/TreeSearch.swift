import VectorMath

/// The state of one query's walk through a bulk-built tree: the query, the rows in tree order,
/// the best `k` found so far, and the bounds that prune the walk.
///
/// Candidates enter the result heap ordered by key and then by id, so an exact search returns
/// exactly what a brute-force scan with the same kernels returns, ties included. Pruning
/// compares a lower bound on the ordering key of every row in a subtree with the worst key kept;
/// bounds are loosened by a rounding slack so that float error never prunes a true neighbour.
struct TreeSearch {
    let query: UnsafePointer<Float>
    let dimensions: Int
    let metric: Metric
    let kernels: VectorKernels
    /// The tree's rows in tree order, their ids, and their tombstones (nil when none is dead).
    let rows: UnsafePointer<Float>
    let ids: UnsafeBufferPointer<UInt32>
    let dead: UnsafePointer<Bool>?
    /// Only ids in this set may enter the result.
    let filter: IDFilter?
    /// Kernel values of one block of rows.
    let scores: UnsafeMutablePointer<Float>
    let scoreCapacity: Int
    /// The best `(key, id)` pairs so far, worst on top.
    var heap: MaxHeap
    /// Vectors scored so far (distance computations).
    var scored = 0
    /// The walk stops once this many vectors are scored and the heap is full.
    let budget: Int
    /// Set when the budget stopped the walk while a subtree that could hold a better neighbour
    /// was still unexplored: the answer is then approximate.
    var stoppedEarly = false
    /// Conversions between distances and ordering keys, with their rounding slack.
    let bounds: TreeBounds

    init(query: UnsafePointer<Float>, dimensions: Int, metric: Metric, kernels: VectorKernels,
         rows: UnsafePointer<Float>, ids: UnsafeBufferPointer<UInt32>, dead: UnsafePointer<Bool>?, filter: IDFilter?,
         scores: UnsafeMutablePointer<Float>, scoreCapacity: Int, heap: MaxHeap, budget: Int) {
        self.query = query
        self.dimensions = dimensions
        self.metric = metric
        self.kernels = kernels
        self.rows = rows
        self.ids = ids
        self.dead = dead
        self.filter = filter
        self.scores = scores
        self.scoreCapacity = scoreCapacity
        self.heap = heap
        self.budget = budget
        bounds = TreeBounds(metric: metric, dimensions: dimensions)
    }

    /// The key a candidate must beat (or tie with a lower id) to enter the result.
    @inline(__always) var worstKey: Float { heap.isFull ? heap.topKey : .infinity }

    /// Whether the budget is spent (and the heap full, so the answer is never short).
    @inline(__always) var isOverBudget: Bool { scored >= budget && heap.isFull }

    /// Whether a subtree whose rows all have an ordering key of at least `bound` can be skipped.
    @inline(__always) func prunes(keyBound bound: Float) -> Bool { heap.isFull && bound > heap.topKey }

    /// The Euclidean distance from the query within which a vector can still enter the result
    /// (infinite while the heap is not full).
    @inline(__always) var radius: Float { heap.isFull ? bounds.radius(worstKey: heap.topKey) : .infinity }

    /// Scores `count` consecutive tree rows from `start` and offers the live, allowed ones.
    @inline(__always)
    mutating func scoreTreeRows(from start: Int, count: Int) {
        var done = 0
        while done < count {
            let length = min(scoreCapacity, count - done)
            let first = start + done
            kernels.scoreConsecutiveRows(metric, query: query, base: rows + first * dimensions, dimensions: dimensions,
                                         stride: dimensions, count: length, into: scores)
            admit(count: length, ids: ids.baseAddress! + first, dead: dead.map { $0 + first })
            done += length
        }
    }

    /// Scores `count` consecutive rows of another block (the buffer of recent additions, which
    /// has no tombstones) and offers the allowed ones.
    mutating func scoreRows(_ base: UnsafePointer<Float>, ids: UnsafePointer<UInt32>, count: Int) {
        var done = 0
        while done < count {
            let length = min(scoreCapacity, count - done)
            kernels.scoreConsecutiveRows(metric, query: query, base: base + done * dimensions, dimensions: dimensions,
                                         stride: dimensions, count: length, into: scores)
            admit(count: length, ids: ids + done, dead: nil)
            done += length
        }
    }

    /// Offers one tree row whose ordering key is already known (a vantage point).
    @inline(__always)
    mutating func offerTreeRow(_ slot: Int, key: Float) {
        if key > worstKey { return }
        if let dead, dead[slot] { return }
        let id = ids[slot]
        if let filter, !filter.contains(id) { return }
        heap.keepLowestBreakingTies(key, id)
    }

    /// Offers the `count` kernel values in `scores` for rows with these ids and tombstones.
    @inline(__always)
    private mutating func admit(count: Int, ids: UnsafePointer<UInt32>, dead: UnsafePointer<Bool>?) {
        scored += count
        let negate = metric != .l2
        var worst = worstKey
        for i in 0..<count {
            let key = negate ? -scores[i] : scores[i]
            if key > worst { continue }
            if let dead, dead[i] { continue }
            let id = ids[i]
            if let filter, !filter.contains(id) { continue }
            if heap.keepLowestBreakingTies(key, id), heap.isFull { worst = heap.topKey }
        }
    }
}

/// Conversions between Euclidean distances and ordering keys for pruning, loosened by a rounding
/// slack so that float error never prunes a true neighbour.
struct TreeBounds {
    let metric: Metric
    /// Relative rounding error allowed for: a forward error bound of a float dot product of
    /// `dimensions` terms, with room to spare.
    let slack: Float

    init(metric: Metric, dimensions: Int) {
        self.metric = metric
        slack = Float(dimensions + 16) * 4 * .ulpOfOne
    }

    /// A lower bound on the ordering key of any stored vector at squared Euclidean distance at
    /// least `squaredDistance` from the query, for L2 and for cosine (unit vectors, where
    /// −q·x = ‖q − x‖²/2 − 1).
    @inline(__always) func keyBound(squaredDistance: Float) -> Float {
        let loosened = squaredDistance * (1 - slack)
        return metric == .l2 ? loosened : loosened * 0.5 - 1 - slack
    }

    /// The Euclidean distance within which a vector has an ordering key of at most `worstKey`,
    /// for L2 and for cosine on unit vectors (‖q − x‖² = 2 + 2·key).
    @inline(__always) func radius(worstKey key: Float) -> Float {
        let squared = metric == .l2 ? max(key, 0) : max(2 + 2 * key, 0) + 4 * slack
        return squared.squareRoot() * (1 + slack)
    }
}
