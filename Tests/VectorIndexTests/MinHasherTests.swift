import Testing
import TestSupport
import VectorMath
@testable import VectorIndex

@Suite struct MinHasherTests {
    static let p = MinHasher.prime

    // MARK: A reference that shares nothing with the kernels: full-width multiply and division.

    static func fmix64(_ value: UInt64) -> UInt64 {
        var x = value
        x ^= x >> 33
        x &*= 0xFF51_AFD7_ED55_8CCD
        x ^= x >> 33
        x &*= 0xC4CE_B9FE_1A85_EC53
        x ^= x >> 33
        return x
    }

    /// The inverse of `fmix64`, to build tokens whose residue is a chosen value.
    static func unmix(_ value: UInt64) -> UInt64 {
        func inverse(_ odd: UInt64) -> UInt64 {
            var inverse = odd
            for _ in 0..<6 { inverse &*= 2 &- odd &* inverse }
            return inverse
        }
        var x = value
        x ^= x >> 33
        x &*= inverse(0xC4CE_B9FE_1A85_EC53)
        x ^= x >> 33
        x &*= inverse(0xFF51_AFD7_ED55_8CCD)
        x ^= x >> 33
        return x
    }

    static func referenceSignature(_ hasher: MinHasher, _ tokens: [UInt64]) -> [UInt64] {
        let residues = tokens.map { fmix64($0) % p }
        return (0..<hasher.numPermutations).map { j in
            residues.reduce(p) { least, x in
                let product = p.dividingFullWidth(hasher.multipliers[j].multipliedFullWidth(by: x)).remainder
                return min(least, (product + hasher.offsets[j]) % p)
            }
        }
    }

    @Test func unmixInvertsTheMixer() {
        var generator = SeededGenerator(seed: 9)
        for _ in 0..<100 {
            let x = generator.next()
            #expect(Self.fmix64(Self.unmix(x)) == x)
        }
    }

    @Test(arguments: VectorKernels.Level.allCases, [1, 7, 8, 13, 37, 128, 130])
    func everyLevelMatchesTheReference(level: VectorKernels.Level, permutations: Int) throws {
        let hasher = try MinHasher(numPermutations: permutations, seed: 11, kernels: VectorKernels(level: level))
        var generator = SeededGenerator(seed: UInt64(permutations))
        // Sizes around the kernel's 256-token chunks.
        for size in [1, 2, 100, 255, 256, 257, 700] {
            let tokens = (0..<size).map { _ in generator.next() }
            #expect(hasher.signature(of: tokens).values == Self.referenceSignature(hasher, tokens), "level \(level), \(size) tokens")
        }
    }

    /// Residues and multipliers at the edges of the 2^61 − 1 reduction.
    @Test(arguments: VectorKernels.Level.allCases)
    func reductionEdgesMatchTheReference(level: VectorKernels.Level) {
        let p = Self.p
        let edges: [UInt64] = [1, 2, 3, 0xFFFF_FFFF, 1 << 32, (1 << 32) + 1, 1 << 60, p - 3, p - 2, p - 1]
        let offsets: [UInt64] = [0, 1, p - 1, p - 2, 1 << 32, 12345, p / 2, p - 1, 0, 7]
        let hasher = MinHasher(seed: 0, multipliers: edges, offsets: offsets, level: level)
        // Mixed values below p, equal to p, and above it (reduced first).
        let residues: [UInt64] = [0, 1, 2, p - 1, p - 2, 0xFFFF_FFFF, 1 << 32, 1 << 61, p, p + 1, UInt64.max, UInt64.max - 1, (1 << 62) + 5]
        for residue in residues {
            let tokens = [Self.unmix(residue)]
            #expect(hasher.signature(of: tokens).values == Self.referenceSignature(hasher, tokens), "residue \(residue)")
        }
        let all = residues.map(Self.unmix)
        #expect(hasher.signature(of: all).values == Self.referenceSignature(hasher, all))
    }

    @Test func signaturesAreDeterministicAndSeeded() throws {
        let tokens: [UInt64] = [1, 2, 3, 42, 1 << 40]
        let a = try MinHasher(seed: 5), b = try MinHasher(seed: 5), c = try MinHasher(seed: 6)
        #expect(a == b && a != c)
        #expect(a.signature(of: tokens) == b.signature(of: tokens))
        #expect(a.signature(of: tokens) != c.signature(of: tokens))
        // Order and repeats do not matter.
        #expect(a.signature(of: tokens) == a.signature(of: tokens.reversed() + tokens))
        #expect(a.numPermutations == 128)
        #expect(a.multipliers.allSatisfy { $0 >= 1 && $0 < Self.p } && a.offsets.allSatisfy { $0 < Self.p })
        #expect(throws: VectorIndexError.self) { try MinHasher(numPermutations: 0) }
    }

