import CWebP

extension ImageDecoder {
    /// Decodes a WebP through libwebp with its default options (fancy upsampling), as Pillow's
    /// `WebPAnimDecoder` does. A still image decodes straight into RGB or RGBA; an animation
    /// gives its first frame on a transparent canvas. Pillow reports an image without the alpha
    /// flag as RGB, so its alpha (255, or 0 outside an animation's first frame) is then dropped.
    func decodeWebP(_ bytes: UnsafeRawBufferPointer, name: String) throws -> RGBImage {
        let data = bytes.bindMemory(to: UInt8.self)
        guard let base = data.baseAddress else { throw ImageError(.empty, "\(name) is empty (0 bytes)") }
        var features = WebPBitstreamFeatures()
        let status = WebPGetFeatures(base, data.count, &features)
        guard status == VP8_STATUS_OK else { throw Self.webpFailure(status, data, name: name) }
        let width = Int(features.width), height = Int(features.height)
        try checkSize(width: width, height: height, format: "WebP", name: name)
        let hasAlpha = features.has_alpha != 0
        let handling = hasAlpha ? alpha : .drop

        if features.has_animation != 0 {
            let rgba = try Self.firstAnimationFrame(data, width: width, height: height, name: name)
            return rgba.withUnsafeBufferPointer { source in
                RGBImage(uncheckedWidth: width, height: height) { rgb in
                    PixelConversion.rgba(source.baseAddress!, count: width * height, into: rgb.baseAddress!, alpha: handling)
                }
            }
        }
        if handling == .drop {
            return try RGBImage(uncheckedWidth: width, height: height) { rgb in
                try Self.decodeStill(data, into: rgb, width: width, mode: MODE_RGB, bytesPerPixel: 3, name: name)
            }
        }
        var rgba = [UInt8](repeating: 0, count: width * height * 4)
        try rgba.withUnsafeMutableBufferPointer { buffer in
            try Self.decodeStill(data, into: buffer, width: width, mode: MODE_RGBA, bytesPerPixel: 4, name: name)
        }
        return rgba.withUnsafeBufferPointer { source in
            RGBImage(uncheckedWidth: width, height: height) { rgb in
                PixelConversion.rgba(source.baseAddress!, count: width * height, into: rgb.baseAddress!, alpha: .compositeOverWhite)
            }
        }
    }

    private static func decodeStill(
        _ data: UnsafeBufferPointer<UInt8>, into output: UnsafeMutableBufferPointer<UInt8>, width: Int, mode: WEBP_CSP_MODE,
        bytesPerPixel: Int, name: String
    ) throws {
        var config = WebPDecoderConfig()
        guard WebPInitDecoderConfig(&config) != 0 else {
            throw ImageError(.corrupt, "\(name): libwebp's decoder does not match its header (version mismatch)")
        }
        config.output.colorspace = mode
        config.output.is_external_memory = 1
        config.output.u.RGBA.rgba = output.baseAddress
        config.output.u.RGBA.stride = Int32(width * bytesPerPixel)
        config.output.u.RGBA.size = output.count
        let status = WebPDecode(data.baseAddress, data.count, &config)
        WebPFreeDecBuffer(&config.output)
        guard status == VP8_STATUS_OK else { throw webpFailure(status, data, name: name) }
    }

    private static func firstAnimationFrame(_ data: UnsafeBufferPointer<UInt8>, width: Int, height: Int, name: String) throws -> [UInt8] {
        var webpData = WebPData(bytes: data.baseAddress, size: data.count)
        var options = WebPAnimDecoderOptions()
        guard WebPAnimDecoderOptionsInit(&options) != 0 else {
            throw ImageError(.corrupt, "\(name): libwebp's animation decoder does not match its header (version mismatch)")
        }
        options.color_mode = MODE_RGBA
        options.use_threads = 0
        guard let decoder = WebPAnimDecoderNew(&webpData, &options) else {
            throw webpFailure(VP8_STATUS_BITSTREAM_ERROR, data, name: name)
        }
        defer { WebPAnimDecoderDelete(decoder) }
        var info = WebPAnimInfo()
        var frame: UnsafeMutablePointer<UInt8>?
        var timestamp: Int32 = 0
        guard WebPAnimDecoderGetInfo(decoder, &info) != 0, Int(info.canvas_width) == width, Int(info.canvas_height) == height,
              WebPAnimDecoderGetNext(decoder, &frame, &timestamp) != 0, let frame
        else {
            throw webpFailure(VP8_STATUS_BITSTREAM_ERROR, data, name: name)
        }
        return Array(UnsafeBufferPointer(start: frame, count: width * height * 4))
    }

    /// The error for a libwebp status: `.truncated` when the data is shorter than its RIFF header
    /// says or libwebp wants more, `.unsupportedFormat` for features libwebp lacks, `.corrupt`
    /// otherwise.
    private static func webpFailure(_ status: VP8StatusCode, _ data: UnsafeBufferPointer<UInt8>, name: String) -> ImageError {
        let declared = data.count >= 8 ? (0..<4).reduce(0) { $0 | Int(data[4 + $1]) << (8 * $1) } + 8 : Int.max
        if status == VP8_STATUS_NOT_ENOUGH_DATA || declared > data.count {
            return ImageError(.truncated, "\(name): the WebP data ends before the image does (\(data.count) of \(declared) bytes)")
        }
        if status == VP8_STATUS_UNSUPPORTED_FEATURE {
            return ImageError(.unsupportedFormat, "\(name): a WebP feature libwebp cannot decode")
        }
        if status == VP8_STATUS_OUT_OF_MEMORY {
            return ImageError(.tooLarge, "\(name): out of memory decoding the WebP")
        }
        return ImageError(.corrupt, "\(name): corrupt WebP data (libwebp status \(status.rawValue))")
    }
}
