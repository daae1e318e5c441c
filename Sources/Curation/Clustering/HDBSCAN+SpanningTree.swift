import VectorMath

extension HDBSCAN {
    /// An edge of the mutual-reachability spanning tree.
    struct Edge: Sendable {
        var a: Int32
        var b: Int32
        var weight: Float
    }

    /// The minimum spanning tree of the mutual reachability distances.
    ///
    /// Up to `denseLimit` rows with exact neighbours it is exact: Prim's algorithm over the full
    /// distance matrix (one sgemm). Above, Kruskal over the kNN graph's edges, weighted max(core(a), core(b), d(a, b)), gives a
    /// spanning forest; while it has several components, a Borůvka round joins each component to
    /// its nearest other one: exact searches (blocked BLAS) from its rows — all of them, or 256
    /// seeded ones in a larger component — for the 32 nearest rows in other components, of which
    /// the one nearest by mutual reachability is kept. The edges
    /// that join components are the tree's longest, so the sampling only touches the top of the
    /// hierarchy.
    enum SpanningTree {
        static let queriesPerComponent = 256
        /// The most rows whose tree is built exactly from the full distance matrix (64 MB).
        static let denseLimit = 4096
        static let candidatesPerQuery = 32

        static func build(
            graph: KNNGraph, core: [Float], finder: NeighborFinder, points: UnsafePointer<Float>, seed: UInt64
        ) throws(CurationError) -> [Edge] {
            let n = graph.count, k = graph.k
            if case .exact(let exact) = finder.backend, n <= denseLimit {
                return prim(distances: exact.distanceMatrix(threads: finder.threads), core: core, count: n)
            }
            var candidates: [Edge] = []
            candidates.reserveCapacity(n * k)
            for i in 0..<n {
                for slot in i * k..<(i + 1) * k {
                    let j = Int(graph.neighbors[slot])
                    guard j >= 0, j != i else { continue }
                    candidates.append(Edge(a: Int32(i), b: Int32(j), weight: max(core[i], core[j], graph.distances[slot])))
                }
            }
            candidates.sort { $0.weight != $1.weight ? $0.weight < $1.weight : ($0.a != $1.a ? $0.a < $1.a : $0.b < $1.b) }
            var sets = UnionFind(count: n)
            var tree: [Edge] = []
            tree.reserveCapacity(n - 1)
            for edge in candidates where sets.union(Int(edge.a), Int(edge.b)) { tree.append(edge) }
            if tree.count < n - 1 {
                let exact: ExactNeighbors
                if case .exact(let held) = finder.backend {
                    exact = held
                } else {
                    exact = ExactNeighbors(points, count: n, dimensions: finder.dimensions, metric: finder.metric)
                }
                var random = SplitMix64(seed: seed)
                while tree.count < n - 1 {
                    let joined = joinComponents(&sets, exact: exact, core: core, threads: finder.threads, random: &random)
                    guard !joined.isEmpty else {
                        throw CurationError(.computationFailed, "HDBSCAN could not connect the components of its neighbour graph")
                    }
                    tree += joined
                }
                tree.sort { $0.weight != $1.weight ? $0.weight < $1.weight : ($0.a != $1.a ? $0.a < $1.a : $0.b < $1.b) }
            }
            return tree
        }

        /// Prim's algorithm on the complete mutual-reachability graph of a dense distance matrix,
        /// edges sorted by weight.
        static func prim(distances: [Float], core: [Float], count n: Int) -> [Edge] {
            var inTree = [Bool](repeating: false, count: n)
            var best = [Float](repeating: .infinity, count: n)
            var from = [Int32](repeating: 0, count: n)
            var edges: [Edge] = []
            edges.reserveCapacity(n - 1)
            var current = 0
            inTree[0] = true
            for _ in 1..<n {
                var next = -1
                var nextWeight = Float.infinity
                let base = current * n
                for j in 0..<n where !inTree[j] {
                    let reach = max(core[current], core[j], distances[base + j])
                    if reach < best[j] {
                        best[j] = reach
                        from[j] = Int32(current)
                    }
                    if best[j] < nextWeight || next < 0 {
                        nextWeight = best[j]
                        next = j
                    }
                }
                edges.append(Edge(a: from[next], b: Int32(next), weight: best[next]))
                inTree[next] = true
                current = next
            }
            edges.sort { $0.weight != $1.weight ? $0.weight < $1.weight : ($0.a != $1.a ? $0.a < $1.a : $0.b < $1.b) }
            return edges
        }

        /// One Borůvka round: each component's shortest mutual-reachability edge to another one
        /// (from its sampled rows), added where it still joins two sets.
        private static func joinComponents(
            _ sets: inout UnionFind, exact: ExactNeighbors, core: [Float], threads: Int, random: inout SplitMix64
        ) -> [Edge] {
            let n = exact.count, d = exact.dimensions
            let component = (0..<n).map { Int32(sets.find($0)) }
            var members: [Int32: [Int]] = [:]
            for i in 0..<n { members[component[i], default: []].append(i) }
            let roots = members.keys.sorted()
            var queryRows: [Int] = []
            var owner: [Int] = []
            for (index, root) in roots.enumerated() {
                var rows = members[root] ?? []
                if rows.count > queriesPerComponent {
                    for i in 0..<queriesPerComponent { rows.swapAt(i, Int.random(in: i..<rows.count, using: &random)) }
                    rows = Array(rows.prefix(queriesPerComponent)).sorted()
                }
                queryRows += rows
                owner += Array(repeating: index, count: rows.count)
            }
            var queries = [Float](repeating: 0, count: queryRows.count * d)
            queries.withUnsafeMutableBufferPointer { queries in
                for (q, row) in queryRows.enumerated() { (queries.baseAddress! + q * d).update(from: exact.row(row), count: d) }
            }
            let queryComponent = queryRows.map { component[$0] }
            // The nearest rows in other components by distance; the best by mutual reachability
            // among them (a nearer row with a large core distance can lose to a farther one).
            let k = min(candidatesPerQuery, n - 1)
            let (ids, distances) = queries.withUnsafeBufferPointer { queries in
                exact.search(queries.baseAddress!, queryCount: queryRows.count, k: k, excludingSelf: false, threads: threads) { q, i in
                    queryComponent[q] == component[i]
                }
            }
            var best = [Edge?](repeating: nil, count: roots.count)
            for (q, row) in queryRows.enumerated() {
                for slot in q * k..<(q + 1) * k where ids[slot] >= 0 {
                    let j = Int(ids[slot])
                    let edge = Edge(a: Int32(row), b: Int32(j), weight: max(core[row], core[j], distances[slot]))
                    if let current = best[owner[q]], current.weight <= edge.weight { continue }
                    best[owner[q]] = edge
                }
            }
            var joined: [Edge] = []
            for edge in best.compactMap({ $0 }) where sets.union(Int(edge.a), Int(edge.b)) { joined.append(edge) }
            return joined
        }
    }
}
