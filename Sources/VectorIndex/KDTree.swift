import VectorMath

/// A k-d tree (Bentley, "Multidimensional binary search trees used for associative searching",
/// CACM 1975) searched by branch and bound as in Friedman, Bentley & Finkel ("An algorithm for
/// finding best matches in logarithmic expected time", ACM TOMS 1977).
///
/// Built in bulk: each node splits its rows at the median of the dimension where their bounding
/// box is widest, down to leaves of at most `leafSize` rows stored contiguously. Every node keeps
/// the tight bounding box of its rows; a search descends into the nearer child first and skips a
/// child whose box cannot hold a vector better than the k-th found so far:
/// - L2: the squared distance from the query to the box;
/// - cosine (unit vectors): the same distance, turned into a bound on −q·x = ‖q − x‖²/2 − 1;
/// - inner product: the largest q·x over the box, Σ max(qᵢ·lowᵢ, qᵢ·highᵢ).
struct KDTree: StaticTree {
    static let fileKind = "KDTR"
    static let sectionTags = (nodes: "KDND", data: "KDBX")
    static let minimumInnerRows = 2

    var nodes: [TreeNode] = []
    /// Per node, the lower corner then the upper corner of its rows' bounding box (2·d floats).
    var boxes: [Float] = []
    let dimensions: Int
    var largestLeaf = 0
    var depth = 0

    init(dimensions: Int) { self.dimensions = dimensions }

    var nodeData: [Float] {
        get { boxes }
        set { boxes = newValue }
    }

    static func nodeDataWidth(dimensions: Int) -> Int { 2 * dimensions }

    // MARK: Build

    static func build(
        rows: UnsafePointer<Float>, count: Int, dimensions: Int, metric: Metric,
        parameters: TreeParameters, kernels: VectorKernels
    ) -> (tree: KDTree, order: [UInt32]) {
        var tree = KDTree(dimensions: dimensions)
        let order = buildOrder(count: count) { order, keys in
            _ = tree.buildNode(start: 0, end: count, level: 1, rows: rows, order: order, keys: keys, leafSize: parameters.leafSize)
        }
        return (tree, order)
    }

    /// Appends the node over `order[start..<end]` and, unless it is a leaf, its subtrees.
    private mutating func buildNode(
        start: Int, end: Int, level: Int, rows: UnsafePointer<Float>, order: UnsafeMutablePointer<UInt32>,
        keys: UnsafeMutablePointer<Float>, leafSize: Int
    ) -> UInt32 {
        let d = dimensions
        let node = nodes.count
        nodes.append(TreeNode(first: UInt32(start), end: UInt32(end), left: 0, right: 0))
        depth = max(depth, level)
        boxes.append(contentsOf: repeatElement(Float.infinity, count: d))
        boxes.append(contentsOf: repeatElement(-Float.infinity, count: d))
        let (dimension, spread) = boxes.withUnsafeMutableBufferPointer { boxes in
            let lower = boxes.baseAddress! + node * 2 * d, upper = lower + d
            for position in start..<end {
                let row = rows + Int(order[position]) * d
                for j in 0..<d {
                    lower[j] = min(lower[j], row[j])
                    upper[j] = max(upper[j], row[j])
                }
            }
            var widest = (dimension: 0, spread: upper[0] - lower[0])
            for j in 1..<max(d, 1) where upper[j] - lower[j] > widest.spread {
                widest = (j, upper[j] - lower[j])
            }
            return widest
        }
        let count = end - start
        // A leaf when small, or when every row is the same point and no split can separate them.
        guard count > leafSize, spread > 0 else {
            largestLeaf = max(largestLeaf, count)
            return UInt32(node)
        }
        for position in start..<end { keys[position] = rows[Int(order[position]) * d + dimension] }
        let middle = start + count / 2
        Quickselect.select(keys: keys + start, items: order + start, count: count, nth: middle - start)
        let left = buildNode(start: start, end: middle, level: level + 1, rows: rows, order: order, keys: keys, leafSize: leafSize)
        let right = buildNode(start: middle, end: end, level: level + 1, rows: rows, order: order, keys: keys, leafSize: leafSize)
        nodes[node].left = left
        nodes[node].right = right
        return UInt32(node)
    }

    // MARK: Search

    /// Depth-first branch and bound, nearer child first.
    /// - Complexity: O(log n) nodes for well-separated low-dimensional data, up to O(n) in high
    ///   dimensions, where no box can be pruned.
    func search(_ search: inout TreeSearch) {
        guard !nodes.isEmpty else { return }
        let d = dimensions
        let query = search.query
        let treeBounds = search.bounds
        let boxKernels = BoxKernels(search.kernels)
        nodes.withUnsafeBufferPointer { nodes in
            boxes.withUnsafeBufferPointer { boxes in
                let boxes = boxes.baseAddress!
                @inline(__always) func bound(_ node: UInt32) -> Float {
                    let lower = boxes + Int(node) * 2 * d
                    if treeBounds.metric == .innerProduct {
                        // −q·x ≥ −max over the box, loosened by the rounding error of a dot product.
                        let best = boxKernels.maximumDot(query, lower: lower, upper: lower + d, count: d)
                        return -best.value - treeBounds.slack * best.magnitude
                    }
                    return treeBounds.keyBound(squaredDistance: boxKernels.squaredDistance(query, lower: lower, upper: lower + d, count: d))
                }
                withUnsafeTemporaryAllocation(of: UInt32.self, capacity: depth + 2) { stackNodes in
                    withUnsafeTemporaryAllocation(of: Float.self, capacity: depth + 2) { stackBounds in
                        let stackNodes = stackNodes.baseAddress!, stackBounds = stackBounds.baseAddress!
                        stackNodes[0] = 0
                        stackBounds[0] = bound(0)
                        var top = 1
                        while top > 0 {
                            top -= 1
                            let index = stackNodes[top]
                            if search.prunes(keyBound: stackBounds[top]) { continue }
                            let node = nodes[Int(index)]
                            if node.isLeaf {
                                search.scoreTreeRows(from: Int(node.first), count: node.count)
                                continue
                            }
                            let leftBound = bound(node.left), rightBound = bound(node.right)
                            let (near, nearBound, far, farBound) = leftBound <= rightBound
                                ? (node.left, leftBound, node.right, rightBound)
                                : (node.right, rightBound, node.left, leftBound)
                            if !search.prunes(keyBound: farBound) {
                                stackNodes[top] = far
                                stackBounds[top] = farBound
                                top += 1
                            }
                            if !search.prunes(keyBound: nearBound) {
                                stackNodes[top] = near
                                stackBounds[top] = nearBound
                                top += 1
                            }
                        }
                    }
                }
            }
        }
    }
}
