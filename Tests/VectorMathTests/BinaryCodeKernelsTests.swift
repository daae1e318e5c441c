import Testing
import TestSupport
import VectorMath

/// The Hamming and bit-weight kernels of every instruction-set level must agree with a plain
/// Swift loop (`nonzeroBitCount`), at every code length the block layout allows.
@Suite struct BinaryCodeKernelsTests {
    static let wordCounts = [1, 2, 3, 4, 5, 7, 8, 9, 16, 17, 33]

    /// `count` random codes of `words` words in the interleaved block layout, and the same codes
    /// row by row.
    static func codes(count: Int, words: Int, seed: UInt64) -> (blocks: [UInt64], rows: [[UInt64]]) {
        var generator = SeededGenerator(seed: seed)
        let rows = (0..<count).map { _ in (0..<words).map { _ in generator.next() } }
        var blocks = [UInt64](repeating: 0, count: BinaryCodeLayout.blocks(for: count) * words * 8)
        for (code, row) in rows.enumerated() {
            for w in 0..<words { blocks[BinaryCodeLayout.offset(code: code, word: w, words: words)] = row[w] }
        }
        return (blocks, rows)
    }

    static func hamming(_ a: [UInt64], _ b: [UInt64]) -> Int {
        zip(a, b).reduce(0) { $0 + ($1.0 ^ $1.1).nonzeroBitCount }
    }

    @Test(arguments: VectorKernels.Level.allCases)
    func hammingOverBlocksMatchesPopcount(level: VectorKernels.Level) {
        let kernels = VectorKernels(level: level)
        for words in Self.wordCounts {
            for count in [1, 7, 8, 9, 23, 64] {
                let (blocks, rows) = Self.codes(count: count, words: words, seed: UInt64(words * 100 + count))
                var generator = SeededGenerator(seed: 5)
                let query = (0..<words).map { _ in generator.next() }
                var out = [Float](repeating: 1, count: BinaryCodeLayout.blocks(for: count) * 8)
                kernels.negatedHammingDistances(query, blocks: blocks, words: words, blockCount: BinaryCodeLayout.blocks(for: count), into: &out)
                for (i, row) in rows.enumerated() {
                    #expect(out[i] == -Float(Self.hamming(query, row)), "\(level) words \(words) code \(i)")
                }
                // Padding lanes of the last block are zero codes.
                for i in count..<out.count { #expect(out[i] == -Float(query.reduce(0) { $0 + $1.nonzeroBitCount })) }
            }
        }
    }

    @Test(arguments: VectorKernels.Level.allCases)
    func hammingByIDMatchesPopcount(level: VectorKernels.Level) {
        let kernels = VectorKernels(level: level)
        for words in Self.wordCounts {
            let (blocks, rows) = Self.codes(count: 50, words: words, seed: UInt64(words))
            let query = rows[3]
            let ids: [UInt32] = [49, 0, 3, 17, 17, 8, 7]
            var out = [Float](repeating: 1, count: ids.count)
            kernels.negatedHammingDistances(query, blocks: blocks, words: words, ids: ids, count: ids.count, into: &out)
            for (i, id) in ids.enumerated() {
                #expect(out[i] == -Float(Self.hamming(query, rows[Int(id)])), "\(level) words \(words) id \(id)")
            }
            #expect(out[2] == 0)
        }
    }

    @Test(arguments: VectorKernels.Level.allCases)
    func bitWeightSumsMatchALoopOverSetBits(level: VectorKernels.Level) {
        let kernels = VectorKernels(level: level)
        for words in Self.wordCounts {
            let (blocks, rows) = Self.codes(count: 30, words: words, seed: UInt64(words) + 77)
            let weights = TestData.uniform(count: 1, dimensions: words * 64, seed: UInt64(words))
            let ids: [UInt32] = [0, 29, 8, 13]
            var out = [Float](repeating: 0, count: ids.count)
            kernels.bitWeightSums(weights, blocks: blocks, words: words, ids: ids, count: ids.count, into: &out)
            for (i, id) in ids.enumerated() {
                var expected = 0.0
                for w in 0..<words {
                    for bit in 0..<64 where rows[Int(id)][w] >> UInt64(bit) & 1 == 1 { expected += Double(weights[w * 64 + bit]) }
                }
                #expect(approximatelyEqual(Double(out[i]), expected, absolute: 1e-3), "\(level) words \(words) id \(id)")
            }
        }
    }

    @Test func vectorPopcountIsDetectedConsistently() {
        // The AVX-512 level always has a Hamming kernel, with or without VPOPCNTDQ.
        if VectorKernels.hasVectorPopcount { #expect(VectorKernels.bestLevel == .avx512) }
    }
}
