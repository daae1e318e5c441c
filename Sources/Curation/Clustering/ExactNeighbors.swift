import Dispatch
import VectorMath

/// Exact k-nearest-neighbour search by blocked BLAS: blocks of queries against blocks of rows
/// through sgemm (`‖q − x‖² = ‖q‖² + ‖x‖² − 2·q·x`), a bounded sorted list per query, then the
/// distances of the k found recomputed directly so that they carry no cancellation error.
///
/// The rows are copied (normalised under cosine) and owned.
final class ExactNeighbors: @unchecked Sendable {
    // @unchecked: `rows` and `norms` are written once in init and only read afterwards.
    let count: Int
    let dimensions: Int
    let metric: Metric
    private let rows: UnsafeMutablePointer<Float>
    private let norms: [Float]

    static let queryBlock = 128
    static let rowBlock = 2048

    init(_ points: UnsafePointer<Float>, count: Int, dimensions: Int, metric: Metric) {
        self.count = count
        self.dimensions = dimensions
        self.metric = metric
        rows = .allocate(capacity: count * dimensions)
        rows.update(from: points, count: count * dimensions)
        if metric.normalizesVectors { Vectors.normalizeRows(rows, rows: count, dimensions: dimensions) }
        norms = KMeans.squaredNorms(rows, count: count, dimensions: dimensions)
    }

    deinit { rows.deallocate() }

    /// The stored row `i` (normalised under cosine).
    func row(_ i: Int) -> UnsafePointer<Float> { UnsafePointer(rows + i * dimensions) }

    /// The metric distance between a prepared query and row `i`.
    func distance(_ query: UnsafePointer<Float>, _ i: Int) -> Float {
        let kernels = VectorKernels.active
        return metric == .l2
            ? kernels.squaredL2(query, rows + i * dimensions, count: dimensions).squareRoot()
            : max(0, 1 - kernels.dot(query, rows + i * dimensions, count: dimensions))
    }

    /// The full `count × count` matrix of metric distances, row-major, by blocked sgemm.
    /// - Complexity: O(count² · d) at sgemm speed, count² floats of memory.
    func distanceMatrix(threads: Int) -> [Float] {
        var out = [Float](repeating: 0, count: count * count)
        let blocks = (count + Self.queryBlock - 1) / Self.queryBlock
        let workers = min(max(threads, 1), blocks)
        let n = count, d = dimensions, l2 = metric == .l2
        out.withUnsafeMutableBufferPointer { out in
            norms.withUnsafeBufferPointer { norms in
                // Each worker writes the rows of its own blocks.
                let shared = UncheckedSendable((out: out.baseAddress!, norms: norms.baseAddress!, rows: rows))
                Parallel.run(workers) { worker in
                    let s = shared.value
                    for block in stride(from: worker, to: blocks, by: workers) {
                        let start = block * Self.queryBlock, height = min(Self.queryBlock, n - start)
                        let target = s.out + start * n
                        BatchScoring.innerProducts(queries: s.rows + start * d, queryCount: height, rows: s.rows, rowCount: n,
                                                   rowStride: d, dimensions: d, into: target, outStride: n)
                        for r in 0..<height {
                            let line = target + r * n, i = start + r
                            for j in 0..<n {
                                line[j] = l2 ? max(0, s.norms[i] + s.norms[j] - 2 * line[j]).squareRoot() : max(0, 1 - line[j])
                            }
                            line[i] = 0
                        }
                    }
                }
            }
        }
        return out
    }

    /// The `k` nearest rows of each query (row-major, `queryCount` of them), nearest first, ties by
    /// lower index; `-1` and `infinity` pad a list when fewer rows qualify. With `excludingSelf`
    /// the queries are the stored rows and query `q` never returns row `q`. `skip(q, i)`, if
    /// given, leaves out more rows.
    /// - Complexity: O(queryCount · count · d) at sgemm speed on `threads` cores.
    func search(
        _ queries: UnsafePointer<Float>, queryCount: Int, k: Int, excludingSelf: Bool, threads: Int,
        skip: (@Sendable (Int, Int) -> Bool)? = nil
    ) -> (ids: [Int32], distances: [Float]) {
        var ids = [Int32](repeating: -1, count: queryCount * k)
        var distances = [Float](repeating: .infinity, count: queryCount * k)
        guard queryCount > 0, k > 0 else { return (ids, distances) }
        let prepared = UnsafeMutablePointer<Float>.allocate(capacity: queryCount * dimensions)
        defer { prepared.deallocate() }
        prepared.update(from: queries, count: queryCount * dimensions)
        if metric.normalizesVectors { Vectors.normalizeRows(prepared, rows: queryCount, dimensions: dimensions) }
        let blocks = (queryCount + Self.queryBlock - 1) / Self.queryBlock
        let workers = min(max(threads, 1), blocks)
        ids.withUnsafeMutableBufferPointer { ids in
            distances.withUnsafeMutableBufferPointer { distances in
                // Each worker writes the result rows of its own query blocks.
                let shared = UncheckedSendable((ids: ids.baseAddress!, distances: distances.baseAddress!, queries: prepared))
                DispatchQueue.concurrentPerform(iterations: workers) { worker in
                    var scratch = Scratch(k: k)
                    for block in stride(from: worker, to: blocks, by: workers) {
                        let start = block * Self.queryBlock
                        let end = min(queryCount, start + Self.queryBlock)
                        searchBlock(shared.value.queries, start..<end, k: k, excludingSelf: excludingSelf, skip: skip,
                                    scratch: &scratch, ids: shared.value.ids, distances: shared.value.distances)
                    }
                }
            }
        }
        return (ids, distances)
    }