    @Test func updatingExtendsASignatureToTheUnion() throws {
        let hasher = try MinHasher(numPermutations: 64)
        let first: [UInt64] = [10, 20, 30], second: [UInt64] = [40, 50]
        var running = [UInt64](repeating: MinHasher.prime, count: 64)
        running.withUnsafeMutableBufferPointer { signature in
            first.withUnsafeBufferPointer { hasher.update(signature, with: $0) }
            second.withUnsafeBufferPointer { hasher.update(signature, with: $0) }
        }
        #expect(running == hasher.signature(of: first + second).values)
    }

    @Test func batchSignaturesEqualSingleOnes() throws {
        let hasher = try MinHasher(numPermutations: 40, seed: 3)
        var generator = SeededGenerator(seed: 8)
        let sets = (0..<30).map { n in (0..<(n * 7 % 23)).map { _ in generator.next() } }
        let tokens = sets.flatMap { $0 }
        var offsets = [0]
        for set in sets { offsets.append(offsets.last! + set.count) }
        var values = [UInt64](repeating: 0, count: sets.count * 40)
        try tokens.withUnsafeBufferPointer { tokens in
            try offsets.withUnsafeBufferPointer { offsets in
                try values.withUnsafeMutableBufferPointer { try hasher.signatures(ofSets: tokens, setOffsets: offsets, into: $0) }
            }
        }
        for (i, set) in sets.enumerated() {
            #expect(Array(values[i * 40..<(i + 1) * 40]) == hasher.signature(of: set).values)
        }
        var tooFew = [UInt64](repeating: 0, count: 3)
        #expect(throws: VectorIndexError.self) {
            try tokens.withUnsafeBufferPointer { tokens in
                try offsets.withUnsafeBufferPointer { offsets in
                    try tooFew.withUnsafeMutableBufferPointer { try hasher.signatures(ofSets: tokens, setOffsets: offsets, into: $0) }
                }
            }
        }
    }

    @Test func emptySetsAreIdenticalToEachOtherAndToNothingElse() throws {
        let hasher = try MinHasher()
        let empty = hasher.signature(of: [UInt64]())
        #expect(empty.isEmptySet)
        #expect(empty.values.allSatisfy { $0 == MinHasher.prime })
        #expect(try empty.jaccard(empty) == 1)
        #expect(try empty.jaccard(hasher.signature(of: [7])) == 0)
        #expect(!hasher.signature(of: [7]).isEmptySet)
        #expect(Jaccard.exact([], []) == 1)
        #expect(Jaccard.exact([], [1]) == 0)
    }

    /// Every estimate lies within 4.5 binomial standard errors of the true similarity, and the
    /// mean absolute error is what a binomial estimator gives.
    @Test func estimatesStayWithinTheBinomialErrorBound() throws {
        let k = 128
        let hasher = try MinHasher(numPermutations: k, seed: 21)
        var generator = SeededGenerator(seed: 22)
        var absoluteErrors: [Double] = []
        var expectedAbsoluteErrors: [Double] = []
        for i in 0..<240 {
            let target = 0.02 + 0.96 * Double(i % 24) / 23
            let (a, b, truth) = TokenSets.pair(size: 50 + i % 150, jaccard: target, using: &generator)
            #expect(abs(Jaccard.exact(a, b) - truth) < 1e-12)
            let estimate = try hasher.signature(of: a).jaccard(hasher.signature(of: b))
            let sigma = (truth * (1 - truth) / Double(k)).squareRoot()
            #expect(abs(estimate - truth) <= 4.5 * sigma + 1e-9, "J = \(truth), estimate \(estimate)")
            absoluteErrors.append(abs(estimate - truth))
            expectedAbsoluteErrors.append(sigma * (2 / Double.pi).squareRoot())
        }
        let mean = absoluteErrors.reduce(0, +) / 240, expected = expectedAbsoluteErrors.reduce(0, +) / 240
        #expect(mean < 1.3 * expected, "mean absolute error \(mean), binomial \(expected)")
        #expect(mean > 0.7 * expected, "mean absolute error \(mean), binomial \(expected)")
    }

    @Test func signaturesOfDifferentLengthsAreNotCompared() throws {
        let short = try MinHasher(numPermutations: 16), long = try MinHasher(numPermutations: 32)
        #expect(throws: VectorIndexError.self) { try short.signature(of: [1]).jaccard(long.signature(of: [1])) }
        #expect(throws: VectorIndexError.self) { try MinHashSignature(values: [MinHasher.prime + 1]) }
        #expect(throws: VectorIndexError.self) { try MinHashSignature(values: []) }
    }
}
