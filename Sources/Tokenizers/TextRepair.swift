import Foundation

/// A subset of ftfy 6.3's `fix_text` (with its default settings), the first step of open_clip's
/// clean-up. It runs ftfy's fixes in ftfy's order, on each line separately, until the line stops
/// changing:
///
/// 1. HTML references with a `;` (ftfy's `unescape_html`), skipped from the first line that
///    contains `<` on, as ftfy does.
/// 2. Mojibake (UTF-8 read as Latin-1 or Windows-1252), **subset**. A run of characters whose
///    Latin-1/Windows-1252 bytes are the UTF-8 of one character is replaced by that character when
///    it is convincing: a 2-byte sequence led by `Â` `Ã` (`cafÃ©` → `café`), `Ä` `Å` (`Å‚` → `ł`),
///    `Î` `Ï` (Greek), `Ð` `Ñ` (Cyrillic), `×` (Hebrew), `Ø` `Ù` (Arabic), or by any lead when a C1
///    control follows it; a 3-byte sequence `â€…` or `â‚…` (`â€™` → `’`, `â‚¬` → `€`) or one next to another 3-byte
///    sequence (`æ—¥æœ¬` → `日本`); any 4-byte sequence (`ðŸ˜€` → `😀`). Once a line has one, the
///    whole line is re-read as UTF-8 if it can be, as ftfy does; and this repeats until nothing
///    changes (doubly encoded text). ftfy decides instead with a "badness" heuristic over the
///    line, and also knows other code pages (MacRoman, CP437, Windows-1250/1251/…), spaces that
///    stood for a no-break space (`voilÃ le`) and CESU-8; none of that is done here. It leaves a
///    lone `â„¢` alone, for instance, where this subset does too, but it repairs some isolated
///    sequences this subset does not trust (`Ä°stanbul` → `İstanbul`).
/// 3. C1 controls read as Windows-1252 (`\u{85}` → `…`).
/// 4. Latin ligatures taken apart (`ﬁ` → `fi`, `Ĳ` → `IJ`).
/// 5. Fullwidth and halfwidth forms to their usual width (NFKC of U+FF01–U+FFEF; U+3000 → space).
/// 6. Curly quotes straightened (`‘’‚‛ʼ` → `'`, `“”„‟` → `"`).
/// 7. Line breaks (`\r\n`, `\r`, U+2028, U+2029) → `\n`.
/// 8. ANSI terminal escapes (`ESC[…m`) removed.
/// 9. Control characters removed: U+0000–U+0008, U+000B, U+000E–U+001F, U+007F, U+206A–U+206F,
///    U+FEFF, U+FFF9–U+FFFC.
/// 10. NFC.
enum TextRepair {
    /// The text with ftfy's fixes (this subset of them) applied.
    static func fix(_ text: [Unicode.Scalar]) -> [Unicode.Scalar] {
        var output: [Unicode.Scalar] = []
        output.reserveCapacity(text.count)
        var unescapesHTML = true
        var lineStart = 0
        while lineStart < text.count {
            let lineEnd = text[lineStart...].firstIndex(of: "\n").map { $0 + 1 } ?? text.count
            let line = Array(text[lineStart..<lineEnd])
            if unescapesHTML, line.contains("<") { unescapesHTML = false }
            output.append(contentsOf: fixLine(line, unescapesHTML: unescapesHTML))
            lineStart = lineEnd
        }
        return output
    }

    /// ftfy's fixes on one line, repeated until nothing changes (at most 16 rounds, in case two
    /// fixes ever undo each other).
    static func fixLine(_ line: [Unicode.Scalar], unescapesHTML: Bool) -> [Unicode.Scalar] {
        var text = line
        for _ in 0..<16 {
            let before = text
            if unescapesHTML { text = HTMLEntities.unescapeStrict(text) }
            // Like ftfy's `fix_encoding`, repeated until done before any other fix, so that the
            // quotes of doubly encoded text (`Ã¢â‚¬â€œ`) are still bytes when they are decoded.
            for _ in 0..<8 {
                let fixed = fixMojibake(text)
                if fixed == text { break }
                text = fixed
            }
            text = mapCharacters(text)
            text = fixLineBreaksAndControls(text)
            text = UnicodeNormalization.nfc(text)
            if text == before { break }
        }
        return text
    }

    // MARK: Mojibake

