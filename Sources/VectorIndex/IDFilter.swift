/// A set of ids as a bitset: the allow-list of a filtered search.
///
/// Membership is one shift and mask, so a graph search can test every node it visits; `count` is
/// kept so an index can estimate selectivity and choose an exact scan for selective filters.
public struct IDFilter: Sendable, Equatable {
    @usableFromInline var words: [UInt64]
    /// How many ids the set holds.
    public private(set) var count: Int

    /// An empty set.
    public init() {
        words = []
        count = 0
    }

    /// The set of `ids`.
    public init<S: Sequence>(_ ids: S) where S.Element == UInt32 {
        self.init()
        for id in ids { insert(id) }
    }

    /// Adds `id`.
    public mutating func insert(_ id: UInt32) {
        let word = Int(id >> 6)
        if word >= words.count { words.append(contentsOf: repeatElement(0, count: word + 1 - words.count)) }
        let bit = UInt64(1) << UInt64(id & 63)
        if words[word] & bit == 0 {
            words[word] |= bit
            count += 1
        }
    }

    /// Whether `id` is in the set.
    @inlinable public func contains(_ id: UInt32) -> Bool {
        let word = Int(id >> 6)
        return word < words.count && words[word] & (UInt64(1) << UInt64(id & 63)) != 0
    }

    /// The ids in the set, ascending.
    public var ids: [UInt32] {
        var result: [UInt32] = []
        result.reserveCapacity(count)
        for (index, word) in words.enumerated() where word != 0 {
            var bits = word
            while bits != 0 {
                result.append(UInt32(index * 64 + bits.trailingZeroBitCount))
                bits &= bits - 1
            }
        }
        return result
    }
}
