import VectorMath

extension VPTree {
    /// Checks that the root covers every row, that an inner node's children split the rows after
    /// its vantage point in two contiguous parts, and that every row's distance to the vantage
    /// point lies in the span its node records for that side (within rounding).
    func invariantViolations(rows: UnsafePointer<Float>, count: Int, dimensions d: Int, kernels: VectorKernels) -> [String] {
        var (problems, inner) = sharedInvariantViolations(count: count, skipped: 1)
        for index in inner {
            let node = nodes[index]
            let vantage = rows + Int(node.first) * d
            for (child, spanStart) in [(nodes[Int(node.left)], 0), (nodes[Int(node.right)], 2)] {
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
