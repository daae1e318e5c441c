import Testing
import TestSupport
import VectorMath
@testable import VectorIndex

/// The shortlist must keep exactly the `capacity` smallest distances of a stream, ties going to
/// the earliest, however the stream is cut into calls.
@Suite struct HammingShortlistTests {
    @Test(arguments: [1, 7, 100, 1000])
    func keepsTheSmallestDistancesEarliestFirst(capacity: Int) {
        var generator = SeededGenerator(seed: UInt64(capacity))
        for bits in [8, 64, 256] {
            let count = 5000
            // Few distinct distances: many ties at the cut.
            let distances = (0..<count).map { _ in Int.random(in: 0...bits, using: &generator) / 3 * 3 }
            let negated = distances.map { -Float($0) }
            var shortlist = HammingShortlist(capacity: capacity, bits: bits)
            defer { shortlist.deallocate() }
            var start = 0
            withUnsafeTemporaryAllocation(of: UInt32.self, capacity: MaxHeap.offerChunk) { scratch in
                negated.withUnsafeBufferPointer { values in
                    while start < count {
                        let length = min(Int.random(in: 1...700, using: &generator), count - start)
                        shortlist.offer(negatedDistances: values.baseAddress! + start, count: length, kernels: .active,
                                        scratch: scratch.baseAddress!) { UInt32(start + $0) }
                        start += length
                    }
                }
            }
            shortlist.compact()
            let kept = (0..<shortlist.count).map { Int(shortlist.ids[$0]) }.sorted()
            let expected = distances.indices.sorted { (distances[$0], $0) < (distances[$1], $1) }.prefix(capacity).sorted()
            #expect(kept == Array(expected), "capacity \(capacity), \(bits) bits")
        }
    }
}
