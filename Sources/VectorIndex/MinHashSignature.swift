/// The MinHash signature of one set: per permutation of a `MinHasher`, the least hash value over
/// the set's tokens. Values lie in [0, p) with p = 2^61 − 1; an empty set has p in every slot.
///
/// Signatures are comparable only when they come from the same `MinHasher` (same permutations);
/// nothing in the values says which one that was.
public struct MinHashSignature: Sendable, Hashable {
    /// One value per permutation.
    public let values: [UInt64]

    /// A signature from stored values.
    /// - Throws: `invalidArgument` if it is empty or a value exceeds p = 2^61 − 1.
    public init(values: [UInt64]) throws {
        guard !values.isEmpty else { throw VectorIndexError(.invalidArgument, "a signature needs at least one value") }
        if let slot = values.firstIndex(where: { $0 > MinHasher.prime }) {
            throw VectorIndexError(.invalidArgument, "signature value \(values[slot]) at slot \(slot) exceeds 2^61 − 1")
        }
        self.values = values
    }

    init(unchecked values: [UInt64]) { self.values = values }

    /// Slots (the number of permutations).
    public var count: Int { values.count }

    /// Whether this is the signature of the empty set.
    public var isEmptySet: Bool { values.allSatisfy { $0 == MinHasher.prime } }

    /// The estimate of the Jaccard similarity of the two sets: the fraction of slots where the
    /// signatures agree. Its standard error is √(J(1 − J)/k) for k slots.
    /// - Throws: `invalidArgument` if the signatures have different lengths.
    /// - Complexity: O(k).
    public func jaccard(_ other: MinHashSignature) throws -> Double {
        guard other.count == count else {
            throw VectorIndexError(.invalidArgument, "signatures of \(count) and \(other.count) slots are not comparable")
        }
        return values.withUnsafeBufferPointer { a in
            other.values.withUnsafeBufferPointer { b in Jaccard.estimate(a.baseAddress!, b.baseAddress!, count: count) }
        }
    }
}
