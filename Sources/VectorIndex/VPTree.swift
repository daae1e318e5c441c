import VectorMath

/// A vantage-point tree (Yianilos, "Data structures and algorithms for nearest neighbor search in
/// general metric spaces", SODA 1993): a metric tree that prunes with the triangle inequality
/// alone, so it works in any dimension where the distance is a true metric — here the Euclidean
/// distance (of unit vectors under cosine).
///
/// Each inner node has a vantage point (its first row) and splits the other rows at the median
/// of their distances to it; it keeps the range of those distances on each side, so a query at
/// distance `t` from the vantage point is at least `max(t − high, low − t)` away from every row
/// of a side. Leaves of at most `leafSize` rows are stored contiguously and scored by the SIMD
/// kernels. The search is best-first (the unexplored subtree with the lowest bound next), which
/// makes a capped search (`TreeSearch.budget`) spend its budget where neighbours are likeliest.
struct VPTree: StaticTree {
    static let fileKind = "VPTR"
    static let sectionTags = (nodes: "VPND", data: "VPSP")
    /// An inner node holds its vantage point and two non-empty children.
    static let minimumInnerRows = 3
    /// Candidate vantage points tried per node, and rows sampled to rate each (Yianilos picks the
    /// candidate whose distances to a sample spread the most).
    static let vantageCandidates = 5
    static let vantageSample = 32

    /// The node table; an inner node's vantage point is its row `first`, its `left` child covers
    /// the rows nearer than the median and its `right` child the others.
    var nodes: [TreeNode] = []
    /// Per node: the lowest and highest distance from the vantage point to the rows of the left
    /// child, then of the right child (zeros for a leaf).
    var spans: [Float] = []
    var largestLeaf = 0
    var depth = 0

    init(dimensions: Int) {}

    var nodeData: [Float] {
        get { spans }
        set { spans = newValue }
    }

    static func nodeDataWidth(dimensions: Int) -> Int { 4 }

    // MARK: Build

    static func build(
        rows: UnsafePointer<Float>, count: Int, dimensions: Int, metric: Metric,
        parameters: TreeParameters, kernels: VectorKernels
    ) -> (tree: VPTree, order: [UInt32]) {
        var tree = VPTree(dimensions: dimensions)
        var builder = Builder(rows: rows, dimensions: dimensions, kernels: kernels, leafSize: parameters.leafSize,
                              random: SplitMix64(seed: parameters.seed))
        let order = buildOrder(count: count) { order, keys in
            _ = builder.node(start: 0, end: count, level: 1, tree: &tree, order: order, distances: keys)
        }
        return (tree, order)
    }

    /// The state of one build.
    private struct Builder {
        let rows: UnsafePointer<Float>
        let dimensions: Int
        let kernels: VectorKernels
        let leafSize: Int
        var random: SplitMix64

        @inline(__always) func row(_ item: UInt32) -> UnsafePointer<Float> { rows + Int(item) * dimensions }

        @inline(__always) func distance(_ a: UInt32, _ b: UInt32) -> Float {
            kernels.squaredL2(row(a), row(b), count: dimensions).squareRoot()
        }

        /// Appends the node over `order[start..<end]` and, unless it is a leaf, its subtrees.
        mutating func node(start: Int, end: Int, level: Int, tree: inout VPTree,
                           order: UnsafeMutablePointer<UInt32>, distances: UnsafeMutablePointer<Float>) -> UInt32 {
            let index = tree.nodes.count
            tree.nodes.append(TreeNode(first: UInt32(start), end: UInt32(end), left: 0, right: 0))
            tree.spans.append(contentsOf: repeatElement(0, count: 4))
            tree.depth = max(tree.depth, level)
            let count = end - start
            guard count > leafSize else {
                tree.largestLeaf = max(tree.largestLeaf, count)
                return UInt32(index)
            }
            let vantage = chooseVantagePoint(order + start, count: count)
            (order[start], order[start + vantage]) = (order[start + vantage], order[start])
            for position in start + 1..<end { distances[position] = distance(order[start], order[position]) }
            // Rows start+1..<middle are at most the median distance away, middle..<end at least.
            let inner = start + 1, middle = inner + (count - 1) / 2
            Quickselect.select(keys: distances + inner, items: order + inner, count: end - inner, nth: middle - inner)
            var span: (Float, Float, Float, Float) = (.infinity, 0, .infinity, 0)
            for position in inner..<middle {
                span.0 = min(span.0, distances[position])
                span.1 = max(span.1, distances[position])
            }
            for position in middle..<end {
                span.2 = min(span.2, distances[position])
                span.3 = max(span.3, distances[position])
            }
            tree.spans.replaceSubrange(index * 4..<index * 4 + 4, with: [span.0, span.1, span.2, span.3])
            let left = node(start: inner, end: middle, level: level + 1, tree: &tree, order: order, distances: distances)
            let right = node(start: middle, end: end, level: level + 1, tree: &tree, order: order, distances: distances)
            tree.nodes[index].left = left
            tree.nodes[index].right = right
            return UInt32(index)
        }

