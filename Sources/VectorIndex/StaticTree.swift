import VectorMath

/// A search tree built in one pass over a fixed set of rows (the KD-tree, the VP-tree).
///
/// A build does not move rows: it returns the order in which its owner must store them, so that
/// every node covers a contiguous range of rows and a leaf is scored in one pass of the SIMD
/// kernels. `TreeIndexCore` owns the rows, the ids and everything that changes between builds.
protocol StaticTree {
    /// The tree over no rows of `dimensions` floats.
    init(dimensions: Int)

    /// The node table.
    var nodes: [TreeNode] { get set }

    /// `nodeDataWidth` floats per node that bound its rows (a k-d tree's boxes, a VP-tree's
    /// distance spans).
    var nodeData: [Float] { get set }

    /// The most rows of one leaf (the size of a search's scoring block).
    var largestLeaf: Int { get set }

    /// Nodes on the longest root-to-leaf path.
    var depth: Int { get set }

    /// Floats of `nodeData` per node.
    static func nodeDataWidth(dimensions: Int) -> Int

    /// The fewest rows an inner node can hold.
    static var minimumInnerRows: Int { get }

    /// The four-letter index kind of the file format.
    static var fileKind: String { get }

    /// The tags of the sections holding the node table and the node data.
    static var sectionTags: (nodes: String, data: String) { get }

    /// Builds a tree over `count` rows of `dimensions` floats (normalised under cosine).
    /// - Returns: the tree, and `order`, where `order[i]` is the row to store at position `i`.
    static func build(
        rows: UnsafePointer<Float>, count: Int, dimensions: Int, metric: Metric,
        parameters: TreeParameters, kernels: VectorKernels
    ) -> (tree: Self, order: [UInt32])

    /// Walks the tree for the query of `search`, whose rows are this tree's rows in tree order.
    func search(_ search: inout TreeSearch)

    /// Broken structural invariants over the rows in tree order, in words (empty when sound).
    func invariantViolations(rows: UnsafePointer<Float>, count: Int, dimensions: Int, kernels: VectorKernels) -> [String]
}

extension StaticTree {
    /// The nodes held.
    var nodeCount: Int { nodes.count }

    /// Runs a build over `count` rows: `body` gets the order of the rows, initially the identity,
    /// which it permutes, and room for one key per row.
    /// - Returns: the order.
    static func buildOrder(
        count: Int, _ body: (_ order: UnsafeMutablePointer<UInt32>, _ keys: UnsafeMutablePointer<Float>) -> Void
    ) -> [UInt32] {
        var order = (0..<UInt32(count)).map { $0 }
        guard count > 0 else { return order }
        var keys = [Float](repeating: 0, count: count)
        order.withUnsafeMutableBufferPointer { order in
            keys.withUnsafeMutableBufferPointer { keys in body(order.baseAddress!, keys.baseAddress!) }
        }
        return order
    }

    /// Writes the node table and the node data, each in its section.
    func write(to writer: IndexFile.Writer) throws {
        try writer.section(Self.sectionTags.nodes, TreeNode.encode(nodes))
        try nodeData.withUnsafeBytes { try writer.section(Self.sectionTags.data, $0) }
    }

    /// Reads the sections written by `write(to:)` for a tree over `rowCount` rows, checking that
    /// every node stays within the rows and that the walk always ends.
    static func read(from reader: IndexFile.Reader, rowCount: Int, dimensions: Int) throws -> Self {
        var tree = Self(dimensions: dimensions)
        (tree.nodes, tree.largestLeaf, tree.depth) = try TreeNode.decode(
            try reader.section(sectionTags.nodes), section: sectionTags.nodes, rowCount: rowCount,
            minimumInnerRows: minimumInnerRows)
        var data = [Float](repeating: 0, count: tree.nodes.count * nodeDataWidth(dimensions: dimensions))
        try data.withUnsafeMutableBytes { try reader.section(sectionTags.data, into: $0) }
        tree.nodeData = data
        return tree
    }

