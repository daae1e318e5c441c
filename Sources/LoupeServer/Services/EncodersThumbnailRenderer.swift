import Encoders
import Foundation

/// Thumbnails through the image codecs of `Encoders`: decode (JPEG, PNG, WebP; transparency over
/// white), shrink with Pillow's bicubic filter so the longer side is at most `size` (small images
/// are not enlarged: the browser scales them), encode a JPEG at quality 85.
public struct EncodersThumbnailRenderer: ThumbnailRenderer {
    public init() {}

    public func jpegThumbnail(of data: Data, size: Int) throws -> Data {
        let image = try ImageDecoder().decode(data: data, name: "the row's image")
        let longer = max(image.width, image.height)
        guard longer > size else { return try JPEGEncoder.encode(image, quality: 85) }
        let scale = Double(size) / Double(longer)
        let width = max(1, Int((Double(image.width) * scale).rounded()))
        let height = max(1, Int((Double(image.height) * scale).rounded()))
        return try JPEGEncoder.encode(try ImageResizer.resize(image, width: width, height: height), quality: 85)
    }
}
