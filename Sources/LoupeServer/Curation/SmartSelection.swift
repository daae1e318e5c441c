import VectorMath

/// Picks N rows by a strategy — random (seeded), ordered by a value, per cluster (equal or
/// proportional), or diverse (k-center greedy, Sener & Savarese, "Active Learning for
/// Convolutional Neural Networks: A Core-Set Approach", ICLR 2018) — optionally skipping rows too
/// similar to one already picked.
///
/// A stopgap for the smart select dialog until the Curation module's selection strategies are
/// merged.
enum SmartSelection {
    enum Strategy: Sendable {
        case random
        /// Rows by `values` (nil last), ascending or descending.
        case ordered(values: [Double?], descending: Bool)
        /// Rows spread over `clusters` (one per row): the same number from each, or in proportion.
        case cluster(clusters: [Int32], proportional: Bool)
        /// Each next row the farthest from those picked (needs vectors).
        case diverse
    }

    struct Result: Equatable {
        /// Picked row indices, in the order picked.
        var rows: [Int]
        var duplicatesSkipped: Int
    }

    /// - Parameters:
    ///   - count: rows to pick (fewer if there are fewer, or if duplicates ran them out).
    ///   - vectors: unit-length rows, `rowCount × dimensions`, for `diverse` and duplicate checks.
    ///   - duplicateScore: skip a row whose cosine similarity to a picked row is at least this.
    static func pick(_ strategy: Strategy, count: Int, rowCount: Int, vectors: [Float], dimensions: Int,
                     duplicateScore: Float?, seed: UInt64) -> Result {
        var random = SplitMix64(seed: seed)
        let order: [Int]
        switch strategy {
        case .random:
            order = shuffled(Array(0..<rowCount), using: &random)
        case .ordered(let values, let descending):
            order = (0..<rowCount).sorted { a, b in
                switch (values[a], values[b]) {
                case let (x?, y?): return x == y ? a < b : (descending ? x > y : x < y)
                case (.some, nil): return true
                case (nil, .some): return false
                case (nil, nil): return a < b
                }
            }
        case .cluster(let clusters, let proportional):
            order = clusterOrder(clusters, count: count, proportional: proportional, random: &random)
        case .diverse:
            return diverse(count: count, rowCount: rowCount, vectors: vectors, dimensions: dimensions,
                           duplicateScore: duplicateScore, random: &random)
        }
        var picked: [Int] = [], skipped = 0
        for row in order where picked.count < count {
            if let threshold = duplicateScore, isDuplicate(row, of: picked, vectors: vectors, dimensions: dimensions, threshold: threshold) {
                skipped += 1
                continue
            }
            picked.append(row)
        }
        return Result(rows: picked, duplicatesSkipped: skipped)
    }

    static func shuffled(_ rows: [Int], using random: inout SplitMix64) -> [Int] {
        var rows = rows
        for i in stride(from: rows.count - 1, to: 0, by: -1) { rows.swapAt(i, Int(random.next() % UInt64(i + 1))) }
        return rows
    }

    /// Each cluster's rows shuffled; then, for `proportional`, each cluster's quota (largest
    /// remainder) first; then round-robin over the clusters for the rest.
    private static func clusterOrder(_ clusters: [Int32], count: Int, proportional: Bool, random: inout SplitMix64) -> [Int] {
        var members: [Int32: [Int]] = [:]
        for (row, cluster) in clusters.enumerated() { members[cluster, default: []].append(row) }
        var queues = members.keys.sorted().map { shuffled(members[$0]!, using: &random)[...] }
        var order: [Int] = []
        if proportional {
            let total = Double(clusters.count), wanted = min(count, clusters.count)
            let shares = queues.map { Double($0.count) * Double(wanted) / total }
            var quotas = shares.map { Int($0) }
            let remainders = shares.indices.sorted { (shares[$0] - Double(quotas[$0]), -$0) > (shares[$1] - Double(quotas[$1]), -$1) }
            for index in remainders.prefix(wanted - quotas.reduce(0, +)) { quotas[index] += 1 }
            for (index, quota) in quotas.enumerated() {
                order += queues[index].prefix(quota)
                queues[index] = queues[index].dropFirst(quota)
            }
        }
        while queues.contains(where: { !$0.isEmpty }) {
            for index in queues.indices where !queues[index].isEmpty {
                order.append(queues[index].removeFirst())
            }
        }
        return order
    }

    private static func isDuplicate(_ row: Int, of picked: [Int], vectors: [Float], dimensions: Int, threshold: Float) -> Bool {
        guard dimensions > 0 else { return false }
        return vectors.withUnsafeBufferPointer { data in
            let base = data.baseAddress!
            return picked.contains { VectorKernels.active.dot(base + row * dimensions, base + $0 * dimensions, count: dimensions) >= threshold }
        }
    }

    /// k-center greedy: a seeded first row, then each time the row farthest from all picked.
    private static func diverse(count: Int, rowCount: Int, vectors: [Float], dimensions: Int, duplicateScore: Float?,
                                random: inout SplitMix64) -> Result {
        guard rowCount > 0, count > 0, dimensions > 0 else { return Result(rows: [], duplicatesSkipped: 0) }
        var nearest = [Float](repeating: .infinity, count: rowCount)
        var picked: [Int] = []
        var skipped = 0
        var next = Int(random.next() % UInt64(rowCount))
        vectors.withUnsafeBufferPointer { data in
            let base = data.baseAddress!
            while picked.count < min(count, rowCount) {
                picked.append(next)
                nearest[next] = -1
                var best = -1
                var bestDistance: Float = -1
                for row in 0..<rowCount where nearest[row] >= 0 {
                    let distance = VectorKernels.active.squaredL2(base + row * dimensions, base + next * dimensions, count: dimensions)
                    if distance < nearest[row] { nearest[row] = distance }
                    if nearest[row] > bestDistance { bestDistance = nearest[row]; best = row }
                }
                guard best >= 0 else { break }
                // Unit vectors: cosine = 1 − d²/2. The farthest row being a duplicate means all are.
                if let threshold = duplicateScore, 1 - bestDistance / 2 >= threshold {
                    skipped = nearest.filter { $0 >= 0 }.count
                    break
                }
                next = best
            }
        }
        return Result(rows: picked, duplicatesSkipped: skipped)
    }
}
