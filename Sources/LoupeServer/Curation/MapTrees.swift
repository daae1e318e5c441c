import Catalog
import Foundation
import VectorIndex

/// The R-tree over each space's map points, for box and lasso selections, built when a map is
/// first selected on and rebuilt when the map changed (another run, or rows placed since).
actor MapTrees {
    private struct Entry {
        let created: Date
        let ids: [String]
        let tree: RTree
    }

    private var entries: [String: Entry] = [:]

    /// The tree over `map`'s points (item id = the point's index in `map`).
    func tree(for map: SpaceMap) throws -> RTree {
        if let entry = entries[map.spaceID], entry.created == map.createdAt, entry.ids == map.ids { return entry.tree }
        let tree = try RTree()
        var xy = [Float](repeating: 0, count: map.count * 2)
        for i in 0..<map.count {
            xy[2 * i] = map.x[i]
            xy[2 * i + 1] = map.y[i]
        }
        try tree.add(xy, ids: (0..<map.count).map { UInt32($0) })
        tree.compact()
        entries[map.spaceID] = Entry(created: map.createdAt, ids: map.ids, tree: tree)
        return tree
    }
}

extension SpaceMap {
    /// The default number of clusters for `count` points: about √(n/20), in 2…20.
    static func defaultClusterCount(_ count: Int) -> Int {
        max(2, min(20, Int((Double(count) / 20).squareRoot().rounded())))
    }

    /// The smallest box around the points.
    var bounds: (minX: Float, minY: Float, maxX: Float, maxY: Float) {
        guard let minX = x.min(), let maxX = x.max(), let minY = y.min(), let maxY = y.max() else { return (0, 0, 1, 1) }
        return (minX, minY, maxX, maxY)
    }
}
