import CTurboJPEG
import Foundation

/// Encodes RGB images as baseline JPEG through libjpeg-turbo's TurboJPEG API: thumbnails and
/// previews for the web UI.
public enum JPEGEncoder {
    /// Chroma subsampling of the encoded file.
    public enum ChromaSubsampling: Sendable {
        /// 4:4:4, full-resolution colour (sharper colour edges, larger files).
        case none
        /// 4:2:2, colour halved horizontally.
        case horizontal
        /// 4:2:0, colour halved both ways (the usual choice for photos).
        case both

        var turboJPEG: TJSAMP {
            switch self {
            case .none: TJSAMP_444
            case .horizontal: TJSAMP_422
            case .both: TJSAMP_420
            }
        }
    }

    /// `image` as a JPEG file.
    /// - Parameters:
    ///   - quality: 1 (smallest) ... 100 (best); 85 is a good thumbnail default.
    ///   - subsampling: chroma subsampling (default 4:2:0).
    /// - Throws: `ImageError.invalidArgument` for a quality outside 1...100 or an image wider or
    ///   taller than JPEG's 65,535 limit; `.encodingFailed` when libjpeg-turbo fails.
    public static func encode(_ image: RGBImage, quality: Int = 85, subsampling: ChromaSubsampling = .both) throws -> Data {
        guard (1...100).contains(quality) else {
            throw ImageError(.invalidArgument, "JPEG quality must be in 1...100, not \(quality)")
        }
        guard image.width <= 65_535, image.height <= 65_535 else {
            throw ImageError(.invalidArgument, "a \(image.width)×\(image.height) image is larger than JPEG's 65535-pixel side limit")
        }
        guard let handle = tjInitCompress() else {
            throw ImageError(.encodingFailed, "cannot start the JPEG encoder (out of memory?)")
        }
        defer { tjDestroy(handle) }
        var output: UnsafeMutablePointer<UInt8>?
        var size: UInt = 0
        let status = image.pixels.withUnsafeBufferPointer { pixels in
            tjCompress2(
                handle, pixels.baseAddress, Int32(image.width), 0, Int32(image.height), TJPF_RGB.rawValue, &output, &size,
                Int32(subsampling.turboJPEG.rawValue), Int32(quality), 0)
        }
        defer { tjFree(output) }
        guard status == 0, let output else {
            throw ImageError(.encodingFailed, "libjpeg-turbo could not encode a \(image.width)×\(image.height) image: \(String(cString: tjGetErrorStr2(handle)))")
        }
        return Data(bytes: output, count: Int(size))
    }
}
