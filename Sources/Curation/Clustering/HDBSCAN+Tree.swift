extension HDBSCAN {
    /// The condensed cluster tree of a mutual-reachability spanning tree, the clusters selected
    /// from it, and the labels and membership probabilities of the rows (hdbscan's
    /// `condense_tree`, `compute_stability`, `get_clusters`, `do_labelling`,
    /// `get_probabilities`).
    ///
    /// Clusters are numbered from 0 (the root) in breadth-first order, so a parent's number is
    /// below its children's. λ = 1 / distance; a distance of 0 (duplicate rows) counts as
    /// `smallestDistance`.
    struct CondensedTree: Sendable {
        static let smallestDistance = 1e-30

        /// Per cluster: its parent (−1 for the root), the λ where it appears, the largest λ of
        /// its rows, its stability, and whether it was selected.
        var parent: [Int32] = [0]
        var birth: [Double] = [0]
        var maxLambda: [Double] = [0]
        var stability: [Double] = [0]
        var selected: [Bool] = []
        /// Per cluster: the selected cluster on its path to the root, or −1; and per selected
        /// cluster its label.
        var selectedAncestor: [Int32] = []
        var labelOfCluster: [Int32] = []
        /// Per row: the cluster it fell out of and the λ at which it did.
        var pointCluster: [Int32]
        var pointLambda: [Double]

        var labels: [Int32] = []
        var probabilities: [Float] = []
        var selectedStabilities: [Double] = []

        init(edges: [Edge], count n: Int, minClusterSize: Int, selection: Selection, allowSingleCluster: Bool) {
            pointCluster = [Int32](repeating: 0, count: n)
            pointLambda = [Double](repeating: 0, count: n)
            parent = [-1]
            // Single linkage: merge i makes node n + i.
            var left = [Int32](repeating: 0, count: n - 1), right = [Int32](repeating: 0, count: n - 1)
            var distance = [Double](repeating: 0, count: n - 1), size = [Int32](repeating: 1, count: 2 * n - 1)
            var sets = UnionFind(count: n)
            var nodeOf = (0..<Int32(n)).map { $0 }
            for (i, edge) in edges.enumerated() {
                let ra = sets.find(Int(edge.a)), rb = sets.find(Int(edge.b))
                left[i] = nodeOf[ra]
                right[i] = nodeOf[rb]
                distance[i] = Double(edge.weight)
                size[n + i] = size[Int(left[i])] + size[Int(right[i])]
                sets.union(ra, rb)
                nodeOf[sets.find(ra)] = Int32(n + i)
            }
            condense(n: n, left: left, right: right, distance: distance, size: size, minClusterSize: minClusterSize)
            select(selection: selection, allowSingleCluster: allowSingleCluster)
            label(n: n)
        }

        /// Walks the single-linkage tree from its root, keeping splits into two parts of at least
        /// `minClusterSize` rows as new clusters and letting smaller parts fall out as rows.
        private mutating func condense(n: Int, left: [Int32], right: [Int32], distance: [Double], size: [Int32], minClusterSize: Int) {
            guard n > 1 else { return }
            var clusterOf = [Int32](repeating: -1, count: 2 * n - 1)
            let root = 2 * n - 2
            clusterOf[root] = 0
            var queue = [root]
            var head = 0
            var childRows: [(cluster: Int32, lambda: Double, size: Int32)] = []
            while head < queue.count {
                let node = queue[head]
                head += 1
                guard node >= n else { continue }
                let merge = node - n
                let cluster = clusterOf[node]
                let lambda = 1 / max(distance[merge], Self.smallestDistance)
                let l = Int(left[merge]), r = Int(right[merge])
                let big = (size[l] >= minClusterSize, size[r] >= minClusterSize)
                if big.0 && big.1 {
                    for child in [l, r] {
                        let id = Int32(parent.count)
                        parent.append(cluster)
                        birth.append(lambda)
                        maxLambda.append(0)
                        stability.append(0)
                        clusterOf[child] = id
                        childRows.append((cluster, lambda, size[child]))
                        queue.append(child)
                    }
                } else {
                    for (child, isBig) in [(l, big.0), (r, big.1)] {
                        if isBig {
                            clusterOf[child] = cluster
                            queue.append(child)
                        } else {
                            fallOut(child, from: cluster, lambda: lambda, n: n, left: left, right: right)
                        }
                    }
                }
            }
            // Stability: Σ over a cluster's rows of (λ − birth) · size; the largest λ of its rows.
            for (cluster, lambda, childSize) in childRows {
                stability[Int(cluster)] += (lambda - birth[Int(cluster)]) * Double(childSize)
                maxLambda[Int(cluster)] = max(maxLambda[Int(cluster)], lambda)
            }
            for p in 0..<n {
                let c = Int(pointCluster[p])
                stability[c] += pointLambda[p] - birth[c]
                maxLambda[c] = max(maxLambda[c], pointLambda[p])
            }
        }

        /// Every row under `node` leaves `cluster` at `lambda`.
        private mutating func fallOut(_ node: Int, from cluster: Int32, lambda: Double, n: Int, left: [Int32], right: [Int32]) {
            var stack = [node]
            while let top = stack.popLast() {
                if top < n {
                    pointCluster[top] = cluster
                    pointLambda[top] = lambda
                } else {
                    stack.append(Int(left[top - n]))
                    stack.append(Int(right[top - n]))
                }
            }
        }

        /// Excess of mass: bottom-up, a cluster is kept when its stability is at least the sum of
        /// its children's (which are then dropped); otherwise it takes that sum. Leaf: the
        /// clusters without child clusters. The root only with `allowSingleCluster`.
        private mutating func select(selection: Selection, allowSingleCluster: Bool) {
            let clusters = parent.count
            var children = [[Int]](repeating: [], count: clusters)
            for c in 1..<clusters { children[Int(parent[c])].append(c) }
            selected = [Bool](repeating: false, count: clusters)
            switch selection {
            case .leaf:
                for c in 0..<clusters where children[c].isEmpty { selected[c] = true }
                if !allowSingleCluster && clusters > 1 { selected[0] = false }
            case .excessOfMass:
                var total = stability
                for c in stride(from: clusters - 1, through: 0, by: -1) {
                    if c == 0 && !allowSingleCluster { break }
                    let subtree = children[c].reduce(0.0) { $0 + total[$1] }
                    if !children[c].isEmpty && subtree > total[c] {
                        total[c] = subtree
                    } else {
                        selected[c] = true
                        var stack = children[c]
                        while let d = stack.popLast() {
                            selected[d] = false
                            stack += children[d]
                        }
                    }
                }
            }
            if clusters == 1 && !allowSingleCluster { selected[0] = false }
            selectedAncestor = [Int32](repeating: -1, count: clusters)
            labelOfCluster = [Int32](repeating: -1, count: clusters)
            var next: Int32 = 0
            for c in 0..<clusters {
                if selected[c] {
                    selectedAncestor[c] = Int32(c)
                    labelOfCluster[c] = next
                    next += 1
                    selectedStabilities.append(stability[c])
                } else if c > 0 {
                    selectedAncestor[c] = selectedAncestor[Int(parent[c])]
                }
            }
        }

        /// Labels from the selected ancestor of the cluster each row fell out of; probability
        /// min(λ, λ_max) / λ_max of that selected cluster.
        private mutating func label(n: Int) {
            labels = [Int32](repeating: -1, count: n)
            probabilities = [Float](repeating: 0, count: n)
            for p in 0..<n {
                let chosen = selectedAncestor[Int(pointCluster[p])]
                guard chosen >= 0 else { continue }
                labels[p] = labelOfCluster[Int(chosen)]
                probabilities[p] = Float(membership(lambda: pointLambda[p], cluster: Int(chosen)))
            }
        }

        /// How strongly a row at `lambda` belongs to selected `cluster`.
        func membership(lambda: Double, cluster: Int) -> Double {
            let top = maxLambda[cluster]
            return top <= 0 || !lambda.isFinite ? 1 : min(lambda, top) / top
        }
    }
}
