import CVectorKernels
import VectorMath

/// A family of MinHash permutations: the signature of a set is, for each permutation, the least
/// value it takes over the set's tokens (Broder, "On the resemblance and containment of
/// documents", 1997). Two sets agree in one signature slot with probability equal to their
/// Jaccard similarity, so the fraction of agreeing slots estimates it.
///
/// Permutation `j` is the universal hash h_j(x) = (a_j · x + b_j) mod p with the Mersenne prime
/// p = 2^61 − 1 (as datasketch's classic scheme), `a_j` ∈ [1, p) and `b_j` ∈ [0, p) drawn from
/// SplitMix64 seeded with `seed`. A token x is first passed through MurmurHash3's 64-bit
/// finalizer (a bijection, so structured tokens such as consecutive integers are spread) and
/// reduced modulo p. Signature values lie in [0, p); the value p marks the slot of an empty set,
/// so two empty sets agree everywhere (Jaccard 1) and an empty set agrees with no other.
///
/// The hot loop is `CVectorKernels`' `loupe_minhash_update`: the 2^61 − 1 reduction with shifts
/// and adds, 8 (AVX-512) or 4 (AVX2) permutations per instruction over contiguous arrays, no
/// allocation per token.
public struct MinHasher: Sendable, Equatable {
    /// The modulus of the permutations, 2^61 − 1; also the value of an empty set's slots.
    public static let prime: UInt64 = (1 << 61) - 1

    /// Slots per signature.
    public let numPermutations: Int
    /// The seed the permutations were drawn from.
    public let seed: UInt64
    /// Multipliers a_j ∈ [1, p).
    let multipliers: [UInt64]
    /// Offsets b_j ∈ [0, p).
    let offsets: [UInt64]
    /// The instruction-set level of the kernel.
    let level: VectorKernels.Level

    /// A family of `numPermutations` permutations drawn from `seed`.
    /// - Parameter kernels: the instruction-set level to run at (tests compare all levels).
    /// - Throws: `invalidArgument` unless `numPermutations` is in 1...65_536.
    public init(numPermutations: Int = 128, seed: UInt64 = 1, kernels: VectorKernels = .active) throws {
        guard (1...65_536).contains(numPermutations) else {
            throw VectorIndexError(.invalidArgument, "numPermutations must be in 1...65536 (got \(numPermutations))")
        }
        var random = SplitMix64(seed: seed)
        var a = [UInt64](), b = [UInt64]()
        a.reserveCapacity(numPermutations)
        b.reserveCapacity(numPermutations)
        for _ in 0..<numPermutations {
            a.append(Self.draw(&random, from: 1))
            b.append(Self.draw(&random, from: 0))
        }
        self.init(seed: seed, multipliers: a, offsets: b, level: kernels.level)
    }

    /// A family with the given permutation parameters (as read back from a file).
    init(seed: UInt64, multipliers: [UInt64], offsets: [UInt64], level: VectorKernels.Level = VectorKernels.active.level) {
        numPermutations = multipliers.count
        self.seed = seed
        self.multipliers = multipliers
        self.offsets = offsets
        self.level = level
    }

    /// A uniform draw from [lowest, p) by rejection from 61 random bits.
    private static func draw(_ random: inout SplitMix64, from lowest: UInt64) -> UInt64 {
        while true {
            let value = random.next() >> 3
            if value >= lowest && value < prime { return value }
        }
    }

    /// Two families are equal when their permutations are (the kernel level does not matter).
    public static func == (lhs: MinHasher, rhs: MinHasher) -> Bool {
        lhs.multipliers == rhs.multipliers && lhs.offsets == rhs.offsets
    }

    // MARK: Signatures, pointer level

    /// Folds `tokens` into a running signature: `signature[j] = min(signature[j], h_j(tokens))`.
    /// Start from `MinHasher.prime` in every slot (the empty set) to compute a set's signature;
    /// call again with more tokens to extend it (the signature of a union).
    /// - Precondition: `signature.count == numPermutations`.
    /// - Complexity: O(|tokens| · numPermutations), no allocation.
    public func update(_ signature: UnsafeMutableBufferPointer<UInt64>, with tokens: UnsafeBufferPointer<UInt64>) {
        precondition(signature.count == numPermutations, "a signature has \(numPermutations) slots")
        fold(tokens, into: signature.baseAddress!)
    }

    func fold(_ tokens: UnsafeBufferPointer<UInt64>, into signature: UnsafeMutablePointer<UInt64>) {
        guard let first = tokens.baseAddress, !tokens.isEmpty else { return }
        multipliers.withUnsafeBufferPointer { a in
            offsets.withUnsafeBufferPointer { b in
                loupe_minhash_update(Int32(level.rawValue), a.baseAddress, b.baseAddress, numPermutations,
                                     first, tokens.count, signature)
            }
        }
    }

    /// Signatures of many sets at once. Set `i` is `tokens[setOffsets[i]..<setOffsets[i + 1]]`
    /// (compressed rows); its signature is written to `signatures[i·numPermutations...]`.
    /// - Throws: `invalidArgument` if the offsets are not ascending within `tokens`, or
    ///   `signatures` does not hold `numPermutations` slots per set.
    /// - Complexity: O(total tokens · numPermutations), no allocation.
    public func signatures(
        ofSets tokens: UnsafeBufferPointer<UInt64>, setOffsets: UnsafeBufferPointer<Int>,
        into signatures: UnsafeMutableBufferPointer<UInt64>
    ) throws {
        let setCount = max(setOffsets.count - 1, 0)
        guard signatures.count == setCount * numPermutations else {
            throw VectorIndexError(.invalidArgument, "\(signatures.count) signature slots for \(setCount) sets of \(numPermutations) permutations")
        }
        for set in 0..<setCount {
            let start = setOffsets[set], end = setOffsets[set + 1]
            guard start >= 0, start <= end, end <= tokens.count else {
                throw VectorIndexError(.invalidArgument, "set \(set) spans tokens \(start)..<\(end) of \(tokens.count)")
            }
        }
        guard setCount > 0 else { return }
        signatures.update(repeating: Self.prime)
        for set in 0..<setCount {
            let start = setOffsets[set], end = setOffsets[set + 1]
            fold(UnsafeBufferPointer(rebasing: tokens[start..<end]), into: signatures.baseAddress! + set * numPermutations)
        }
    }

    // MARK: Signatures, values

    /// The signature of a set of tokens (duplicates do not matter).
    /// - Complexity: O(|tokens| · numPermutations).
    public func signature(of tokens: UnsafeBufferPointer<UInt64>) -> MinHashSignature {
        let values = [UInt64](unsafeUninitializedCapacity: numPermutations) { buffer, initialized in
            buffer.initialize(repeating: Self.prime)
            fold(tokens, into: buffer.baseAddress!)
            initialized = numPermutations
        }
        return MinHashSignature(unchecked: values)
    }

    /// The signature of a set of tokens (duplicates do not matter).
    /// - Complexity: O(|tokens| · numPermutations).
    public func signature(of tokens: [UInt64]) -> MinHashSignature {
        tokens.withUnsafeBufferPointer { signature(of: $0) }
    }

    /// The signature of the set of shingles of `text`.
    /// - Complexity: O(|text| + shingles · numPermutations).
    public func signature(ofText text: String, shingling: Shingling) -> MinHashSignature {
        signature(of: shingling.tokens(of: text))
    }
}
