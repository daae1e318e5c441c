extension KDTree {
    /// Sections `KDND` (the node table) and `KDBX` (the bounding boxes, 2·d floats per node).
    func write(to writer: IndexFile.Writer) throws {
        try writer.section("KDND", TreeNode.encode(nodes))
        try boxes.withUnsafeBytes { try writer.section("KDBX", $0) }
    }

    static func read(from reader: IndexFile.Reader, rowCount: Int, dimensions: Int) throws -> KDTree {
        var tree = KDTree()
        tree.dimensions = dimensions
        (tree.nodes, tree.largestLeaf, tree.depth) = try TreeNode.decode(
            try reader.section("KDND"), section: "KDND", rowCount: rowCount, minimumInnerRows: 2)
        tree.boxes = [Float](repeating: 0, count: tree.nodes.count * 2 * dimensions)
        try tree.boxes.withUnsafeMutableBytes { try reader.section("KDBX", into: $0) }
        return tree
    }
}
