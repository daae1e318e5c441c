import Encoders
import Foundation
import TestSupport
import Testing

/// JPEG encoding for thumbnails, checked by decoding what it wrote.
@Suite struct JPEGEncoderTests {
    @Test func roundTripKeepsTheSizeAndThePicture() throws {
        let photo = try ImageDecoder().decode(file: ImageFixtures.skimage("chelsea.png"))
        let thumbnail = try ImageResizer.resize(photo, width: 240, height: 160)
        for (quality, subsampling, tolerance) in [(95, JPEGEncoder.ChromaSubsampling.none, 2.0), (85, .both, 4.0), (40, .horizontal, 8.0)] {
            let jpeg = try JPEGEncoder.encode(thumbnail, quality: quality, subsampling: subsampling)
            jpeg.withUnsafeBytes { #expect(ImageFormat.sniff($0) == .jpeg) }
            let decoded = try ImageDecoder().decode(data: jpeg, name: "thumbnail")
            #expect(decoded.sizeWH == [240, 160])
            let meanAbsoluteError = zip(decoded.pixels, thumbnail.pixels).reduce(0.0) { $0 + abs(Double($1.0) - Double($1.1)) }
                / Double(thumbnail.pixels.count)
            #expect(meanAbsoluteError < tolerance, "quality \(quality): mean |Δ| \(meanAbsoluteError)")
        }
    }

    @Test func lowerQualityMakesSmallerFiles() throws {
        let photo = try ImageDecoder().decode(file: ImageFixtures.skimage("astronaut.png"))
        let sizes = try [30, 60, 90].map { try JPEGEncoder.encode(photo, quality: $0).count }
        #expect(sizes[0] < sizes[1] && sizes[1] < sizes[2], "\(sizes)")
    }

    @Test func qualityOutsideOneToHundredIsAnError() throws {
        let image = try RGBImage(width: 1, height: 1, pixels: [1, 2, 3])
        for quality in [0, 101, -5] {
            #expect { try JPEGEncoder.encode(image, quality: quality) } throws: { ($0 as? ImageError)?.code == .invalidArgument }
        }
    }
}
