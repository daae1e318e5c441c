import VectorMath

/// The working memory of one graph search, reused across searches so that a search allocates
/// nothing per visited node: a visited-mark array with an epoch (cleared in O(1)), the candidate
/// and result heaps, and buffers for one node's neighbours and their scores.
final class SearchScratch {
    private(set) var visited: UnsafeMutablePointer<UInt16>
    private(set) var visitedCapacity: Int
    private(set) var epoch: UInt16 = 0
    /// Frontier of nodes to expand, as a max-heap of negated keys (a min-heap of keys).
    var candidates: MaxHeap
    /// The best nodes found, as a max-heap of keys.
    var results: MaxHeap
    /// Neighbour ids collected for one batch of scoring.
    let neighborIDs: UnsafeMutablePointer<UInt32>
    /// Kernel values for `neighborIDs`.
    let neighborScores: UnsafeMutablePointer<Float>
    let neighborCapacity: Int
    /// (key, id) pairs sorted for the neighbour-selection heuristic.
    private(set) var pairKeys: UnsafeMutablePointer<Float>
    private(set) var pairIDs: UnsafeMutablePointer<UInt32>
    private(set) var pairCapacity: Int
    /// The heuristic's output.
    let selected: UnsafeMutablePointer<UInt32>
    /// Probes of the query being searched or inserted, of a node whose list is re-chosen, and of
    /// a candidate inside the heuristic: three, because those nest.
    let queryProbe: ProbeBuffer
    let baseProbe: ProbeBuffer
    let candidateProbe: ProbeBuffer

    init(nodeCapacity: Int, resultCapacity: Int, neighborCapacity: Int, dimensions: Int) {
        visitedCapacity = max(nodeCapacity, 1)
        visited = .allocate(capacity: visitedCapacity)
        visited.initialize(repeating: 0, count: visitedCapacity)
        candidates = MaxHeap(capacity: max(resultCapacity * 4, 256))
        results = MaxHeap(capacity: resultCapacity)
        self.neighborCapacity = neighborCapacity
        neighborIDs = .allocate(capacity: neighborCapacity)
        neighborScores = .allocate(capacity: neighborCapacity)
        pairCapacity = max(resultCapacity, neighborCapacity) + 1
        pairKeys = .allocate(capacity: pairCapacity)
        pairIDs = .allocate(capacity: pairCapacity)
        selected = .allocate(capacity: neighborCapacity)
        queryProbe = ProbeBuffer(dimensions: dimensions)
        baseProbe = ProbeBuffer(dimensions: dimensions)
        candidateProbe = ProbeBuffer(dimensions: dimensions)
    }

    deinit {
        visited.deallocate()
        candidates.deallocate()
        results.deallocate()
        neighborIDs.deallocate()
        neighborScores.deallocate()
        pairKeys.deallocate()
        pairIDs.deallocate()
        selected.deallocate()
    }

    /// Makes the pair buffers hold at least `count` pairs.
    func ensurePairCapacity(_ count: Int) {
        guard count > pairCapacity else { return }
        pairKeys.deallocate()
        pairIDs.deallocate()
        pairCapacity = count
        pairKeys = .allocate(capacity: count)
        pairIDs = .allocate(capacity: count)
    }

    /// Moves the results heap into the pair buffers, ascending by key; returns how many.
    func drainResultsAscending() -> Int {
        ensurePairCapacity(results.count)
        var heap = results
        let count = heap.count
        var index = count - 1
        while !heap.isEmpty {
            pairKeys[index] = heap.topKey
            pairIDs[index] = heap.topID
            heap.pop()
            index -= 1
        }
        results = heap
        return count
    }

    /// Prepares for a search over `nodeCount` nodes keeping up to `resultCapacity` results:
    /// grows what is too small and starts a new visited epoch.
    func begin(nodeCount: Int, resultCapacity: Int) {
        if nodeCount > visitedCapacity {
            visited.deallocate()
            visitedCapacity = nodeCount + nodeCount / 2
            visited = .allocate(capacity: visitedCapacity)
            visited.initialize(repeating: 0, count: visitedCapacity)
            epoch = 0
        }
        if results.capacity != resultCapacity {
            results.deallocate()
            results = MaxHeap(capacity: resultCapacity)
        }
        results.removeAll()
        candidates.removeAll()
        epoch &+= 1
        if epoch == 0 {
            visited.update(repeating: 0, count: visitedCapacity)
            epoch = 1
        }
    }
}

extension MaxHeap {
    /// Pushes, doubling the heap's memory first when it is full. The heap's pointers change, so
    /// the caller must store the heap back wherever it keeps it.
    @inlinable
    mutating func pushGrowing(_ key: Float, _ id: UInt32) {
        if isFull {
            var grown = MaxHeap(capacity: capacity * 2)
            grown.adopt(self)
            deallocate()
            self = grown
        }
        push(key, id)
    }
}

/// A pool of scratch spaces, one per concurrent search.
final class ScratchPool: @unchecked Sendable {
    // @unchecked: `free` is only touched under `lock`; a scratch is used by one thread at a time.
    private let lock = ReadWriteLock()
    private var free: [SearchScratch] = []
    private let neighborCapacity: Int
    private let dimensions: Int

    init(neighborCapacity: Int, dimensions: Int) {
        self.neighborCapacity = neighborCapacity
        self.dimensions = dimensions
    }

    func withScratch<T>(nodeCount: Int, resultCapacity: Int, _ body: (SearchScratch) throws -> T) rethrows -> T {
        let scratch = lock.withWriteLock { free.popLast() }
            ?? SearchScratch(nodeCapacity: nodeCount, resultCapacity: resultCapacity,
                             neighborCapacity: neighborCapacity, dimensions: dimensions)
        defer { lock.withWriteLock { free.append(scratch) } }
        return try body(scratch)
    }

    /// Drops pooled scratch spaces (after the index shrinks or its parameters change).
    func removeAll() { lock.withWriteLock { free.removeAll() } }
}
