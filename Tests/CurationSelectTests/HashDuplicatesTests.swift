import Curation
import Testing
import TestSupport

/// `NearDuplicates.hashes`: Hamming-threshold pairs of 64-bit hashes against a brute-force scan,
/// groups and representatives, and bad input.
@Suite struct HashDuplicatesTests {
    /// `base` random hashes, then `copies` of them with 0...`flips` bits flipped (seeded).
    static func hashes(base: Int, copies: Int, flips: Int, seed: UInt64) -> [UInt64] {
        var generator = SeededGenerator(seed: seed)
        var values = (0..<base).map { _ in UInt64.random(in: .min ... .max, using: &generator) }
        for _ in 0..<copies {
            var copy = values[Int.random(in: 0..<base, using: &generator)]
            for _ in 0..<Int.random(in: 0...flips, using: &generator) { copy ^= 1 << UInt64.random(in: 0..<64, using: &generator) }
            values.append(copy)
        }
        return values
    }

    @Test(arguments: [(0, 1), (4, 2), (9, 1), (12, 3)])
    func pairsMatchBruteForce(maxDistance: Int, threads: Int) throws {
        // 1,003 hashes: not a multiple of the kernel's block of 8, so the padding is exercised.
        let values = Self.hashes(base: 803, copies: 200, flips: 12, seed: UInt64(maxDistance) + 3)
        let result = try NearDuplicates.hashes(values, maxDistance: maxDistance, threads: threads)
        var expected: [NearDuplicates.Pair] = []
        for i in values.indices {
            for j in (i + 1)..<values.count {
                let distance = (values[i] ^ values[j]).nonzeroBitCount
                if distance <= maxDistance {
                    expected.append(.init(first: UInt32(i), second: UInt32(j), score: 1 - Float(distance) / 64))
                }
            }
        }
        #expect(!expected.isEmpty)
        #expect(result.pairs == expected)
        #expect(result.isExact && result.saturatedRows == 0)
        #expect(result.candidatesScored == values.count * (values.count - 1) / 2)
        // Every pair lies inside one group; groups are disjoint.
        var groupOf: [UInt32: Int] = [:]
        for (g, group) in result.groups.enumerated() {
            #expect(group.rows == group.rows.sorted() && group.rows.contains(group.representative))
            for row in group.rows {
                #expect(groupOf[row] == nil)
                groupOf[row] = g
            }
        }
        for pair in result.pairs { #expect(groupOf[pair.first] != nil && groupOf[pair.first] == groupOf[pair.second]) }
    }

    @Test func rowSlotsNameThePairsAndRepresentativesFollowTheRule() throws {
        // Rows 10, 20, 30: 10 and 30 are 1 bit apart, 20 is far from both.
        let values: [UInt64] = [0b1111, 0xFFFF_0000_FFFF_0000, 0b0111]
        let result = try NearDuplicates.hashes(values, rows: [30, 20, 10], maxDistance: 2, representative: .earliestRow, threads: 1)
        #expect(result.pairs == [.init(first: 10, second: 30, score: 1 - 1.0 / 64)])
        #expect(result.groups.map(\.rows) == [[10, 30]] && result.groups[0].representative == 10)
        #expect(result.redundantRows == [30])
        // A star: row 0 is 1 bit from each other row, which are 2 bits apart, so it is the most central.
        let central = try NearDuplicates.hashes([0, 0b1, 0b10, 0b100], maxDistance: 1, threads: 1)
        #expect(central.groups.count == 1 && central.groups[0].representative == 0)
    }

    @Test func badInputsAreErrors() {
        for distance in [-1, 64, 100] {
            #expect(throws: CurationError.self) { try NearDuplicates.hashes([1, 2], maxDistance: distance) }
        }
        #expect(throws: CurationError.self) { try NearDuplicates.hashes([1, 2], rows: [0], maxDistance: 3) }
        #expect(throws: CurationError.self) { try NearDuplicates.hashes([1, 2], rows: [4, 4], maxDistance: 3) }
        #expect(throws: CurationError.self) { try NearDuplicates.hashes([1, 2], maxDistance: 3, threads: 0) }
        // Identical hashes: 3 pairs, over a limit of 2.
        #expect(throws: CurationError.self) { try NearDuplicates.hashes([7, 7, 7], maxDistance: 0, maxPairs: 2) }
        #expect(throws: CurationError.self) {
            try NearDuplicates.hashes([7, 8], maxDistance: 1, representative: .highestValue([1]))
        }
        #expect((try? NearDuplicates.hashes([], maxDistance: 3))?.pairs.isEmpty == true)
    }
}
