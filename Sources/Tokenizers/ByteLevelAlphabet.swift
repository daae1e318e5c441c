/// GPT-2's `bytes_to_unicode`: a printable character for each of the 256 byte values, so that a
/// byte-level vocabulary can be stored as text. The printable Latin-1 bytes (`!`…`~`, `¡`…`¬`,
/// `®`…`ÿ`) stand for themselves; the other 68 bytes take U+0100, U+0101, … in byte order.
enum ByteLevelAlphabet {
    /// The character of each byte value, indexed by the byte.
    static let symbols: [Character] = {
        func printable(_ byte: Int) -> Bool {
            (0x21...0x7E).contains(byte) || (0xA1...0xAC).contains(byte) || (0xAE...0xFF).contains(byte)
        }
        var next: UInt32 = 0x100
        return (0..<256).map { byte in
            if printable(byte) { return Character(Unicode.Scalar(UInt8(byte))) }
            defer { next += 1 }
            return Character(Unicode.Scalar(next)!)  // U+0100…U+0143: always valid scalars
        }
    }()
}
