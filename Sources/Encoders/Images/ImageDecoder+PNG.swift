import CImageShims

extension ImageDecoder {
    /// Decodes a PNG through libpng (by way of `CImageShims`, which owns libpng's longjmp errors)
    /// and converts its rows to RGB as Pillow does for each layout.
    func decodePNG(_ bytes: UnsafeRawBufferPointer, name: String) throws -> RGBImage {
        let data = bytes.bindMemory(to: UInt8.self)
        var info = loupe_png_info()
        var status = LOUPE_PNG_OK
        var message = [CChar](repeating: 0, count: 256)
        let reader = loupe_png_open(data.baseAddress, data.count, alpha == .compositeOverWhite ? 1 : 0, &info, &status, &message, message.count)
        guard let reader else { throw Self.pngFailure(status, message, name: name) }
        defer { loupe_png_close(reader) }

        let width = Int(info.width), height = Int(info.height), channels = Int(info.channels)
        try checkSize(width: width, height: height, format: "PNG", name: name)
        let pixelCount = width * height
        guard info.row_bytes == width * channels * Int(info.bit_depth) / 8, (1...4).contains(channels) else {
            throw ImageError(.corrupt, "\(name): unexpected PNG row layout (\(channels) channels of \(info.bit_depth) bits)")
        }

        if channels == 3 && info.bit_depth == 8 {
            return try RGBImage(uncheckedWidth: width, height: height) { rgb in
                try Self.readPNG(reader, into: rgb.baseAddress!, name: name)
            }
        }
        var rows = [UInt8](repeating: 0, count: height * info.row_bytes)
        try rows.withUnsafeMutableBufferPointer { try Self.readPNG(reader, into: $0.baseAddress!, name: name) }
        return rows.withUnsafeBufferPointer { source in
            RGBImage(uncheckedWidth: width, height: height) { out in
                let input = source.baseAddress!, rgb = out.baseAddress!
                switch (channels, info.bit_depth) {
                case (1, 16): PixelConversion.gray16(input, count: pixelCount, into: rgb)
                case (1, _): PixelConversion.gray(input, count: pixelCount, into: rgb)
                case (2, 16): PixelConversion.gray16Alpha(input, count: pixelCount, into: rgb, alpha: alpha)
                case (2, _): PixelConversion.grayAlpha(input, count: pixelCount, into: rgb, alpha: alpha)
                default: PixelConversion.rgba(input, count: pixelCount, into: rgb, alpha: alpha)
                }
            }
        }
    }

    private static func readPNG(_ reader: OpaquePointer, into pixels: UnsafeMutablePointer<UInt8>, name: String) throws {
        var message = [CChar](repeating: 0, count: 256)
        let status = loupe_png_read(reader, pixels, &message, message.count)
        guard status == LOUPE_PNG_OK else { throw pngFailure(status, message, name: name) }
    }

    private static func pngFailure(_ status: loupe_png_status, _ message: [CChar], name: String) -> ImageError {
        let detail = String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        switch status {
        case LOUPE_PNG_TRUNCATED: return ImageError(.truncated, "\(name): the PNG data ends before the image does (\(detail))")
        case LOUPE_PNG_NO_MEMORY: return ImageError(.tooLarge, "\(name): out of memory decoding the PNG (\(detail))")
        default: return ImageError(.corrupt, "\(name): corrupt PNG data (\(detail))")
        }
    }
}
