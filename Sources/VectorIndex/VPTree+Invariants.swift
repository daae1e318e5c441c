import VectorMath

extension VPTree {
    /// Checks that the root covers every row, that an inner node's children split the rows after
    /// its vantage point in two contiguous parts, and that every row's distance to the vantage
    /// point lies in the span its node records for that side (within rounding).
    func invariantViolations(rows: UnsafePointer<Float>, count: Int, dimensions d: Int, kernels: VectorKernels) -> [String] {
        var problems: [String] = []
        guard !nodes.isEmpty else {
            return count == 0 ? [] : ["an empty tree over \(count) rows"]
        }
        if nodes[0].first != 0 || Int(nodes[0].end) != count {
            problems.append("the root covers \(nodes[0].first)..<\(nodes[0].end), not 0..<\(count)")
        }
        for (index, node) in nodes.enumerated() where !node.isLeaf {
            let left = nodes[Int(node.left)], right = nodes[Int(node.right)]
            if left.first != node.first + 1 || left.end != right.first || right.end != node.end || left.count == 0 || right.count == 0 {
                problems.append("node \(index)'s children do not split the rows after its vantage point in two")
                continue
            }
            let vantage = rows + Int(node.first) * d
            for (child, spanStart) in [(left, 0), (right, 2)] {
                let low = spans[index * 4 + spanStart], high = spans[index * 4 + spanStart + 1]
                for position in Int(child.first)..<Int(child.end) {
                    let distance = kernels.squaredL2(vantage, rows + position * d, count: d).squareRoot()
                    if distance < low * (1 - 1e-5) || distance > high * (1 + 1e-5) + 1e-6 {
                        problems.append("row \(position) is \(distance) from node \(index)'s vantage point, outside \(low)...\(high)")
                    }
                }
            }
            if spans[index * 4 + 1] > spans[index * 4 + 2] {
                problems.append("node \(index)'s near side reaches past its far side")
            }
        }
        return problems
    }
}
