import Encoders
import Foundation
import TestSupport
import Testing

/// Decoding every layout against Pillow 13.0.0's bytes (image_expectations.json, written by
/// scripts/make-image-fixtures.py), under both alpha rules.
@Suite struct ImageDecoderTests {
    let expectations: ImageExpectations

    init() throws {
        expectations = try ImageFixtures.expectations.get()
    }

    @Test func everyFixtureMatchesPillowUnderBothAlphaRules() throws {
        #expect(expectations.decode.count == 28)
        for (name, expected) in expectations.decode.sorted(by: { $0.key < $1.key }) {
            let path = try ImageFixtures.image(name).path
            for alpha in [AlphaHandling.compositeOverWhite, .drop] {
                let image = try ImageDecoder(alpha: alpha).decode(file: path)
                #expect(image.sizeWH == expected.size_wh, "\(name)")
                let want = alpha == .drop ? expected.rgb_sha256_drop_alpha : expected.rgb_sha256_composite_over_white
                #expect(image.sha256 == want, "\(name) (Pillow mode \(expected.mode)), alpha \(alpha)")
            }
        }
    }

    @Test func theLayoutsTheBriefNamesAreCovered() {
        let modes = Set(expectations.decode.values.map(\.mode))
        #expect(modes.isSuperset(of: ["RGB", "RGBA", "L", "LA", "P", "I;16", "CMYK", "1"]))
        for name in ["rgb16.png", "rgba16.png", "gray16.png", "gray_alpha16.png", "gray_alpha8.png", "palette4.png",
                     "palette8_trns.png", "lossy.webp", "lossless_alpha.webp", "lossy_alpha.webp", "animated.webp", "gray.jpg"] {
            #expect(expectations.decode[name] != nil, "\(name)")
        }
    }

    @Test func alphaRulesDifferOnlyWhereThereIsTransparency() throws {
        let white = try ImageDecoder(alpha: .compositeOverWhite).decode(file: ImageFixtures.image("lossless_alpha.webp").path)
        let dropped = try ImageDecoder(alpha: .drop).decode(file: ImageFixtures.image("lossless_alpha.webp").path)
        // The fixture's rows h/3 ..< h/2 are fully transparent: white when composited.
        let row = white.height / 3 + 1
        #expect(white.rgb(5, row) == [255, 255, 255])
        #expect(dropped.rgb(5, row) != [255, 255, 255])
        // The top third is opaque: both rules agree.
        #expect(white.rgb(5, 1) == dropped.rgb(5, 1))
    }

    @Test func formatComesFromTheBytesNotTheName() throws {
        let png = try Data(contentsOf: ImageFixtures.image("palette4.png"))
        let image = try ImageDecoder().decode(data: png, name: "misnamed.jpg")
        #expect(image.sha256 == expectations.decode["palette4.png"]?.rgb_sha256_drop_alpha)
        png.withUnsafeBytes { #expect(ImageFormat.sniff($0) == .png) }
        try Data(contentsOf: ImageFixtures.image("lossy.webp")).withUnsafeBytes { #expect(ImageFormat.sniff($0) == .webp) }
        try Data(contentsOf: ImageFixtures.image("gray.jpg")).withUnsafeBytes { #expect(ImageFormat.sniff($0) == .jpeg) }
    }

    @Test func decodingFromMemoryEqualsDecodingTheFile() throws {
        let path = try ImageFixtures.skimage("rocket.jpg")
        let fromFile = try ImageDecoder().decode(file: path)
        let fromData = try ImageDecoder().decode(data: Data(contentsOf: URL(fileURLWithPath: path)), name: "rocket")
        #expect(fromFile == fromData)
    }

    @Test func grayscaleIsCopiedToThreeChannels() throws {
        let image = try ImageDecoder().decode(file: ImageFixtures.skimage("camera.png"))
        for index in stride(from: 0, to: image.pixels.count, by: 3 * 997) {
            #expect(image.pixels[index] == image.pixels[index + 1] && image.pixels[index] == image.pixels[index + 2])
        }
    }

    @Test func reducedJPEGDecodingIsOptInSmallerAndClose() throws {
        let path = try ImageFixtures.skimage("retina.jpg")  // 1411 × 1411
        let exact = try ImageDecoder().decode(file: path)
        let fast = try ImageDecoder(reducedJPEGShorterSide: 256).decode(file: path)
        #expect(exact.sizeWH == [1411, 1411])
        #expect(fast.sizeWH == [353, 353])  // ⌈1411 / 4⌉: 1/8 would give 177 < 256
        // Not bit-exact, but the same picture: compare both resized to 256 × 256.
        let a = try ImageResizer.resize(exact, width: 256, height: 256), b = try ImageResizer.resize(fast, width: 256, height: 256)
        #expect(a != b)
        let meanAbsoluteDifference = zip(a.pixels, b.pixels).reduce(0.0) { $0 + abs(Double($1.0) - Double($1.1)) } / Double(a.pixels.count)
        #expect(meanAbsoluteDifference < 2, "mean |Δ| \(meanAbsoluteDifference)")
        // PNG and small JPEGs are unaffected.
        let png = try ImageDecoder(reducedJPEGShorterSide: 256).decode(file: ImageFixtures.skimage("chelsea.png"))
        #expect(png.sizeWH == [451, 300])
        let small = try ImageDecoder(reducedJPEGShorterSide: 256).decode(file: ImageFixtures.skimage("rocket.jpg"))
        #expect(small == (try ImageDecoder().decode(file: ImageFixtures.skimage("rocket.jpg"))))
    }
}
