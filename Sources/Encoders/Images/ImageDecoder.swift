import Foundation

/// Decodes JPEG, PNG and WebP files into 8-bit RGB, producing the same bytes as Pillow 13 does
/// for the EfficientNet reference (`Image.open(path)`, then `convert('RGB')` or composite over
/// white).
///
/// The format is sniffed from the magic bytes, never from the file name. Per format:
/// - JPEG through libjpeg-turbo's TurboJPEG API with Pillow's settings (accurate integer IDCT,
///   fancy upsampling): RGB, grayscale (copied to three channels) and CMYK/YCCK (Pillow's Adobe
///   CMYK conversion). EXIF orientation is not applied, as Pillow does not apply it on open.
/// - PNG through libpng: 1/2/4/8/16-bit gray, RGB, palette, gray+alpha and RGBA, interlaced or
///   not; tRNS transparency counts as alpha. 16-bit colour keeps the high byte of each sample and
///   16-bit gray is clipped to 255, both as Pillow does.
/// - WebP through libwebp: lossy and lossless, with and without alpha; the first frame of an
///   animation.
///
/// Every failure is an `ImageError` naming the file: `.empty`, `.truncated`, `.corrupt`,
/// `.unsupportedFormat` (including a text file named `.jpg`), `.tooLarge` (a declared size over
/// `maximumPixels` is refused before any pixel memory is allocated) or `.unreadable`.
///
/// A decoder is a small value: make one per configuration and share it across threads.
public struct ImageDecoder: Sendable {
    /// The default pixel budget: 100 megapixels (300 MB of RGB).
    public static let defaultMaximumPixels = 100_000_000
    /// The default largest file read: 512 MiB.
    public static let defaultMaximumFileBytes = 512 << 20

    /// What to do with transparency.
    public var alpha: AlphaHandling
    /// Images whose declared width × height exceeds this are refused (`.tooLarge`).
    public var maximumPixels: Int
    /// Files larger than this are refused (`.tooLarge`) before being read.
    public var maximumFileBytes: Int
    /// Opt-in fast path for large JPEGs, **not bit-exact with Pillow**: when set, a JPEG is decoded
    /// by libjpeg-turbo's DCT scaling at the smallest of 1/2, 1/4 or 1/8 of its size whose shorter
    /// side is still at least this many pixels (full size when none is). Decoding a 12-megapixel
    /// photo at 1/8 is several times faster, but the pixels differ from a full decode followed by
    /// a resize, so embeddings move slightly. Leave nil (the default) for the reference path.
    public var reducedJPEGShorterSide: Int?

    /// A decoder.
    /// - Parameters:
    ///   - alpha: what to do with transparency (default: composite over white, as the reference).
    ///   - maximumPixels: the pixel budget (default 100 MP).
    ///   - maximumFileBytes: the largest file `decode(file:)` reads (default 512 MiB).
    ///   - reducedJPEGShorterSide: the opt-in, not bit-exact JPEG fast path (default off).
    public init(
        alpha: AlphaHandling = .compositeOverWhite, maximumPixels: Int = defaultMaximumPixels,
        maximumFileBytes: Int = defaultMaximumFileBytes, reducedJPEGShorterSide: Int? = nil
    ) {
        self.alpha = alpha
        self.maximumPixels = maximumPixels
        self.maximumFileBytes = maximumFileBytes
        self.reducedJPEGShorterSide = reducedJPEGShorterSide
    }

    /// Reads and decodes the image file at `path`.
    /// - Throws: `ImageError`; the message names `path`.
    public func decode(file path: String) throws -> RGBImage {
        let data = try Self.read(file: path, maximumBytes: maximumFileBytes)
        return try decode(data: data, name: path)
    }

    /// Decodes an image held in memory.
    /// - Parameters:
    ///   - data: the file's bytes.
    ///   - name: what to call the image in error messages (a path, a URL, a row id).
    /// - Throws: `ImageError`.
    public func decode(data: Data, name: String) throws -> RGBImage {
        try data.withUnsafeBytes { try decode(bytes: $0, name: name) }
    }

    /// Decodes an image held in memory (the pointer-level core of `decode(data:name:)`).
    /// - Throws: `ImageError`.
    public func decode(bytes: UnsafeRawBufferPointer, name: String) throws -> RGBImage {
        guard !bytes.isEmpty, bytes.baseAddress != nil else { throw ImageError(.empty, "\(name) is empty (0 bytes)") }
        switch ImageFormat.sniff(bytes) {
        case .jpeg: return try decodeJPEG(bytes, name: name)
        case .png: return try decodePNG(bytes, name: name)
        case .webp: return try decodeWebP(bytes, name: name)
        case nil: throw Self.unrecognised(bytes, name: name)
        }
    }

    /// Reads a whole file, refusing one over `maximumBytes`.
    static func read(file path: String, maximumBytes: Int) throws -> Data {
        let attributes: [FileAttributeKey: Any]
        do {
            attributes = try FileManager.default.attributesOfItem(atPath: path)
        } catch {
            throw ImageError(.unreadable, "cannot read \(path): no such file, or no permission", underlying: error)
        }
        if let type = attributes[.type] as? FileAttributeType, type == .typeDirectory {
            throw ImageError(.unreadable, "\(path) is a folder, not an image file")
        }
        if let size = attributes[.size] as? Int, size > maximumBytes {
            throw ImageError(.tooLarge, "\(path) is \(size) bytes, over the \(maximumBytes)-byte limit for an image file")
        }
        do {
            // Read, not mapped: a mapped file that shrinks while it is decoded would crash the process.
            return try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw ImageError(.unreadable, "cannot read \(path)", underlying: error)
        }
    }

    /// Refuses a declared size over the pixel budget, before anything is allocated.
    func checkSize(width: Int, height: Int, format: String, name: String) throws {
        guard width > 0, height > 0 else {
            throw ImageError(.corrupt, "\(name): the \(format) header declares a \(width)×\(height) image")
        }
        let (pixels, overflow) = width.multipliedReportingOverflow(by: height)
        guard !overflow, pixels <= maximumPixels else {
            throw ImageError(
                .tooLarge,
                "\(name): the \(format) declares \(width)×\(height) pixels, over the limit of \(maximumPixels) "
                    + "(a likely decompression bomb; raise ImageDecoder.maximumPixels if the image is genuine)")
        }
    }

    /// The error for bytes that are no supported image: another format, or not an image.
    private static func unrecognised(_ bytes: UnsafeRawBufferPointer, name: String) -> ImageError {
        if let other = ImageFormat.otherFormatName(bytes) {
            return ImageError(.unsupportedFormat, "\(name) is a \(other) file; Loupe decodes JPEG, PNG and WebP")
        }
        let head = bytes.prefix(16)
        let printable = head.allSatisfy { (0x20...0x7E).contains($0) || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }
        let shown = printable
            ? "text \"\(String(decoding: head, as: UTF8.self).replacingOccurrences(of: "\n", with: "\\n"))\""
            : "bytes " + head.prefix(8).map { String(format: "%02X", $0) }.joined(separator: " ")
        return ImageError(
            .unsupportedFormat, "\(name) is not a JPEG, PNG or WebP image (it starts with \(shown)), whatever its name says")
    }
}
