import VectorMath

extension KDTree {
    /// Checks that the root covers every row, that every node's children split its rows in two
    /// contiguous parts, and that every row lies in the box of each node above it.
    func invariantViolations(rows: UnsafePointer<Float>, count: Int, dimensions d: Int, kernels: VectorKernels) -> [String] {
        var problems: [String] = []
        guard !nodes.isEmpty else {
            return count == 0 ? [] : ["an empty tree over \(count) rows"]
        }
        if nodes[0].first != 0 || Int(nodes[0].end) != count {
            problems.append("the root covers \(nodes[0].first)..<\(nodes[0].end), not 0..<\(count)")
        }
        for (index, node) in nodes.enumerated() {
            let lower = index * 2 * d
            for position in Int(node.first)..<Int(node.end) {
                let row = rows + position * d
                for j in 0..<d where row[j] < boxes[lower + j] || row[j] > boxes[lower + d + j] {
                    problems.append("row \(position) lies outside the box of node \(index) in dimension \(j)")
                    break
                }
            }
            if node.isLeaf { continue }
            let left = nodes[Int(node.left)], right = nodes[Int(node.right)]
            if left.first != node.first || left.end != right.first || right.end != node.end || left.count == 0 || right.count == 0 {
                problems.append("node \(index)'s children do not split its rows \(node.first)..<\(node.end) in two")
            }
        }
        return problems
    }
}
