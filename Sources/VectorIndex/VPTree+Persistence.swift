extension VPTree {
    /// Sections `VPND` (the node table) and `VPSP` (the distance spans, 4 floats per node).
    func write(to writer: IndexFile.Writer) throws {
        try writer.section("VPND", TreeNode.encode(nodes))
        try spans.withUnsafeBytes { try writer.section("VPSP", $0) }
    }

    static func read(from reader: IndexFile.Reader, rowCount: Int, dimensions: Int) throws -> VPTree {
        var tree = VPTree()
        // An inner node holds its vantage point and two non-empty children.
        (tree.nodes, tree.largestLeaf, tree.depth) = try TreeNode.decode(
            try reader.section("VPND"), section: "VPND", rowCount: rowCount, minimumInnerRows: 3)
        tree.spans = [Float](repeating: 0, count: tree.nodes.count * 4)
        try tree.spans.withUnsafeMutableBytes { try reader.section("VPSP", into: $0) }
        return tree
    }
}
