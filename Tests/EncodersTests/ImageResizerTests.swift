import Encoders
import Foundation
import TestSupport
import Testing

/// Resizing against Pillow 13.0.0's `Image.resize` (sha256 of its output for 32 cases in
/// image_expectations.json), and the region form against resize-then-crop.
@Suite struct ImageResizerTests {
    let expectations: ImageExpectations

    init() throws {
        expectations = try ImageFixtures.expectations.get()
    }

    @Test func everyResizeCaseMatchesPillowBitForBit() throws {
        #expect(expectations.resize.count == 32)
        let decoder = ImageDecoder()
        var sources: [String: RGBImage] = [:]
        for resize in expectations.resize {
            let source = try sources[resize.source] ?? decoder.decode(file: ImageFixtures.skimage(resize.source))
            sources[resize.source] = source
            let filter = try #require(ResampleFilter(rawValue: resize.filter))
            let output = try ImageResizer.resize(source, width: resize.size_wh[0], height: resize.size_wh[1], filter: filter)
            #expect(output.sizeWH == resize.size_wh)
            #expect(output.sha256 == resize.sha256, "\(resize.source) → \(resize.size_wh) \(resize.filter)")
        }
        // The cases include both pass orders and every filter.
        #expect(Set(expectations.resize.map(\.filter)) == Set(ResampleFilter.allCases.map(\.rawValue)))
    }

    @Test func aRegionIsExactlyTheCropOfTheWholeResize() throws {
        let image = try ImageDecoder().decode(file: ImageFixtures.skimage("coffee.png"))  // 600 × 400
        var generator = SeededGenerator(seed: 5)
        for _ in 0..<12 {
            let width = Int.random(in: 1...900, using: &generator), height = Int.random(in: 1...700, using: &generator)
            let filter = ResampleFilter.allCases.randomElement(using: &generator)!
            let left = Int.random(in: 0..<width, using: &generator), top = Int.random(in: 0..<height, using: &generator)
            let region = PixelRect(
                left: left, top: top, width: Int.random(in: 1...(width - left), using: &generator),
                height: Int.random(in: 1...(height - top), using: &generator))
            let whole = try ImageResizer.resize(image, width: width, height: height, filter: filter)
            let part = try ImageResizer.resize(image, width: width, height: height, filter: filter, region: region)
            #expect(part == (try whole.cropped(to: region)), "\(width)×\(height) \(filter) region \(region)")
        }
    }

    @Test func sameSizeIsACopyAndTinyImagesWork() throws {
        let image = try RGBImage(width: 2, height: 1, pixels: [0, 10, 20, 200, 210, 220])
        #expect(try ImageResizer.resize(image, width: 2, height: 1) == image)
        let up = try ImageResizer.resize(image, width: 5, height: 3)
        #expect(up.sizeWH == [5, 3])
        #expect(up.rgb(0, 0)[0] < up.rgb(4, 2)[0])
        let one = try ImageResizer.resize(up, width: 1, height: 1, filter: .box)
        #expect(one.sizeWH == [1, 1])
    }

    @Test func badSizesAndRegionsAreErrors() throws {
        let image = try RGBImage(width: 4, height: 4, pixels: [UInt8](repeating: 7, count: 48))
        for (width, height) in [(0, 4), (4, -1), (ImageResizer.maximumSide + 1, 4)] {
            #expect { try ImageResizer.resize(image, width: width, height: height) } throws: {
                ($0 as? ImageError)?.code == .invalidArgument
            }
        }
        for region in [PixelRect(left: 0, top: 0, width: 0, height: 1), PixelRect(left: 3, top: 0, width: 2, height: 1),
                       PixelRect(left: -1, top: 0, width: 1, height: 1)] {
            #expect { try ImageResizer.resize(image, width: 4, height: 2, region: region) } throws: {
                ($0 as? ImageError)?.code == .invalidArgument
            }
        }
        #expect { try RGBImage(width: 2, height: 2, pixels: [1, 2, 3]) } throws: { ($0 as? ImageError)?.code == .invalidArgument }
        #expect { try image.cropped(to: PixelRect(left: 2, top: 2, width: 3, height: 1)) } throws: {
            ($0 as? ImageError)?.code == .invalidArgument
        }
    }
}
