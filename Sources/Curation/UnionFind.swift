/// Disjoint sets over `0..<count` (Tarjan 1975): union by size and path halving, so any
/// sequence of n operations costs O(n · α(n)).
struct UnionFind {
    private var parent: [Int32]
    private var size: [Int32]

    /// `count` singletons.
    init(count: Int) {
        parent = (0..<Int32(count)).map { $0 }
        size = [Int32](repeating: 1, count: count)
    }

    /// The representative of `x`'s set.
    mutating func find(_ x: Int) -> Int {
        var x = Int32(x)
        while parent[Int(x)] != x {
            parent[Int(x)] = parent[Int(parent[Int(x)])]
            x = parent[Int(x)]
        }
        return Int(x)
    }

    /// Merges the sets of `a` and `b`; false if they were already one.
    @discardableResult
    mutating func union(_ a: Int, _ b: Int) -> Bool {
        var ra = find(a), rb = find(b)
        guard ra != rb else { return false }
        if size[ra] < size[rb] { swap(&ra, &rb) }
        parent[rb] = Int32(ra)
        size[ra] += size[rb]
        return true
    }

    /// The sets of more than one element, each ascending, ordered by their smallest element.
    mutating func components() -> [[Int]] {
        var members: [Int: [Int]] = [:]
        for x in 0..<parent.count { members[find(x), default: []].append(x) }
        return members.values.filter { $0.count > 1 }.sorted { $0[0] < $1[0] }
    }
}