        /// The position (in `items[0..<count]`) of the candidate whose distances to a random
        /// sample have the largest variance.
        mutating func chooseVantagePoint(_ items: UnsafeMutablePointer<UInt32>, count: Int) -> Int {
            var best = (position: 0, spread: -Float.infinity)
            for _ in 0..<VPTree.vantageCandidates {
                let candidate = Int.random(in: 0..<count, using: &random)
                var sum: Float = 0, sumOfSquares: Float = 0
                for _ in 0..<VPTree.vantageSample {
                    let other = items[Int.random(in: 0..<count, using: &random)]
                    let d = distance(items[candidate], other)
                    sum += d
                    sumOfSquares += d * d
                }
                let n = Float(VPTree.vantageSample)
                let spread = sumOfSquares / n - (sum / n) * (sum / n)
                if spread > best.spread { best = (candidate, spread) }
            }
            return best.position
        }
    }

    // MARK: Search

    /// Best-first branch and bound over the triangle inequality, in the manner of priority search
    /// (Arya & Mount 1993): from the unexplored subtree with the lowest bound, descend through the
    /// nearer child to a leaf and keep each farther child in the frontier.
    /// - Complexity: O(log n) nodes when the data's intrinsic dimension is low; up to O(n) when
    ///   distances concentrate (high intrinsic dimension) and no subtree can be pruned.
    func search(_ search: inout TreeSearch) {
        guard !nodes.isEmpty else { return }
        let d = search.dimensions
        let query = search.query, kernels = search.kernels, isL2 = search.metric == .l2, slack = search.bounds.slack
        var frontier = MaxHeap(capacity: 2 * depth + 16)  // keys are −bound: the top has the lowest bound
        defer { frontier.deallocate() }
        frontier.push(-0, 0)
        nodes.withUnsafeBufferPointer { nodes in
            spans.withUnsafeBufferPointer { spans in
                while !frontier.isEmpty {
                    // Every other subtree's bound is at least this one's: if it cannot hold a
                    // better neighbour, nothing left can.
                    if search.heap.isFull && -frontier.topKey > search.radius { break }
                    if search.isOverBudget {
                        search.stoppedEarly = true
                        break
                    }
                    var index = Int(frontier.topID), bound = -frontier.topKey
                    frontier.pop()
                    while true {
                        let node = nodes[index]
                        if node.isLeaf {
                            search.scoreTreeRows(from: Int(node.first), count: node.count)
                            break
                        }
                        let vantage = search.rows + Int(node.first) * d
                        let squared = kernels.squaredL2(query, vantage, count: d)
                        search.scored += 1
                        search.offerTreeRow(Int(node.first), key: isL2 ? squared : -kernels.dot(query, vantage, count: d))
                        let t = squared.squareRoot()
                        let span = spans.baseAddress! + index * 4
                        let tolerance = slack * (t + span[3])
                        let leftBound = max(bound, t - span[1] - tolerance, span[0] - t - tolerance)
                        let rightBound = max(bound, t - span[3] - tolerance, span[2] - t - tolerance)
                        let (near, nearBound, far, farBound) = leftBound <= rightBound
                            ? (node.left, leftBound, node.right, rightBound)
                            : (node.right, rightBound, node.left, leftBound)
                        let radius = search.radius
                        if !(search.heap.isFull && farBound > radius) { frontier.pushGrowing(-farBound, far) }
                        if search.heap.isFull && nearBound > radius { break }
                        if search.isOverBudget {
                            // Leave the rest of the descent to the frontier, which stops the walk.
                            frontier.pushGrowing(-nearBound, near)
                            break
                        }
                        index = Int(near)
                        bound = nearBound
                    }
                }
            }
        }
    }
}
