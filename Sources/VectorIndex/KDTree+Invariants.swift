import VectorMath

extension KDTree {
    /// Checks that the root covers every row, that every node's children split its rows in two
    /// contiguous parts, and that every row lies in the box of each node above it.
    func invariantViolations(rows: UnsafePointer<Float>, count: Int, dimensions d: Int, kernels: VectorKernels) -> [String] {
        var (problems, _) = sharedInvariantViolations(count: count, skipped: 0)
        for (index, node) in nodes.enumerated() {
            let lower = index * 2 * d
            for position in Int(node.first)..<Int(node.end) {
                let row = rows + position * d
                for j in 0..<d where row[j] < boxes[lower + j] || row[j] > boxes[lower + d + j] {
                    problems.append("row \(position) lies outside the box of node \(index) in dimension \(j)")
                    break
                }
            }
        }
        return problems
    }
}
