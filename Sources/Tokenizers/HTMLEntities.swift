/// HTML character references, decoded the way open_clip's clean-up decodes them.
///
/// - `unescape` is Python's `html.unescape`: numeric references (with the HTML5 replacements for
///   invalid code points), named references with or without `;`, and the longest-prefix rule for
///   legacy names (`&ampx` → `&x`).
/// - `unescapeStrict` is ftfy's `unescape_html`: only `&name;` and `&#…;` with the semicolon, plus
///   upper-cased names (`&EACUTE;` → `É`).
///
/// Named references are limited to the HTML 4 set (see `HTMLEntities+Table.swift`); other HTML5
/// names, such as `&NotNestedGreaterGreater;`, are left as text.
enum HTMLEntities {
    /// Name (with its `;` where it has one) → character.
    static let named: [String: Unicode.Scalar] = {
        var table: [String: Unicode.Scalar] = [:]
        let fields = tableSource.split(whereSeparator: { $0 == " " || $0 == "\n" })
        for pair in stride(from: 0, to: fields.count - 1, by: 2) {
            if let value = UInt32(fields[pair + 1], radix: 16), let scalar = Unicode.Scalar(value) {
                table[String(fields[pair])] = scalar
            }
        }
        return table
    }()

    /// ftfy's table: `&name;` → text, including the upper-cased spelling of lower-case names
    /// when that spelling is not itself a reference.
    static let strictNamed: [String: String] = {
        var table: [String: String] = [:]
        for (name, scalar) in named where name.hasSuffix(";") {
            table["&" + name] = String(scalar)
            let upper = name.uppercased()
            if name == name.lowercased(), named[upper] == nil {
                let reference = Array(("&" + upper).unicodeScalars)
                if unescape(reference) == reference { table["&" + upper] = String(scalar).uppercased() }
            }
        }
        return table
    }()

    private static let longestName = 32

    /// Python's `html.unescape`.
    static func unescape(_ text: [Unicode.Scalar]) -> [Unicode.Scalar] {
        replacingReferences(in: text) { start in
            numericReference(in: text, at: start) ?? namedReference(in: text, at: start)
        }
    }

    /// ftfy's `unescape_html`: `&#?[0-9A-Za-z]{1,24};` references only.
    static func unescapeStrict(_ text: [Unicode.Scalar]) -> [Unicode.Scalar] {
        replacingReferences(in: text) { start in
            guard let end = strictReferenceEnd(in: text, at: start) else { return nil }
            let reference = Array(text[start..<end])
            if let value = strictNamed[reference.string] { return (Array(value.unicodeScalars), end) }
            if reference[1] == "#", case let decoded = unescape(reference), !decoded.contains(";") {
                return (decoded, end)
            }
            return (reference, end)
        }
    }

    /// `text` with each reference that `match` recognizes at an `&` replaced: `match` gives the
    /// replacement and the index just past the reference.
    private static func replacingReferences(
        in text: [Unicode.Scalar], _ match: (Int) -> ([Unicode.Scalar], Int)?
    ) -> [Unicode.Scalar] {
        guard text.contains("&") else { return text }
        var output: [Unicode.Scalar] = []
        output.reserveCapacity(text.count)
        var index = 0
        while index < text.count {
            if text[index] == "&", let (replacement, end) = match(index) {
                output.append(contentsOf: replacement)
                index = end
            } else {
                output.append(text[index])
                index += 1
            }
        }
        return output
    }

    /// The end of an `&#?[0-9A-Za-z]{1,24};` match at `start`, just past the `;`.
    private static func strictReferenceEnd(in text: [Unicode.Scalar], at start: Int) -> Int? {
        var index = start + 1
        if index < text.count, text[index] == "#" { index += 1 }
        let nameStart = index
        while index < text.count, text[index].isASCII, text[index].properties.isAlphabetic || text[index].isNumber {
            index += 1
        }
        let length = index - nameStart
        guard length >= 1, length <= 24, index < text.count, text[index] == ";" else { return nil }
        return index + 1
    }

    /// `&#123;`, `&#x7B;` (the `;` optional), decoded as Python does, and the index past it.
    private static func numericReference(in text: [Unicode.Scalar], at start: Int) -> ([Unicode.Scalar], Int)? {
        var index = start + 1
        guard index < text.count, text[index] == "#" else { return nil }
        index += 1
        var radix: UInt32 = 10
        if index + 1 < text.count, text[index] == "x" || text[index] == "X", text[index + 1].hexDigitValue != nil {
            radix = 16
            index += 1
        }
        var value: UInt32 = 0
        let digitsStart = index
        while index < text.count, let digit = text[index].hexDigitValue, digit < radix {
            value = min(value * radix + digit, 0x110000)  // past U+10FFFF it is U+FFFD anyway
            index += 1
        }
        guard index > digitsStart else { return nil }
        if index < text.count, text[index] == ";" { index += 1 }
        return (decodeCodePoint(value), index)
    }

    /// Python's rules for a numeric reference's code point.
    private static func decodeCodePoint(_ value: UInt32) -> [Unicode.Scalar] {
        switch value {
        case 0x00: return ["\u{FFFD}"]
        case 0x0D: return ["\r"]
        case 0x80...0x9F: return [Windows1252.c1Characters[Int(value - 0x80)]]
        case 0xD800...0xDFFF, 0x110000...: return ["\u{FFFD}"]
        case 0x01...0x08, 0x0B, 0x0E...0x1F, 0x7F, 0xFDD0...0xFDEF: return []
        case _ where value & 0xFFFE == 0xFFFE: return []  // U+FFFE, U+FFFF, U+1FFFE, …
        default: return Unicode.Scalar(value).map { [$0] } ?? ["\u{FFFD}"]
        }
    }

    /// `&name;` or a legacy `&name` (longest known prefix wins), and the index past what was used.
    private static func namedReference(in text: [Unicode.Scalar], at start: Int) -> ([Unicode.Scalar], Int)? {
        var end = start + 1
        while end < text.count, end - start - 1 < longestName, !isNameTerminator(text[end]) { end += 1 }
        guard end > start + 1 else { return nil }
        var name = Array(text[start + 1..<end])
        if end < text.count, text[end] == ";" {
            name.append(";")
            end += 1
        }
        if let scalar = named[name.string] { return ([scalar], end) }
        // Python: the longest prefix (at least 2 characters, shorter than the whole) that is a
        // legacy name; the rest stays text.
        var length = name.count - 1
        while length >= 2 {
            if let scalar = named[Array(name[..<length]).string] {
                return ([scalar] + name[length...], end)
            }
            length -= 1
        }
        return (["&"] + name, end)
    }

    private static func isNameTerminator(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "\t", "\n", "\u{0C}", " ", "<", "&", "#", ";": return true
        default: return false
        }
    }
}

extension Unicode.Scalar {
    /// The value of an ASCII hexadecimal digit.
    var hexDigitValue: UInt32? {
        switch value {
        case 0x30...0x39: return value - 0x30
        case 0x41...0x46: return value - 0x37
        case 0x61...0x66: return value - 0x57
        default: return nil
        }
    }
}
