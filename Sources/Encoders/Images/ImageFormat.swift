/// An image file format, recognised by the magic bytes at the start of the file (never by the
/// file's name).
public enum ImageFormat: String, Sendable, CaseIterable {
    /// JPEG (JFIF, Exif, Adobe): starts `FF D8 FF`.
    case jpeg
    /// PNG: starts with the 8-byte signature `89 50 4E 47 0D 0A 1A 0A`.
    case png
    /// WebP: a RIFF container, `RIFF` + size + `WEBP`.
    case webp

    /// The format of `bytes`, or nil when they are not a JPEG, PNG or WebP.
    public static func sniff(_ bytes: UnsafeRawBufferPointer) -> ImageFormat? {
        if starts(bytes, with: [0xFF, 0xD8, 0xFF]) { return .jpeg }
        if starts(bytes, with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        if starts(bytes, with: Array("RIFF".utf8)), bytes.count >= 12, Array(bytes[8..<12]) == Array("WEBP".utf8) {
            return .webp
        }
        return nil
    }

    /// The name of another, unsupported image format whose magic bytes `bytes` start with (GIF,
    /// BMP, TIFF, HEIF/AVIF, JPEG 2000, …), for error messages; nil when none matches.
    static func otherFormatName(_ bytes: UnsafeRawBufferPointer) -> String? {
        let signatures: [(String, [UInt8])] = [
            ("GIF", Array("GIF8".utf8)), ("BMP", Array("BM".utf8)), ("TIFF", [0x49, 0x49, 0x2A, 0x00]),
            ("TIFF", [0x4D, 0x4D, 0x00, 0x2A]), ("JPEG 2000", [0x00, 0x00, 0x00, 0x0C, 0x6A, 0x50, 0x20, 0x20]),
            ("ICO", [0x00, 0x00, 0x01, 0x00]), ("PSD", Array("8BPS".utf8)), ("QOI", Array("qoif".utf8)),
            ("JPEG XL", [0xFF, 0x0A]), ("PDF", Array("%PDF".utf8)),
        ]
        if let match = signatures.first(where: { starts(bytes, with: $0.1) }) { return match.0 }
        if bytes.count >= 12, Array(bytes[4..<8]) == Array("ftyp".utf8) {
            return "ISO media (\(String(decoding: bytes[8..<12], as: UTF8.self)): HEIF, AVIF or video)"
        }
        return nil
    }

    private static func starts(_ bytes: UnsafeRawBufferPointer, with prefix: [UInt8]) -> Bool {
        bytes.count >= prefix.count && zip(bytes, prefix).allSatisfy { $0 == $1 }
    }
}
