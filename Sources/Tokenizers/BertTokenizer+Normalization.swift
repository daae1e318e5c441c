// BERT's normalizer and pre-tokenizer: cleaning, CJK spacing, accent stripping, lowercasing, and
// the split into words on whitespace and punctuation.

extension BertTokenizer {
    /// The text after cleaning, CJK spacing, accent stripping and lowercasing, in that order
    /// (the order of HF's `BertNormalizer`).
    func normalize(_ text: ArraySlice<Unicode.Scalar>) -> [Unicode.Scalar] {
        var scalars: [Unicode.Scalar] = []
        scalars.reserveCapacity(text.count)
        for scalar in text {
            if options.cleanText {
                if scalar.value == 0 || scalar.value == 0xFFFD || scalar.isBertControl { continue }
                if scalar.isWhiteSpace {
                    scalars.append(" ")
                    continue
                }
            }
            if options.handleChineseCharacters, scalar.isCJKIdeograph {
                scalars.append(" ")
                scalars.append(scalar)
                scalars.append(" ")
            } else {
                scalars.append(scalar)
            }
        }
        if scalars.isASCII {
            if options.lowercase {
                for index in scalars.indices where scalars[index].value >= 0x41 && scalars[index].value <= 0x5A {
                    scalars[index] = Unicode.Scalar(UInt8(scalars[index].value) | 0x20)
                }
            }
            return scalars
        }
        if stripsAccents {
            scalars = UnicodeNormalization.nfd(scalars).filter { !$0.isBertNonspacingMark }
        }
        if options.lowercase {
            var lowered: [Unicode.Scalar] = []
            lowered.reserveCapacity(scalars.count)
            for scalar in scalars { scalar.appendLowercase(to: &lowered) }
            scalars = lowered
        }
        return scalars
    }

    /// Calls `body` with each word of normalized text: runs between whitespace, with every
    /// punctuation character a word of its own. Stops when `body` returns false.
    func forEachWord(in scalars: [Unicode.Scalar], _ body: (ArraySlice<Unicode.Scalar>) -> Bool) {
        var start = 0
        for index in scalars.indices {
            let scalar = scalars[index]
            let isSpace = scalar.isWhiteSpace
            guard isSpace || scalar.isBertPunctuation else { continue }
            if start < index, !body(scalars[start..<index]) { return }
            if !isSpace, !body(scalars[index...index]) { return }
            start = index + 1
        }
        if start < scalars.count { _ = body(scalars[start...]) }
    }
}

// Hugging Face `tokenizers` tests general categories with the tables of the `unicode_categories`
// crate, which are Unicode 8.0: a character added later is neither a control, a mark nor
// punctuation there, so it is kept, not stripped, and not split off. The tests below do the same
// through `unicode8Category`. (Whitespace, NFD and lowercasing use current tables in HF too.)
extension Unicode.Scalar {
    /// A character BERT's cleaning removes: Cc, Cf or Co, except `\t`, `\n` and `\r` (which are
    /// whitespace).
    var isBertControl: Bool {
        if isASCII { return (value < 0x20 && value != 0x09 && value != 0x0A && value != 0x0D) || value == 0x7F }
        switch unicode8Category {
        case .control, .format, .privateUse: return true
        default: return false
        }
    }

    /// A character accent stripping drops: Mn.
    var isBertNonspacingMark: Bool {
        !isASCII && unicode8Category == .nonspacingMark
    }

    /// Punctuation as BERT splits on it: every ASCII character that is neither a letter, a digit,
    /// a space nor a control, and every Unicode P* character.
    var isBertPunctuation: Bool {
        if isASCII {
            return (value >= 0x21 && value <= 0x2F) || (value >= 0x3A && value <= 0x40)
                || (value >= 0x5B && value <= 0x60) || (value >= 0x7B && value <= 0x7E)
        }
        switch unicode8Category {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
            .initialPunctuation, .finalPunctuation, .otherPunctuation:
            return true
        default: return false
        }
    }

    /// The general category in Unicode 8.0; `nil` for a character assigned later.
    private var unicode8Category: Unicode.GeneralCategory? {
        guard let age = properties.age, age.major < 8 || (age.major == 8 && age.minor == 0) else { return nil }
        return Self.changedSinceUnicode8[value] ?? properties.generalCategory
    }

    /// The characters whose category has changed since Unicode 8.0 in a way that matters here,
    /// with their Unicode 8.0 category (found by tokenizing every code point with HF).
    private static let changedSinceUnicode8: [UInt32: Unicode.GeneralCategory] = [
        0x166D: .otherPunctuation, 0x1734: .nonspacingMark, 0x1885: .otherLetter, 0x1886: .otherLetter,
        0xA9BD: .spacingMark, 0x111C9: .otherPunctuation, 0x1171E: .nonspacingMark,
    ]

    /// A CJK ideograph, by the code-point blocks BERT uses (not Hiragana, Katakana or Hangul).
    var isCJKIdeograph: Bool {
        switch value {
        case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0x20000...0x2A6DF, 0x2A700...0x2B73F, 0x2B740...0x2B81F,
            0x2B920...0x2CEAF, 0xF900...0xFAFF, 0x2F800...0x2FA1F:
            return true
        default:
            return false
        }
    }
}