    /// Per-worker buffers.
    private struct Scratch {
        var scores: [Float]
        var keys: [Float]
        var found: [Int32]
        init(k: Int) {
            scores = [Float](repeating: 0, count: ExactNeighbors.queryBlock * ExactNeighbors.rowBlock)
            keys = [Float](repeating: .infinity, count: ExactNeighbors.queryBlock * k)
            found = [Int32](repeating: -1, count: ExactNeighbors.queryBlock * k)
        }
    }

    private func searchBlock(
        _ queries: UnsafeMutablePointer<Float>, _ range: Range<Int>, k: Int, excludingSelf: Bool,
        skip: (@Sendable (Int, Int) -> Bool)?, scratch: inout Scratch,
        ids: UnsafeMutablePointer<Int32>, distances: UnsafeMutablePointer<Float>
    ) {
        let rowsInBlock = range.count, l2 = metric == .l2
        scratch.keys.withUnsafeMutableBufferPointer { keys in
            scratch.found.withUnsafeMutableBufferPointer { found in
                scratch.scores.withUnsafeMutableBufferPointer { scores in
                    let keys = keys.baseAddress!, found = found.baseAddress!, scores = scores.baseAddress!
                    keys.update(repeating: .infinity, count: rowsInBlock * k)
                    found.update(repeating: -1, count: rowsInBlock * k)
                    norms.withUnsafeBufferPointer { norms in
                        var rowStart = 0
                        while rowStart < count {
                            let width = min(Self.rowBlock, count - rowStart)
                            BatchScoring.innerProducts(
                                queries: queries + range.lowerBound * dimensions, queryCount: rowsInBlock,
                                rows: rows + rowStart * dimensions, rowCount: width, rowStride: dimensions,
                                dimensions: dimensions, into: scores, outStride: width)
                            for q in 0..<rowsInBlock {
                                let query = range.lowerBound + q
                                let line = scores + q * width
                                let listKeys = keys + q * k, listIDs = found + q * k
                                var worst = listKeys[k - 1]
                                for c in 0..<width {
                                    // Lower is nearer: ‖x‖² − 2·q·x, or −q·x.
                                    let key = l2 ? norms[rowStart + c] - 2 * line[c] : -line[c]
                                    guard key < worst else { continue }
                                    let i = rowStart + c
                                    if excludingSelf && i == query { continue }
                                    if let skip, skip(query, i) { continue }
                                    var slot = k - 1
                                    while slot > 0 && listKeys[slot - 1] > key {
                                        listKeys[slot] = listKeys[slot - 1]
                                        listIDs[slot] = listIDs[slot - 1]
                                        slot -= 1
                                    }
                                    listKeys[slot] = key
                                    listIDs[slot] = Int32(i)
                                    worst = listKeys[k - 1]
                                }
                            }
                            rowStart += width
                        }
                    }
                    // Exact distances of what was found, re-sorted.
                    for q in 0..<rowsInBlock {
                        let query = queries + (range.lowerBound + q) * dimensions
                        var list: [(distance: Float, id: Int32)] = []
                        list.reserveCapacity(k)
                        for slot in 0..<k where found[q * k + slot] >= 0 {
                            let id = found[q * k + slot]
                            list.append((distance(query, Int(id)), id))
                        }
                        list.sort { $0.distance != $1.distance ? $0.distance < $1.distance : $0.id < $1.id }
                        let out = (range.lowerBound + q) * k
                        for (slot, entry) in list.enumerated() {
                            ids[out + slot] = entry.id
                            distances[out + slot] = entry.distance
                        }
                    }
                }
            }
        }
    }
}
