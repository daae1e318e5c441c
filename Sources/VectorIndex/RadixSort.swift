/// Least-significant-digit radix sort of `(Float key, UInt32 payload)` pairs packed in `UInt64`:
/// the sorts of a bulk load, linear in the number of pairs.
enum RadixSort {
    /// Packs a key and a payload so that comparing the packed values compares keys first.
    @inline(__always)
    static func pack(_ key: Float, _ payload: UInt32) -> UInt64 {
        // Flip negative floats entirely and set the sign bit of positive ones: the bit patterns
        // then order as the floats do (−0 just before +0).
        let bits = key.bitPattern
        let ordered = bits & 0x8000_0000 != 0 ? ~bits : bits | 0x8000_0000
        return UInt64(ordered) << 32 | UInt64(payload)
    }

    /// The payload of a packed pair.
    @inline(__always) static func payload(_ packed: UInt64) -> UInt32 { UInt32(truncatingIfNeeded: packed) }

    /// Sorts `count` packed pairs by key, stably (equal keys keep their order), using `scratch`
    /// of the same size. Passes over a byte that every key shares are skipped.
    /// - Complexity: O(n), four passes at most.
    static func sortByKey(_ values: UnsafeMutablePointer<UInt64>, count: Int, scratch: UnsafeMutablePointer<UInt64>) {
        guard count > 1 else { return }
        var source = values, target = scratch
        withUnsafeTemporaryAllocation(of: Int.self, capacity: 256) { counts in
            let counts = counts.baseAddress!
            for shift in stride(from: UInt64(32), to: 64, by: 8) {
                counts.initialize(repeating: 0, count: 256)
                for i in 0..<count { counts[Int((source[i] >> shift) & 0xFF)] += 1 }
                if counts[Int((source[0] >> shift) & 0xFF)] == count { continue }
                var offset = 0
                for digit in 0..<256 {
                    let here = counts[digit]
                    counts[digit] = offset
                    offset += here
                }
                for i in 0..<count {
                    let digit = Int((source[i] >> shift) & 0xFF)
                    target[counts[digit]] = source[i]
                    counts[digit] += 1
                }
                swap(&source, &target)
            }
        }
        if source != values { values.update(from: source, count: count) }
    }
}
