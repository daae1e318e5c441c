import VectorMath

/// A search tree built in one pass over a fixed set of rows (the KD-tree, the VP-tree).
///
/// A build does not move rows: it returns the order in which its owner must store them, so that
/// every node covers a contiguous range of rows and a leaf is scored in one pass of the SIMD
/// kernels. `TreeIndexCore` owns the rows, the ids and everything that changes between builds.
protocol StaticTree {
    /// The tree over no rows.
    init()

    /// The nodes held.
    var nodeCount: Int { get }

    /// The most rows of one leaf (the size of a search's scoring block).
    var largestLeaf: Int { get }

    /// Nodes on the longest root-to-leaf path.
    var depth: Int { get }

    /// Builds a tree over `count` rows of `dimensions` floats (normalised under cosine).
    /// - Returns: the tree, and `order`, where `order[i]` is the row to store at position `i`.
    static func build(
        rows: UnsafePointer<Float>, count: Int, dimensions: Int, metric: Metric,
        parameters: TreeParameters, kernels: VectorKernels
    ) -> (tree: Self, order: [UInt32])

    /// Walks the tree for the query of `search`, whose rows are this tree's rows in tree order.
    func search(_ search: inout TreeSearch)

    /// The four-letter index kind of the file format.
    static var fileKind: String { get }

    /// Writes the tree's own sections.
    func write(to writer: IndexFile.Writer) throws

    /// Reads the sections written by `write(to:)` for a tree over `rowCount` rows, checking that
    /// every node stays within the rows and that the walk always ends.
    static func read(from reader: IndexFile.Reader, rowCount: Int, dimensions: Int) throws -> Self

    /// Broken structural invariants over the rows in tree order, in words (empty when sound).
    func invariantViolations(rows: UnsafePointer<Float>, count: Int, dimensions: Int, kernels: VectorKernels) -> [String]
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
