// Fixture loading for the image tests: files copied into Fixtures/ (the EfficientNet reference's
// golden JSON and chelsea tensors, small images made by scripts/make-image-fixtures.py with their
// Pillow expectations) and the real photos the Debian packages python3-skimage and
// openclipart-png install.

import Encoders
import Foundation
import TestSupport

enum ImageFixtures {
    /// A fixture or installed file that is not where it should be.
    struct Missing: Error, CustomStringConvertible {
        var description: String
    }

    /// Where Debian's python3-skimage installs its sample photos.
    static let skimageData = "/usr/lib/python3/dist-packages/skimage/data"

    /// A file in this target's `Fixtures` folder.
    static func url(_ name: String) throws -> URL {
        guard let url = Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Fixtures") else {
            throw Missing(description: "fixture \(name) is missing from Tests/EncodersTests/Fixtures")
        }
        return url
    }

    /// A small image made by scripts/make-image-fixtures.py.
    static func image(_ name: String) throws -> URL { try url("images/" + name) }

    /// The bytes of a fixture.
    static func data(_ name: String) throws -> Data { try Data(contentsOf: url(name)) }

    /// A fixture decoded as JSON.
    static func decode<T: Decodable>(_ type: T.Type, from name: String) throws -> T {
        try JSONDecoder().decode(type, from: data(name))
    }

    /// A file a Debian package installs. Throws, so that the test fails (it is never skipped), when
    /// the file is not there.
    static func installed(_ path: String) throws -> String {
        guard FileManager.default.fileExists(atPath: path) else {
            throw Missing(
                description: "\(path) is missing: run scripts/install-system-packages.sh (it installs the Debian packages python3-skimage and openclipart-png)")
        }
        return path
    }

    /// A skimage sample photo's path.
    static func skimage(_ name: String) throws -> String { try installed(skimageData + "/" + name) }

    /// The golden file of the EfficientNet-Lite0 reference, loaded once.
    static let golden = Result { try decode(EffNetGolden.self, from: "effnet_golden.json") }

    /// Pillow's answers for the small fixtures and the resize cases, loaded once.
    static let expectations = Result { try decode(ImageExpectations.self, from: "image_expectations.json") }

    /// Little-endian float32 values of a fixture.
    static func floats(_ name: String) throws -> [Float] {
        let bytes = try data(name)
        return bytes.withUnsafeBytes { raw in
            (0..<bytes.count / 4).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self))) }
        }
    }
}

/// `efficientnet_lite0/effnet_golden.json` (the preprocessing fields).
struct EffNetGolden: Decodable {
    struct Entry: Decodable {
        var name: String
        var installed_path: String
        var file_sha256: String
        var file_mode: String
        var original_size_wh: [Int]
        var alpha_handling: String
        var decoded_rgb_u8_sha256: String
        var resized_size_wh: [Int]
        var crop_box_ltrb: [Int]
        var crop_u8_sha256: String
        var crop_u8_channel_means: [Double]
        var input_channel_means: [Double]

        /// How the entry treats alpha: dropped when it says so, composited over white otherwise.
        var alpha: AlphaHandling { alpha_handling.hasPrefix("dropped") ? .drop : .compositeOverWhite }
    }

    var images: [Entry]
}

/// `image_expectations.json`, written by scripts/make-image-fixtures.py with Pillow 13.0.0.
struct ImageExpectations: Decodable {
    struct Decoded: Decodable {
        var mode: String
        var size_wh: [Int]
        var rgb_sha256_composite_over_white: String
        var rgb_sha256_drop_alpha: String
    }

    struct Resize: Decodable {
        var source: String
        var filter: String
        var size_wh: [Int]
        var sha256: String
    }

    var decode: [String: Decoded]
    var resize: [Resize]
}

extension RGBImage {
    /// The sha256 of the pixel bytes, as the fixtures give it.
    var sha256: String { sha256Hex(pixels) }

    /// [width, height], as the fixtures give sizes.
    var sizeWH: [Int] { [width, height] }

    /// The pixel at (x, y) as [R, G, B].
    func rgb(_ x: Int, _ y: Int) -> [UInt8] {
        let pixel = self[x, y]
        return [pixel.red, pixel.green, pixel.blue]
    }

    /// Per-channel means of the pixel bytes.
    var channelMeans: [Double] {
        var sums = [0.0, 0.0, 0.0]
        for (index, value) in pixels.enumerated() { sums[index % 3] += Double(value) }
        return sums.map { $0 / Double(width * height) }
    }
}
