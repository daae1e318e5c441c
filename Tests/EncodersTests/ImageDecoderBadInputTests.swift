import Encoders
import Foundation
import TestSupport
import Testing

/// Every kind of bad input is an `ImageError` with the right code and a message naming the file,
/// never a crash.
@Suite struct ImageDecoderBadInputTests {
    let folder: TemporaryFolder

    init() throws {
        folder = try TemporaryFolder()
    }

    /// Writes `bytes` to a file called `name` and decodes it, expecting `code`.
    private func expectFailure(
        _ bytes: Data, name: String, _ code: ImageError.Code, decoder: ImageDecoder = ImageDecoder(),
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let path = folder.file(name)
        _ = FileManager.default.createFile(atPath: path, contents: bytes)
        do {
            let image = try decoder.decode(file: path)
            Issue.record("\(name) decoded as \(image.width)×\(image.height); expected \(code)", sourceLocation: sourceLocation)
        } catch let error as ImageError {
            #expect(error.code == code, "\(name): \(error)", sourceLocation: sourceLocation)
            #expect(error.message.contains(path), "the message names the file: \(error.message)", sourceLocation: sourceLocation)
        } catch {
            Issue.record("\(name): unexpected error \(error)", sourceLocation: sourceLocation)
        }
    }

    private func bytes(ofSkimage name: String) throws -> Data {
        try Data(contentsOf: URL(fileURLWithPath: ImageFixtures.skimage(name)))
    }

    @Test func zeroByteFile() {
        expectFailure(Data(), name: "empty.jpg", .empty)
    }

    @Test func textFileNamedLikeAnImage() {
        expectFailure(Data("Hello, this is not a photo.\n".utf8), name: "notes.jpg", .unsupportedFormat)
        expectFailure(Data("<svg xmlns='http://www.w3.org/2000/svg'/>".utf8), name: "vector.png", .unsupportedFormat)
    }

