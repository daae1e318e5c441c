import Encoders
import Foundation
import TestSupport
import Testing

/// `ImageHash` against the `imagehash` package (4.3.2 on Pillow 13.0.0): pHash and dHash of
/// real photos and of the decoder fixtures in image_hashes.json (scripts/make-image-hash-golden.py),
/// then the properties near-duplicate search relies on.
@Suite struct ImageHashTests {
    struct Golden: Decodable {
        struct Case: Decodable {
            var file: String
            var size_wh: [Int]
            var phash: String
            /// The coefficients tie at the median: imagehash's bits follow rounding noise.
            var phash_tied: Bool
            /// The pHash with coefficients within rounding noise of the median counted as equal (Loupe's rule).
            var phash_exact: String
            var dhash: String
        }
        var imagehash: String
        var cases: [Case]
    }

    /// The file a golden case names: `skimage/…` is installed by python3-skimage, `images/…` is a fixture.
    private func path(of file: String) throws -> String {
        if file.hasPrefix("skimage/") { return try ImageFixtures.skimage(String(file.dropFirst("skimage/".count))) }
        return try ImageFixtures.image(String(file.dropFirst("images/".count))).path
    }

    /// Bit-exact with imagehash; on the two checkerboards, whose coefficients tie at the median,
    /// with the exact-arithmetic bits (see `ImageHash.perceptual`).
    @Test func bothHashesMatchTheImagehashPackageBitForBit() throws {
        let golden = try ImageFixtures.decode(Golden.self, from: "image_hashes.json")
        #expect(golden.cases.count >= 30)
        // Only the two checkerboards tie (every low-frequency coefficient but a few is an exact zero).
        #expect(golden.cases.filter(\.phash_tied).map(\.file) == ["images/chessboard_RGB.png", "images/checker_bilevel.png"])
        let decoder = ImageDecoder()
        for item in golden.cases {
            let image = try decoder.decode(file: path(of: item.file))
            #expect([image.width, image.height] == item.size_wh, "\(item.file)")
            // Untied, imagehash's bits are determined and Loupe's rule changes nothing.
            if !item.phash_tied { #expect(item.phash_exact == item.phash, "\(item.file)") }
            for (kind, expected) in [(ImageHash.Kind.perceptual, item.phash_exact), (.difference, item.dhash)] {
                let hash = ImageHash.compute(kind, of: image)
                let want = try #require(ImageHash(hex: expected))
                #expect(hash == want, "\(item.file) \(kind): \(hash) vs imagehash \(expected), \(hash.distance(to: want)) bits apart")
            }
        }
    }

    @Test func aResizedReencodedCopyStaysCloseAndOtherPhotosStayFar() throws {
        let decoder = ImageDecoder()
        let coffee = try decoder.decode(file: ImageFixtures.skimage("coffee.png"))  // 600 × 400
        let smaller = try ImageResizer.resize(coffee, width: 300, height: 200, filter: .bilinear)
        let reencoded = try decoder.decode(data: JPEGEncoder.encode(smaller, quality: 60), name: "coffee-copy.jpg")
        let original = ImageHash.perceptual(of: coffee)
        let copy = ImageHash.perceptual(of: reencoded)
        #expect(original.distance(to: copy) <= 4, "\(original) vs \(copy)")
        for other in ["astronaut.png", "chelsea.png", "camera.png", "rocket.jpg"] {
            let hash = try ImageHash.compute(.perceptual, file: ImageFixtures.skimage(other))
            #expect(original.distance(to: hash) >= 16, "coffee vs \(other): \(original.distance(to: hash)) bits")
        }
    }

    @Test func tinyAndFlatImagesHash() throws {
        let one = try RGBImage(width: 1, height: 1, pixels: [10, 200, 30])
        _ = ImageHash.perceptual(of: one)
        _ = ImageHash.difference(of: one)
        // A flat image has no brighter pixel than its neighbour: every dHash bit is clear.
        let flat = try RGBImage(width: 40, height: 30, pixels: [UInt8](repeating: 90, count: 40 * 30 * 3))
        #expect(ImageHash.difference(of: flat).bits == 0)
    }

    @Test func hexRoundTripsAndRejectsOtherText() {
        var generator = SeededGenerator(seed: 17)
        for _ in 0..<50 {
            let hash = ImageHash(bits: UInt64.random(in: .min ... .max, using: &generator))
            #expect(hash.description.count == 16)
            #expect(ImageHash(hex: hash.description) == hash)
        }
        #expect(ImageHash(bits: 0x0f).description == "000000000000000f")
        for bad in ["", "0f", "0123456789abcdeg", "0123456789abcdef0", "-123456789abcdef", "+123456789abcdef"] {
            #expect(ImageHash(hex: bad) == nil, "\(bad)")
        }
        #expect(ImageHash(bits: 0b1011).distance(to: ImageHash(bits: 0b0110)) == 3)
    }

    @Test func badFilesAreErrorsNamingThem() throws {
        #expect {
            try ImageHash.compute(.perceptual, data: Data("not an image".utf8), name: "notes.jpg")
        } throws: { error in
            guard let error = error as? ImageError else { return false }
            return error.code == .unsupportedFormat && error.message.contains("notes.jpg")
        }
        #expect {
            try ImageHash.compute(.difference, data: Data(), name: "empty.png")
        } throws: { error in
            (error as? ImageError)?.code == .empty && "\(error)".contains("empty.png")
        }
        #expect {
            try ImageHash.compute(.perceptual, file: "/nonexistent/photo.png")
        } throws: { error in
            (error as? ImageError)?.code == .unreadable && "\(error)".contains("/nonexistent/photo.png")
        }
    }
}
