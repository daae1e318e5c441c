// The character classes the tokenizers split and clean by, with an ASCII fast path each: most
// text is ASCII, and a general-category lookup costs far more than a range check.

extension Unicode.Scalar {
    /// `\p{L}`: Lu, Ll, Lt, Lm or Lo.
    var isLetter: Bool {
        if isASCII { return (value | 0x20) >= 0x61 && (value | 0x20) <= 0x7A }
        switch properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: return true
        default: return false
        }
    }

    /// `\p{N}`: Nd, Nl or No.
    var isNumber: Bool {
        if isASCII { return value >= 0x30 && value <= 0x39 }
        switch properties.generalCategory {
        case .decimalNumber, .letterNumber, .otherNumber: return true
        default: return false
        }
    }

    /// Unicode's White_Space property (what Rust's `char::is_whitespace` and the `regex` module's
    /// `\s` test).
    var isWhiteSpace: Bool {
        if isASCII { return value == 0x20 || (value >= 0x09 && value <= 0x0D) }
        return properties.isWhitespace
    }

    /// Appends the scalar's full lowercase mapping (`İ` becomes `i` + U+0307) with no context: the
    /// Greek capital sigma always becomes `σ`.
    func appendLowercase(to scalars: inout [Unicode.Scalar]) {
        if isASCII {
            scalars.append(value >= 0x41 && value <= 0x5A ? Unicode.Scalar(UInt8(value) | 0x20) : self)
        } else if properties.changesWhenLowercased {
            scalars.append(contentsOf: properties.lowercaseMapping.unicodeScalars)
        } else {
            scalars.append(self)
        }
    }
}

extension Array where Element == Unicode.Scalar {
    /// A string made of these scalars.
    var string: String {
        var result = String()
        result.unicodeScalars.append(contentsOf: self)
        return result
    }

    /// Whether every scalar is ASCII.
    var isASCII: Bool { allSatisfy(\.isASCII) }
}
