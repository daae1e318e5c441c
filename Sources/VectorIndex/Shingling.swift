import CVectorKernels
import Foundation

/// How a text becomes a set of tokens for MinHash: its word n-grams or its character n-grams
/// ("shingles", Broder 1997), each hashed to 64 bits with XXH64.
///
/// Text is first normalised (`normalize(_:)`): Unicode NFKC, then lowercase, then every run of
/// Unicode white space becomes one space and the ends are trimmed. So "Ｃafé", "CAFE\u{301}" and
/// "  café " give the same shingles.
///
/// - Characters are Unicode scalars of the normalised text (NFKC composes a base letter and its
///   combining mark when a composed form exists; other marks, emoji modifiers and joiners remain
///   their own scalars). A character n-gram is `n` consecutive scalars, spaces included; use
///   these for short texts and for scripts written without spaces (Chinese, Japanese).
/// - Words are the runs between spaces of the normalised text (punctuation stays attached). A
///   word n-gram is `n` consecutive words joined by one space.
/// - A non-empty text shorter than one n-gram is a single shingle (the whole text); the empty
///   text (or one of white space only) is the empty set.
///
/// A shingle's token is XXH64 (seed 0) of its UTF-8 bytes, so the same text gives the same
/// tokens on every machine and in every version of this format.
public struct Shingling: Sendable, Hashable, CustomStringConvertible {
    /// What a shingle is made of.
    public enum Unit: UInt8, Sendable, Hashable {
        /// Words (runs between spaces).
        case words = 1
        /// Unicode scalars.
        case characters = 2
    }

    /// What a shingle is made of.
    public let unit: Unit
    /// Units per shingle.
    public let size: Int

    /// Shingles of `size` units.
    /// - Throws: `invalidArgument` unless `size` is in 1...64.
    public init(_ unit: Unit, size: Int) throws {
        guard (1...64).contains(size) else {
            throw VectorIndexError(.invalidArgument, "shingle size must be in 1...64 (got \(size))")
        }
        self.unit = unit
        self.size = size
    }

    /// Word n-grams.
    public static func words(_ size: Int) throws -> Shingling { try Shingling(.words, size: size) }

    /// Character n-grams.
    public static func characters(_ size: Int) throws -> Shingling { try Shingling(.characters, size: size) }

    /// Character 5-grams: a good default for sentences and short documents in any script.
    public static let characterFiveGrams = Shingling(unchecked: .characters, size: 5)

    init(unchecked unit: Unit, size: Int) {
        self.unit = unit
        self.size = size
    }

    public var description: String { "\(unit == .words ? "word" : "character") \(size)-grams" }

    // MARK: Normalisation

    /// NFKC, lowercase, white space collapsed to single spaces and trimmed.
    /// - Complexity: O(|text|); ASCII text skips the Unicode tables.
    public static func normalize(_ text: String) -> String {
        var text = text
        let isASCII = text.withUTF8 { bytes in bytes.allSatisfy { $0 < 0x80 } }
        if isASCII {
            return text.withUTF8 { bytes in
                String(unsafeUninitializedCapacity: bytes.count) { output in
                    var written = 0
                    var pendingSpace = false
                    for byte in bytes {
                        if byte == 0x20 || (0x09...0x0D).contains(byte) {
                            pendingSpace = written > 0
                            continue
                        }
                        if pendingSpace {
                            output[written] = 0x20
                            written += 1
                            pendingSpace = false
                        }
                        output[written] = (0x41...0x5A).contains(byte) ? byte | 0x20 : byte
                        written += 1
                    }
                    return written
                }
            }
        }
        let folded = text.precomposedStringWithCompatibilityMapping.lowercased()
        var scalars = String.UnicodeScalarView()
        var pendingSpace = false
        for scalar in folded.unicodeScalars {
            if scalar.properties.isWhitespace {
                pendingSpace = !scalars.isEmpty
                continue
            }
            if pendingSpace {
                scalars.append(" ")
                pendingSpace = false
            }
            scalars.append(scalar)
        }
        return String(scalars)
    }

    // MARK: Shingles

    /// The tokens of `text`: the XXH64 hashes of its shingles, ascending, each once.
    /// - Complexity: O(|text| · size) for hashing, O(s log s) to sort s shingles.
    public func tokens(of text: String) -> [UInt64] {
        var tokens: [UInt64] = []
        tokens.reserveCapacity(text.utf8.count)
        forEachShingle(of: text) { tokens.append(loupe_xxh64($0.baseAddress, $0.count, 0)) }
        tokens.sortAndRemoveDuplicates()
        return tokens
    }

    /// The shingles of `text` in order of appearance, repeats included (for inspection and tests).
    public func shingles(of text: String) -> [String] {
        var shingles: [String] = []
        forEachShingle(of: text) { shingles.append(String(decoding: $0, as: UTF8.self)) }
        return shingles
    }

    /// Calls `body` with the UTF-8 bytes of each shingle of the normalised text.
    private func forEachShingle(of text: String, _ body: (UnsafeRawBufferPointer) -> Void) {
        var normalized = Self.normalize(text)
        normalized.withUTF8 { bytes in
            guard !bytes.isEmpty else { return }
            let raw = UnsafeRawBufferPointer(bytes)
            if unit == .characters && bytes.allSatisfy({ $0 < 0x80 }) {
                // ASCII: every byte is a character.
                if bytes.count <= size {
                    body(raw)
                } else {
                    for first in 0...(bytes.count - size) { body(UnsafeRawBufferPointer(rebasing: raw[first..<first + size])) }
                }
                return
            }
            // Byte offsets where each unit starts, and one past the end of each unit.
            var starts: [Int] = []
            var ends: [Int] = []
            switch unit {
            case .characters:
                for (offset, byte) in bytes.enumerated() where byte & 0xC0 != 0x80 { starts.append(offset) }
                ends = Array(starts.dropFirst()) + [bytes.count]
            case .words:
                var start = 0
                for (offset, byte) in bytes.enumerated() where byte == 0x20 {
                    starts.append(start)
                    ends.append(offset)
                    start = offset + 1
                }
                starts.append(start)
                ends.append(bytes.count)
            }
            let units = starts.count
            if units <= size {
                body(raw)
                return
            }
            for first in 0...(units - size) {
                body(UnsafeRawBufferPointer(rebasing: raw[starts[first]..<ends[first + size - 1]]))
            }
        }
    }
}