    @Test func otherImageFormatsAreNamed() throws {
        let gif = try bytes(ofSkimage: "no_time_for_that_tiny.gif")
        let path = folder.file("animation.gif")
        _ = FileManager.default.createFile(atPath: path, contents: gif)
        #expect {
            try ImageDecoder().decode(file: path)
        } throws: { error in
            guard let error = error as? ImageError else { return false }
            return error.code == .unsupportedFormat && error.message.contains("GIF")
        }
        expectFailure(try bytes(ofSkimage: "multipage.tif"), name: "scan.tif", .unsupportedFormat)
    }

    @Test func truncatedJPEGs() throws {
        let rocket = try bytes(ofSkimage: "rocket.jpg")
        for length in [3, 20, 200, 2000, rocket.count / 2, rocket.count - 2] {
            expectFailure(rocket.prefix(length), name: "rocket-\(length).jpg", .truncated)
        }
        expectFailure(try Data(contentsOf: ImageFixtures.image("truncated.jpg")), name: "skimage-truncated.jpg", .truncated)
        let progressive = try Data(contentsOf: ImageFixtures.image("progressive.jpg"))
        expectFailure(progressive.prefix(progressive.count * 2 / 3), name: "progressive-cut.jpg", .truncated)
    }

    @Test func truncatedPNGs() throws {
        let chelsea = try bytes(ofSkimage: "chelsea.png")
        for length in [8, 20, 40, 100, chelsea.count / 2, chelsea.count - 20] {
            expectFailure(chelsea.prefix(length), name: "chelsea-\(length).png", .truncated)
        }
        let interlaced = try Data(contentsOf: ImageFixtures.image("rgb8_interlaced.png"))
        expectFailure(interlaced.prefix(interlaced.count / 2), name: "interlaced-cut.png", .truncated)
    }

    @Test func truncatedWebPs() throws {
        for name in ["lossy.webp", "lossless_alpha.webp", "animated.webp"] {
            let webp = try Data(contentsOf: ImageFixtures.image(name))
            for length in [12, 30, webp.count / 2, webp.count - 1] {
                expectFailure(webp.prefix(length), name: "\(length)-\(name)", .truncated)
            }
        }
    }

    @Test func corruptFiles() throws {
        // A PNG whose image data is damaged: libpng's CRC check rejects it.
        var png = try bytes(ofSkimage: "chelsea.png")
        png[png.count / 2] ^= 0xFF
        expectFailure(png, name: "damaged.png", .corrupt)
        // A PNG whose header chunk is damaged.
        var header = try bytes(ofSkimage: "chelsea.png")
        header[17] ^= 0x01
        expectFailure(header, name: "bad-header.png", .corrupt)
        // A JPEG whose first marker segment and tables are garbage, but complete.
        var jpeg = try bytes(ofSkimage: "rocket.jpg")
        for i in 4..<400 { jpeg[i] = UInt8(truncatingIfNeeded: i &* 37) }
        expectFailure(jpeg, name: "garbage.jpg", .corrupt)
        // A WebP whose VP8 data is garbage.
        var webp = try Data(contentsOf: ImageFixtures.image("lossy.webp"))
        for i in 20..<webp.count { webp[i] = UInt8(truncatingIfNeeded: i &* 91) }
        expectFailure(webp, name: "garbage.webp", .corrupt)
    }

    @Test func decompressionBombsAreRefusedBeforeAllocating() throws {
        for name in ["bomb.png", "bomb.jpg", "bomb.webp"] {
            expectFailure(try Data(contentsOf: ImageFixtures.image(name)), name: name, .tooLarge)
        }
    }

    @Test func thePixelBudgetIsConfigurable() throws {
        let chelsea = try bytes(ofSkimage: "chelsea.png")  // 451 × 300 = 135,300 pixels
        expectFailure(chelsea, name: "budget.png", .tooLarge, decoder: ImageDecoder(maximumPixels: 135_299))
        let path = folder.file("fits.png")
        _ = FileManager.default.createFile(atPath: path, contents: chelsea)
        #expect(try ImageDecoder(maximumPixels: 135_300).decode(file: path).width == 451)
        expectFailure(chelsea, name: "big-file.png", .tooLarge, decoder: ImageDecoder(maximumFileBytes: 1000))
    }

    @Test func missingFilesAndFolders() {
        #expect {
            try ImageDecoder().decode(file: folder.file("no-such-file.jpg"))
        } throws: { ($0 as? ImageError)?.code == .unreadable && "\($0)".contains("no-such-file.jpg") }
        #expect {
            try ImageDecoder().decode(file: folder.path)
        } throws: { ($0 as? ImageError)?.code == .unreadable }
    }

    /// Seeded truncations and byte flips of every format: each either decodes or throws an
    /// `ImageError`; none crashes.
    @Test func seededDamageNeverCrashes() throws {
        var generator = SeededGenerator(seed: 11)
        let sources = try ["q90_420.jpg", "progressive.jpg", "palette8_trns.png", "rgb8_interlaced.png", "gray16.png",
                           "lossy.webp", "lossless_alpha.webp", "animated.webp"].map { try Data(contentsOf: ImageFixtures.image($0)) }
        var outcomes: [String: Int] = [:]
        for source in sources {
            for _ in 0..<60 {
                var damaged = source
                if Bool.random(using: &generator) {
                    damaged = damaged.prefix(Int.random(in: 0..<source.count, using: &generator))
                }
                for _ in 0..<Int.random(in: 0...4, using: &generator) where !damaged.isEmpty {
                    damaged[Int.random(in: 0..<damaged.count, using: &generator)] ^= UInt8.random(in: 1...255, using: &generator)
                }
                do {
                    let image = try ImageDecoder().decode(data: damaged, name: "damaged")
                    #expect(image.pixels.count == image.width * image.height * 3)
                    outcomes["decoded", default: 0] += 1
                } catch let error as ImageError {
                    outcomes[error.code.name, default: 0] += 1
                }
            }
        }
        #expect(outcomes.values.reduce(0, +) == sources.count * 60)
        #expect(outcomes["truncated", default: 0] > 0 && outcomes["corrupt", default: 0] > 0)
    }
}
