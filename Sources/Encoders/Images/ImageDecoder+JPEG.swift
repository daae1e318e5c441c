import CTurboJPEG
import Foundation

extension ImageDecoder {
    /// Decodes a JPEG with Pillow's libjpeg settings (TurboJPEG flags 0: accurate integer IDCT,
    /// fancy upsampling), optionally DCT-scaled (`reducedJPEGShorterSide`).
    ///
    /// libjpeg treats a file that ends early as a warning and fills the rest with gray; Pillow
    /// raises "image file is truncated" instead, and so does this (`.truncated`). Other libjpeg
    /// warnings (extraneous bytes before a marker, …) are accepted, as Pillow accepts them.
    func decodeJPEG(_ bytes: UnsafeRawBufferPointer, name: String) throws -> RGBImage {
        guard let handle = tjInitDecompress() else {
            throw ImageError(.corrupt, "\(name): cannot start the JPEG decoder (out of memory?)")
        }
        defer { tjDestroy(handle) }
        let jpeg = bytes.bindMemory(to: UInt8.self)
        guard let base = jpeg.baseAddress else { throw ImageError(.empty, "\(name) is empty (0 bytes)") }
        let size = UInt(jpeg.count)

        var width: Int32 = 0, height: Int32 = 0, subsampling: Int32 = 0, colorspace: Int32 = 0
        guard tjDecompressHeader3(handle, base, size, &width, &height, &subsampling, &colorspace) == 0, width > 0, height > 0 else {
            throw Self.jpegFailure(handle, jpeg, name: name)
        }
        try checkSize(width: Int(width), height: Int(height), format: "JPEG", name: name)
        let (outWidth, outHeight) = reducedJPEGSize(width: Int(width), height: Int(height))

        let isCMYK = colorspace == Int32(TJCS_CMYK.rawValue) || colorspace == Int32(TJCS_YCCK.rawValue)
        if isCMYK {
            var cmyk = [UInt8](repeating: 0, count: outWidth * outHeight * 4)
            try cmyk.withUnsafeMutableBufferPointer { buffer in
                try Self.decompress(handle, base, size, into: buffer.baseAddress!, width: outWidth, height: outHeight, format: TJPF_CMYK, name: name)
            }
            return cmyk.withUnsafeBufferPointer { source in
                RGBImage(uncheckedWidth: outWidth, height: outHeight) { rgb in
                    PixelConversion.invertedCMYK(source.baseAddress!, count: outWidth * outHeight, into: rgb.baseAddress!)
                }
            }
        }
        // Gray JPEGs too: libjpeg's gray → RGB copies the value to the three channels, as Pillow's
        // "L" → "RGB" does.
        return try RGBImage(uncheckedWidth: outWidth, height: outHeight) { rgb in
            try Self.decompress(handle, base, size, into: rgb.baseAddress!, width: outWidth, height: outHeight, format: TJPF_RGB, name: name)
        }
    }

    /// The size to decode at: the full size, or the smallest 1/2, 1/4 or 1/8 DCT scaling whose
    /// shorter side is at least `reducedJPEGShorterSide`.
    func reducedJPEGSize(width: Int, height: Int) -> (width: Int, height: Int) {
        guard let target = reducedJPEGShorterSide, target > 0 else { return (width, height) }
        for denominator in [8, 4, 2] {
            let scaled = ((width + denominator - 1) / denominator, (height + denominator - 1) / denominator)
            if min(scaled.0, scaled.1) >= target { return scaled }
        }
        return (width, height)
    }

    private static func decompress(
        _ handle: tjhandle, _ base: UnsafePointer<UInt8>, _ size: UInt, into output: UnsafeMutablePointer<UInt8>,
        width: Int, height: Int, format: TJPF, name: String
    ) throws {
        if tjDecompress2(handle, base, size, output, Int32(width), 0, Int32(height), format.rawValue, 0) == 0 { return }
        let message = String(cString: tjGetErrorStr2(handle))
        if tjGetErrorCode(handle) == Int32(TJERR_WARNING.rawValue) {
            // Only the first warning is reported. A short file warns "Premature end of JPEG file",
            // unless another warning came first; then the missing end-of-image marker tells.
            if message.contains("Premature end") || !endsWithEndOfImage(UnsafeBufferPointer(start: base, count: Int(size))) {
                throw ImageError(.truncated, "\(name): the JPEG data ends before the image does (\(message))")
            }
            return
        }
        throw jpegFailure(handle, UnsafeBufferPointer(start: base, count: Int(size)), name: name)
    }

    /// The error for a failed TurboJPEG call: `.unsupportedFormat` for features libjpeg-turbo
    /// lacks (12-bit, lossless, odd colour transforms), `.truncated` when the data stops without
    /// the end-of-image marker, `.corrupt` otherwise.
    private static func jpegFailure(_ handle: tjhandle, _ jpeg: UnsafeBufferPointer<UInt8>, name: String) -> ImageError {
        var message = String(cString: tjGetErrorStr2(handle))
        if message == "No error" { message = "no frame header before the data ends" }
        if message.contains("Unsupported") || message.contains("not supported") {
            return ImageError(.unsupportedFormat, "\(name): a JPEG that libjpeg-turbo cannot decode (\(message))")
        }
        if !endsWithEndOfImage(jpeg) {
            return ImageError(.truncated, "\(name): the JPEG data ends before the image does (\(message))")
        }
        return ImageError(.corrupt, "\(name): corrupt JPEG data (\(message))")
    }

    /// Whether the data ends with the EOI marker `FF D9`, after any zero padding.
    private static func endsWithEndOfImage(_ jpeg: UnsafeBufferPointer<UInt8>) -> Bool {
        var end = jpeg.count
        while end > 0 && jpeg[end - 1] == 0 { end -= 1 }
        return end >= 2 && jpeg[end - 2] == 0xFF && jpeg[end - 1] == 0xD9
    }
}
