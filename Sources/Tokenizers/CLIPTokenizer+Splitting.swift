// open_clip's pre-tokenizer: the regular expression
// `<start_of_text>|<end_of_text>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+`
// (case-insensitive), run as `findall` runs it: at each position the first alternative that
// matches wins, and positions where none matches (whitespace) are skipped.

extension CLIPTokenizer {
    /// One match of the pattern.
    enum Piece {
        case word(String)
        case startMarker
        case endMarker
    }

    private static let startMarker = Array("<start_of_text>".unicodeScalars)
    private static let endMarker = Array("<end_of_text>".unicodeScalars)
    private static let contractions: [[Unicode.Scalar]] = ["s", "t", "re", "ve", "m", "ll", "d"].map {
        Array($0.unicodeScalars)
    }

    /// Calls `body` with each match in cleaned, lowercased text.
    func forEachPiece(of scalars: [Unicode.Scalar], _ body: (Piece) -> Void) {
        var index = 0
        func emit(_ end: Int) {
            body(.word(Array(scalars[index..<end]).string))
            index = end
        }
        while index < scalars.count {
            let scalar = scalars[index]
            if scalar == "<" {
                if Self.matches(Self.startMarker, in: scalars, at: index) {
                    body(.startMarker)
                    index += Self.startMarker.count
                    continue
                }
                if Self.matches(Self.endMarker, in: scalars, at: index) {
                    body(.endMarker)
                    index += Self.endMarker.count
                    continue
                }
            }
            if scalar == "'", let length = Self.contractionLength(in: scalars, at: index) {
                emit(index + length)
            } else if scalar.isLetter {
                var end = index + 1
                while end < scalars.count, scalars[end].isLetter { end += 1 }
                emit(end)
            } else if scalar.isNumber {
                emit(index + 1)
            } else if !scalar.matchesNoAlternative {
                var end = index + 1
                while end < scalars.count, !scalars[end].matchesNoAlternative, !scalars[end].isLetter, !scalars[end].isNumber {
                    end += 1
                }
                emit(end)
            } else {
                index += 1
            }
        }
    }

    private static func matches(_ literal: [Unicode.Scalar], in scalars: [Unicode.Scalar], at index: Int) -> Bool {
        index + literal.count <= scalars.count && scalars[index..<index + literal.count].elementsEqual(literal)
    }

    /// The length of `'s`, `'t`, `'re`, `'ve`, `'m`, `'ll` or `'d` at `index` (tried in that
    /// order), counting the long s `ſ` as `s` as the case-insensitive pattern does.
    private static func contractionLength(in scalars: [Unicode.Scalar], at index: Int) -> Int? {
        for suffix in contractions where index + suffix.count < scalars.count {
            let candidate = scalars[index + 1...index + suffix.count]
            if candidate.elementsEqual(suffix, by: { $0 == $1 || ($0 == "\u{17F}" && $1 == "s") }) {
                return suffix.count + 1
            }
        }
        return nil
    }
}

extension Unicode.Scalar {
    /// A character no alternative of the pattern matches, so that `findall` skips it: whitespace,
    /// and U+0345 COMBINING GREEK YPOGEGRAMMENI, which the `regex` module's case-insensitive
    /// matching keeps out of `[^\s\p{L}\p{N}]` (its case folding is the letter `ι`) without
    /// letting it into `\p{L}`.
    fileprivate var matchesNoAlternative: Bool { isWhiteSpace || value == 0x345 }
}
