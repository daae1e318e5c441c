import Synchronization

/// Byte-level byte-pair encoding with an end-of-word suffix, as CLIP (and GPT-2 without the
/// suffix) uses it (Sennrich et al., 2016, "Neural Machine Translation of Rare Words with Subword
/// Units"; Radford et al., 2019, for the byte-level alphabet).
///
/// A word's UTF-8 bytes start as one symbol each (the last one carries `</w>`); then, again and
/// again, the adjacent pair with the lowest merge rank is merged everywhere in the word, left to
/// right, until no adjacent pair has a rank. Symbols are vocabulary ids throughout, so a merge is
/// one dictionary lookup of two ids.
///
/// Results are cached by the word's bytes (up to `cacheCapacity` words, then the cache starts over): the
/// same words recur in prompts and captions.
final class BytePairEncoder: Sendable {
    /// One merge rule: its priority (lower merges first) and the id of the merged symbol.
    struct Merge: Sendable {
        var rank: Int32
        var result: Int32
    }

    /// How many distinct words the cache holds before it is emptied.
    static let cacheCapacity = 1 << 16

    /// The id of each byte as a symbol inside a word, and as the last symbol of a word.
    private let byteIDs: [Int32]
    private let finalByteIDs: [Int32]
    /// Merge rules keyed by `first << 32 | second`.
    private let merges: [UInt64: Merge]
    private let cache = Mutex<[UTF8Key: [Int32]]>([:])

    /// Builds the encoder from a vocabulary over byte-level symbols and ranked merges.
    /// - Parameters:
    ///   - vocabulary: token → id; tokens are byte-level strings (`ByteLevelAlphabet`).
    ///   - merges: pairs of tokens, highest priority first.
    ///   - endOfWordSuffix: the suffix of a word's last symbol (`</w>` for CLIP).
    /// - Throws: `TokenizerError` `.missingToken` if a byte symbol is not in the vocabulary,
    ///   `.malformedFile` if a merge names a token, or makes one, the vocabulary lacks.
    init(vocabulary: [String: Int32], merges: [(String, String)], endOfWordSuffix: String) throws {
        var byteIDs: [Int32] = []
        var finalByteIDs: [Int32] = []
        for symbol in ByteLevelAlphabet.symbols {
            let token = String(symbol)
            guard let id = vocabulary[token], let finalID = vocabulary[token + endOfWordSuffix] else {
                throw TokenizerError(
                    .missingToken,
                    "the BPE vocabulary lacks the byte symbol \(token.debugDescription) or \((token + endOfWordSuffix).debugDescription); is it a byte-level vocabulary?")
            }
            byteIDs.append(id)
            finalByteIDs.append(finalID)
        }
        var table: [UInt64: Merge] = [:]
        table.reserveCapacity(merges.count)
        for (rank, (first, second)) in merges.enumerated() {
            guard let a = vocabulary[first], let b = vocabulary[second], let merged = vocabulary[first + second] else {
                throw TokenizerError(
                    .malformedFile,
                    "merge \(rank + 1) (\(first) \(second)) uses or makes a token that is not in the vocabulary; the vocabulary and merges files do not belong together")
            }
            let key = Self.key(a, b)
            if table[key] == nil { table[key] = Merge(rank: Int32(rank), result: merged) }
        }
        self.byteIDs = byteIDs
        self.finalByteIDs = finalByteIDs
        self.merges = table
    }

    /// Appends the BPE symbol ids of one word (a pre-token, not yet byte-mapped).
    func append(word: String, to ids: inout [Int32]) {
        let key = UTF8Key(word)
        if let cached = cache.withLock({ $0[key] }) {
            ids.append(contentsOf: cached)
            return
        }
        let symbols = encode(word.utf8)
        ids.append(contentsOf: symbols)
        cache.withLock { cache in
            if cache.count >= Self.cacheCapacity { cache.removeAll(keepingCapacity: true) }
            cache[key] = symbols
        }
    }

    /// The BPE of one word's bytes.
    private func encode(_ bytes: String.UTF8View) -> [Int32] {
        var symbols = bytes.map { byteIDs[Int($0)] }
        guard let last = bytes.last else { return [] }
        symbols[symbols.count - 1] = finalByteIDs[Int(last)]

        while symbols.count > 1 {
            // The leftmost adjacent pair with the lowest rank.
            var best = Merge(rank: .max, result: 0)
            var bestIndex = -1
            for index in 0..<symbols.count - 1 {
                if let merge = merges[Self.key(symbols[index], symbols[index + 1])], merge.rank < best.rank {
                    best = merge
                    bestIndex = index
                }
            }
            guard bestIndex >= 0 else { break }
            // Merge every occurrence of that pair, left to right, in place.
            let first = symbols[bestIndex]
            let second = symbols[bestIndex + 1]
            var read = bestIndex
            var write = bestIndex
            while read < symbols.count {
                if read + 1 < symbols.count, symbols[read] == first, symbols[read + 1] == second {
                    symbols[write] = best.result
                    read += 2
                } else {
                    symbols[write] = symbols[read]
                    read += 1
                }
                write += 1
            }
            symbols.removeSubrange(write...)
        }
        return symbols
    }

    private static func key(_ first: Int32, _ second: Int32) -> UInt64 {
        UInt64(UInt32(bitPattern: first)) << 32 | UInt64(UInt32(bitPattern: second))
    }
}
