import CVectorKernels

/// Kernels over binary codes (SimHash): Hamming distances by popcount and asymmetric scores.
///
/// Codes live in blocks of 8 codes of `words` 64-bit words, interleaved so that one 512-bit load
/// holds the same word of 8 codes — word `w` of code `8·b + r` is at `codes[(b·words + w)·8 + r]`
/// (see `BinaryCodeLayout`). Distances come out negated, as floats: higher is more similar, so
/// top-k selection shares `MaxHeap.offer`'s SIMD pre-filter with dot products.
extension VectorKernels {
    /// Whether this CPU runs the AVX-512 VPOPCNTDQ Hamming kernel; without it the AVX-512 level
    /// uses the AVX2 one.
    public static var hasVectorPopcount: Bool { loupe_has_vpopcntdq() != 0 }

    /// Writes `−Hamming(query, code i)` for the `8 · blocks` codes of `blocks` whole blocks.
    /// - Complexity: O(blocks · 8 · words).
    @inlinable public func negatedHammingDistances(
        _ query: UnsafePointer<UInt64>, blocks codes: UnsafePointer<UInt64>, words: Int, blockCount: Int,
        into out: UnsafeMutablePointer<Float>
    ) {
        table.pointee.hamming_blocks(query, codes, words, blockCount, out)
    }

    /// Writes `−Hamming(query, code ids[i])` for `i < count`.
    /// - Complexity: O(count · words).
    @inlinable public func negatedHammingDistances(
        _ query: UnsafePointer<UInt64>, blocks codes: UnsafePointer<UInt64>, words: Int,
        ids: UnsafePointer<UInt32>, count: Int, into out: UnsafeMutablePointer<Float>
    ) {
        table.pointee.hamming_ids(query, codes, words, ids, count, out)
    }

    /// Writes `Σ weights[j]` over the set bits `j` of code `ids[i]` for `i < count`; `weights`
    /// holds `64 · words` floats. With the query's projections as weights this is the asymmetric
    /// score of a binary code (Gordo et al., "Asymmetric Distances for Binary Embeddings",
    /// IEEE TPAMI 2014), up to a constant.
    /// - Complexity: O(count · words · 64) additions, 16 per instruction on AVX-512.
    @inlinable public func bitWeightSums(
        _ weights: UnsafePointer<Float>, blocks codes: UnsafePointer<UInt64>, words: Int,
        ids: UnsafePointer<UInt32>, count: Int, into out: UnsafeMutablePointer<Float>
    ) {
        table.pointee.bit_weight_sums(weights, codes, words, ids, count, out)
    }
}

/// Where the words of one binary code sit in the interleaved block layout of the Hamming kernels.
public enum BinaryCodeLayout {
    /// Codes per block.
    public static let blockSize = 8

    /// The offset (in words) of word `word` of code `code`.
    @inlinable public static func offset(code: Int, word: Int, words: Int) -> Int {
        ((code >> 3) * words + word) * 8 + (code & 7)
    }

    /// Blocks needed for `count` codes.
    @inlinable public static func blocks(for count: Int) -> Int { (count + 7) / 8 }
}