    /// The invariants every tree shares: a tree over rows has a root covering them all, and an
    /// inner node's children cover its rows (after `skipped` rows of its own) in two contiguous,
    /// non-empty parts. Returns the problems and the inner nodes whose split is sound.
    func sharedInvariantViolations(count: Int, skipped: UInt32) -> (problems: [String], soundInnerNodes: [Int]) {
        guard let root = nodes.first else {
            return (count == 0 ? [] : ["an empty tree over \(count) rows"], [])
        }
        var problems: [String] = []
        if root.first != 0 || Int(root.end) != count {
            problems.append("the root covers \(root.first)..<\(root.end), not 0..<\(count)")
        }
        var sound: [Int] = []
        for (index, node) in nodes.enumerated() where !node.isLeaf {
            let left = nodes[Int(node.left)], right = nodes[Int(node.right)]
            if left.first != node.first + skipped || left.end != right.first || right.end != node.end
                || left.count == 0 || right.count == 0 {
                problems.append("node \(index)'s children do not split its rows \(node.first)..<\(node.end) in two")
            } else {
                sound.append(index)
            }
        }
        return (problems, sound)
    }
}

/// The node table both trees share: per node a range of rows `[first, end)` and two children,
/// where a first child of 0 marks a leaf (the root, node 0, is nobody's child). Children always
/// come after their parent, so a walk always ends, even over a damaged table.
struct TreeNode: Equatable {
    var first: UInt32
    var end: UInt32
    var left: UInt32
    var right: UInt32

    @inline(__always) var isLeaf: Bool { left == 0 }
    @inline(__always) var count: Int { Int(end &- first) }

    static let fieldCount = 4

    /// Encodes a node table as little-endian `UInt32`s.
    static func encode(_ nodes: [TreeNode]) -> [UInt8] {
        var encoder = IndexFile.Encoder()
        for node in nodes {
            encoder.append(node.first)
            encoder.append(node.end)
            encoder.append(node.left)
            encoder.append(node.right)
        }
        return encoder.bytes
    }

    /// Decodes and checks a node table over `rowCount` rows: ranges inside the rows, children
    /// after their parent and inside the table, at least `minimumRows` rows in an inner node.
    /// - Returns: the nodes, the largest leaf and the depth (nodes on the longest root-to-leaf path).
    static func decode(_ bytes: [UInt8], section: String, rowCount: Int, minimumInnerRows: Int) throws
        -> (nodes: [TreeNode], largestLeaf: Int, depth: Int) {
        let size = fieldCount * 4
        guard bytes.count % size == 0 else {
            throw VectorIndexError(.corruptFile, "section '\(section)' is not a whole number of tree nodes")
        }
        let count = bytes.count / size
        guard (count == 0) == (rowCount == 0) else {
            throw VectorIndexError(.corruptFile, "section '\(section)' has \(count) nodes for \(rowCount) rows")
        }
        var decoder = IndexFile.Decoder(bytes, section: section)
        var nodes: [TreeNode] = []
        nodes.reserveCapacity(count)
        var largestLeaf = 0
        for index in 0..<count {
            let node = TreeNode(first: try decoder.read(), end: try decoder.read(), left: try decoder.read(), right: try decoder.read())
            guard node.first <= node.end, Int(node.end) <= rowCount else {
                throw VectorIndexError(.corruptFile, "tree node \(index) covers rows \(node.first)..<\(node.end) of \(rowCount)")
            }
            if node.isLeaf {
                guard node.right == 0 else { throw VectorIndexError(.corruptFile, "tree leaf \(index) has a second child") }
                largestLeaf = max(largestLeaf, node.count)
            } else {
                guard Int(node.left) > index, Int(node.right) > index, Int(node.left) < count, Int(node.right) < count,
                      node.count >= minimumInnerRows else {
                    throw VectorIndexError(.corruptFile, "tree node \(index) has children \(node.left), \(node.right) (of \(count) nodes) over \(node.count) rows")
                }
            }
            nodes.append(node)
        }
        if let root = nodes.first, root.first != 0 || Int(root.end) != rowCount {
            throw VectorIndexError(.corruptFile, "the tree's root covers rows \(root.first)..<\(root.end), not all \(rowCount)")
        }
        // Children follow parents, so one backward pass finds the longest path.
        var height = [Int](repeating: 1, count: count)
        for index in stride(from: count - 1, through: 0, by: -1) where !nodes[index].isLeaf {
            height[index] = 1 + max(height[Int(nodes[index].left)], height[Int(nodes[index].right)])
        }
        return (nodes, largestLeaf, height.first ?? 0)
    }
}
