/// A string compared and hashed by its UTF-8 bytes.
///
/// Swift's `String` equality is canonical equivalence: `"e\u{301}" == "é"`, and two orders of the
/// same combining marks are equal. Tokenizers must not merge those: Hugging Face and open_clip look
/// tokens up byte for byte, and different bytes have different byte-pair encodings. Vocabulary and
/// cache keys are therefore `UTF8Key`s.
struct UTF8Key: Hashable, Sendable {
    let string: String

    init(_ string: String) { self.string = string }

    static func == (lhs: UTF8Key, rhs: UTF8Key) -> Bool {
        lhs.string.utf8.elementsEqual(rhs.string.utf8)
    }

    func hash(into hasher: inout Hasher) {
        var copy = string
        copy.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
    }
}