    /// Replaces UTF-8 sequences that were decoded one byte per character (see step 2 above).
    static func fixMojibake(_ text: [Unicode.Scalar]) -> [Unicode.Scalar] {
        guard text.contains(where: { $0.value >= 0xC2 && $0.value <= 0xF4 }) else { return text }
        var output: [Unicode.Scalar] = []
        output.reserveCapacity(text.count)
        var index = 0
        var afterThreeBytes = false
        while index < text.count {
            if let sequence = utf8Sequence(in: text, at: index),
                isConvincing(sequence, in: text, at: index, afterThreeBytes: afterThreeBytes)
            {
                output.append(sequence.scalar)
                index += sequence.length
                afterThreeBytes = sequence.length == 3
            } else {
                output.append(text[index])
                index += 1
                afterThreeBytes = false
            }
        }
        if output.count < text.count, let whole = decodedAsUTF8(text) { return whole }
        return output
    }

    /// A character spelled as the Latin-1/Windows-1252 characters of its UTF-8 bytes.
    private struct EncodedCharacter {
        var scalar: Unicode.Scalar
        var length: Int
        var secondByte: UInt8
    }

    /// The valid UTF-8 sequence (2 to 4 characters) that starts at `start`, if any.
    private static func utf8Sequence(in text: [Unicode.Scalar], at start: Int) -> EncodedCharacter? {
        guard start < text.count else { return nil }
        let lead = text[start].value
        let length: Int
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0...0xEF: length = 3
        case 0xF0...0xF4: length = 4
        default: return nil
        }
        guard start + length <= text.count else { return nil }
        var bytes: [UInt8] = [UInt8(lead)]
        for scalar in text[start + 1..<start + length] {
            guard let byte = Windows1252.byte(for: scalar), byte >= 0x80, byte <= 0xBF else { return nil }
            bytes.append(byte)
        }
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        guard case .scalarValue(let scalar) = decoder.decode(&iterator), iterator.next() == nil else { return nil }
        return EncodedCharacter(scalar: scalar, length: length, secondByte: bytes[1])
    }

    /// Whether a sequence is mojibake beyond reasonable doubt (the rules of step 2): legitimate
    /// text has such sequences too (`café\u{A0}»` is `é` `NBSP` `»`, a valid 3-byte sequence).
    private static func isConvincing(
        _ sequence: EncodedCharacter, in text: [Unicode.Scalar], at start: Int, afterThreeBytes: Bool
    ) -> Bool {
        let lead = text[start].value
        switch sequence.length {
        case 2:
            switch lead {
            case 0xC2...0xC5, 0xCE, 0xCF, 0xD0, 0xD1, 0xD7...0xD9: return true
            default: return (0x80...0x9F).contains(text[start + 1].value)  // a C1 control is never meant
            }
        case 3:
            return (lead == 0xE2 && (sequence.secondByte == 0x80 || sequence.secondByte == 0x82)) || afterThreeBytes
                || utf8Sequence(in: text, at: start + 3)?.length == 3
        default:
            return true
        }
    }

    /// The line re-read as UTF-8, when every character of it has a Latin-1/Windows-1252 byte and
    /// those bytes are valid UTF-8: ftfy's main repair, used here once a sequence has shown the
    /// line is mojibake (so that `Å\u{81}Ã³dÅº` becomes `Łódź`, not only `Łódźº`).
    private static func decodedAsUTF8(_ text: [Unicode.Scalar]) -> [Unicode.Scalar]? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.count)
        for scalar in text {
            guard let byte = Windows1252.byte(for: scalar) else { return nil }
            bytes.append(byte)
        }
        var scalars: [Unicode.Scalar] = []
        scalars.reserveCapacity(bytes.count)
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar): scalars.append(scalar)
            case .emptyInput: return scalars
            case .error: return nil
            }
        }
    }

    // MARK: Character maps

    /// C1 controls, ligatures, character width and curly quotes, in ftfy's order, one character
    /// at a time (each map's output goes through the maps after it).
    static func mapCharacters(_ text: [Unicode.Scalar]) -> [Unicode.Scalar] {
        guard text.contains(where: { !$0.isASCII }) else { return text }
        var output: [Unicode.Scalar] = []
        output.reserveCapacity(text.count)
        for scalar in text {
            var scalar = scalar
            if scalar.value >= 0x80, scalar.value <= 0x9F {
                scalar = Windows1252.c1Characters[Int(scalar.value - 0x80)]
            }
            let pieces: [Unicode.Scalar] = ligatures[scalar] ?? [scalar]
            for piece in pieces {
                for wide in widthMap[piece] ?? [piece] {
                    output.append(straightQuote(wide))
                }
            }
        }
        return output
    }

    private static func straightQuote(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        switch scalar.value {
        case 0x02BC, 0x2018...0x201B: return "'"
        case 0x201C...0x201F: return "\""
        default: return scalar
        }
    }

    /// ftfy's Latin ligatures and digraphs.
    private static let ligatures: [Unicode.Scalar: [Unicode.Scalar]] = {
        let pairs: [(Unicode.Scalar, String)] = [
            ("\u{132}", "IJ"), ("\u{133}", "ij"), ("\u{149}", "\u{2BC}n"), ("\u{1F1}", "DZ"), ("\u{1F2}", "Dz"),
            ("\u{1F3}", "dz"), ("\u{1C4}", "D\u{17D}"), ("\u{1C5}", "D\u{17E}"), ("\u{1C6}", "d\u{17E}"),
            ("\u{1C7}", "LJ"), ("\u{1C8}", "Lj"), ("\u{1C9}", "lj"), ("\u{1CA}", "NJ"), ("\u{1CB}", "Nj"),
            ("\u{1CC}", "nj"), ("\u{FB00}", "ff"), ("\u{FB01}", "fi"), ("\u{FB02}", "fl"), ("\u{FB03}", "ffi"),
            ("\u{FB04}", "ffl"), ("\u{FB05}", "\u{17F}t"), ("\u{FB06}", "st"),
        ]
        return Dictionary(uniqueKeysWithValues: pairs.map { ($0.0, Array($0.1.unicodeScalars)) })
    }()

    /// Halfwidth and fullwidth forms → NFKC, and the ideographic space → space.
    private static let widthMap: [Unicode.Scalar: [Unicode.Scalar]] = {
        var map: [Unicode.Scalar: [Unicode.Scalar]] = ["\u{3000}": [" "]]
        for value in UInt32(0xFF01)...0xFFEF {
            guard let scalar = Unicode.Scalar(value) else { continue }
            let normalized = Array(UnicodeNormalization.nfkc(String(scalar)).unicodeScalars)
            if normalized != [scalar] { map[scalar] = normalized }
        }
        return map
    }()

    // MARK: Line breaks, terminal escapes, control characters

    /// Line breaks to `\n`, then ANSI escapes and unwanted control characters removed.
    static func fixLineBreaksAndControls(_ text: [Unicode.Scalar]) -> [Unicode.Scalar] {
        guard text.contains(where: needsLineOrControlFix) else { return text }
        var lines: [Unicode.Scalar] = []
        lines.reserveCapacity(text.count)
        var index = 0
        while index < text.count {
            switch text[index] {
            case "\r":
                lines.append("\n")
                if index + 1 < text.count, text[index + 1] == "\n" { index += 1 }
            case "\u{2028}", "\u{2029}", "\u{85}":
                lines.append("\n")
            default:
                lines.append(text[index])
            }
            index += 1
        }
        var output: [Unicode.Scalar] = []
        output.reserveCapacity(lines.count)
        index = 0
        while index < lines.count {
            if let end = terminalEscapeEnd(in: lines, at: index) {
                index = end
                continue
            }
            if !isRemovedControl(lines[index]) { output.append(lines[index]) }
            index += 1
        }
        return output
    }

    private static func needsLineOrControlFix(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x0D, 0x2028, 0x2029, 0x85: return true
        default: return isRemovedControl(scalar)
        }
    }

    /// `ESC [ (digits or ;)* letter`: the end index of one at `start`.
    private static func terminalEscapeEnd(in text: [Unicode.Scalar], at start: Int) -> Int? {
        guard text[start] == "\u{1B}", start + 1 < text.count, text[start + 1] == "[" else { return nil }
        var index = start + 2
        while index < text.count, text[index] == ";" || (text[index].value >= 0x30 && text[index].value <= 0x39) {
            index += 1
        }
        guard index < text.count, text[index].isASCII, text[index].properties.isAlphabetic else { return nil }
        return index + 1
    }

    private static func isRemovedControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x08, 0x0B, 0x0E...0x1F, 0x7F, 0x206A...0x206F, 0xFEFF, 0xFFF9...0xFFFC: return true
        default: return false
        }
    }
}
