/// The C1 range of Windows-1252 as browsers, Python's `html` module and ftfy's "sloppy" codec
/// read it: bytes 0x80–0x9F are typographic characters (`€`, `‘`, `…`), except the five bytes
/// Windows-1252 leaves undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D), which stay C1 controls.
enum Windows1252 {
    /// The character of byte `0x80 + i`.
    static let c1Characters: [Unicode.Scalar] = [
        "\u{20AC}", "\u{81}", "\u{201A}", "\u{192}", "\u{201E}", "\u{2026}", "\u{2020}", "\u{2021}",
        "\u{2C6}", "\u{2030}", "\u{160}", "\u{2039}", "\u{152}", "\u{8D}", "\u{17D}", "\u{8F}",
        "\u{90}", "\u{2018}", "\u{2019}", "\u{201C}", "\u{201D}", "\u{2022}", "\u{2013}", "\u{2014}",
        "\u{2DC}", "\u{2122}", "\u{161}", "\u{203A}", "\u{153}", "\u{9D}", "\u{17E}", "\u{178}",
    ]

    /// The byte a character came from if text was decoded as Latin-1 or as sloppy Windows-1252:
    /// U+0000–U+00FF are their own byte, and the typographic characters of 0x80–0x9F theirs.
    static func byte(for scalar: Unicode.Scalar) -> UInt8? {
        if scalar.value < 0x100 { return UInt8(scalar.value) }
        return reverse[scalar]
    }

    private static let reverse: [Unicode.Scalar: UInt8] = {
        var table: [Unicode.Scalar: UInt8] = [:]
        for (offset, scalar) in c1Characters.enumerated() where scalar.value >= 0x100 {
            table[scalar] = UInt8(0x80 + offset)
        }
        return table
    }()
}
