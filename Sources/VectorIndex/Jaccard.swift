import CVectorKernels

/// Jaccard similarity |A ∩ B| / |A ∪ B|, exact on token sets and estimated from signatures.
/// Two empty sets are identical (similarity 1).
public enum Jaccard {
    /// The exact similarity of two sets given as ascending arrays without repeats.
    /// - Complexity: O(|a| + |b|).
    public static func exact(sorted a: UnsafeBufferPointer<UInt64>, _ b: UnsafeBufferPointer<UInt64>) -> Double {
        if a.isEmpty && b.isEmpty { return 1 }
        var i = 0, j = 0, common = 0
        while i < a.count && j < b.count {
            let x = a[i], y = b[j]
            if x == y {
                common += 1
                i += 1
                j += 1
            } else if x < y {
                i += 1
            } else {
                j += 1
            }
        }
        return Double(common) / Double(a.count + b.count - common)
    }

    /// The exact similarity of two token collections (repeats and order do not matter).
    /// - Complexity: O(n log n).
    public static func exact(_ a: [UInt64], _ b: [UInt64]) -> Double {
        let a = sortedUnique(a), b = sortedUnique(b)
        return a.withUnsafeBufferPointer { a in b.withUnsafeBufferPointer { b in exact(sorted: a, b) } }
    }

    /// The tokens ascending, each once: the form `exact(sorted:_:)` and the index keep.
    public static func sortedUnique(_ tokens: [UInt64]) -> [UInt64] {
        var tokens = tokens
        tokens.sortAndRemoveDuplicates()
        return tokens
    }

    /// The fraction of the `count` slots where two signatures agree.
    /// - Complexity: O(count).
    @inline(__always)
    static func estimate(_ a: UnsafePointer<UInt64>, _ b: UnsafePointer<UInt64>, count: Int) -> Double {
        Double(loupe_count_equal_u64(a, b, count)) / Double(count)
    }
}
