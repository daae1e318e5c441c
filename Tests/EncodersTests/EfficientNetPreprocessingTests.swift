import Encoders
import Foundation
import TestSupport
import Testing

/// The EfficientNet-Lite0 reference (shared/reference/README.md §2): every checkpoint of the
/// preprocessing of its 12 images, decoded from the real files Debian installs, must match
/// exactly (hashes) or within 1e-5 (float means).
@Suite struct EfficientNetPreprocessingTests {
    let golden: EffNetGolden
    let preprocessor = ImagePreprocessor.efficientNetLite

    init() throws {
        golden = try ImageFixtures.golden.get()
    }

    @Test func everyGoldenImageMatchesEveryCheckpoint() throws {
        #expect(golden.images.count == 12)
        for entry in golden.images {
            let path = try ImageFixtures.installed(entry.installed_path)
            let file = try Data(contentsOf: URL(fileURLWithPath: path))
            try #require(sha256Hex(file) == entry.file_sha256, "\(entry.name): \(path) is not the file the reference used")

            let image = try ImageDecoder(alpha: entry.alpha).decode(file: path)
            #expect(image.sizeWH == entry.original_size_wh, "\(entry.name)")
            #expect(image.sha256 == entry.decoded_rgb_u8_sha256, "\(entry.name): decoded RGB differs from Pillow's")

            let resized = try preprocessor.resizedSize(width: image.width, height: image.height)
            #expect([resized.width, resized.height] as [Int] == entry.resized_size_wh, "\(entry.name)")
            let box = try preprocessor.cropBox(width: image.width, height: image.height)
            #expect([box.left, box.top, box.right, box.bottom] == entry.crop_box_ltrb, "\(entry.name)")

            let crop = try preprocessor.crop(image)
            #expect(crop.sha256 == entry.crop_u8_sha256, "\(entry.name): the 224×224 crop differs from Pillow's")
            for (mean, expected) in zip(crop.channelMeans, entry.crop_u8_channel_means) {
                #expect(abs(mean - expected) <= 1e-3, "\(entry.name): crop mean \(mean) vs \(expected)")
            }

            let tensor = try preprocessor.tensor(for: image)
            #expect(tensor.count == 3 * 224 * 224)
            for channel in 0..<3 {
                let plane = tensor[(channel * 224 * 224)..<((channel + 1) * 224 * 224)]
                let mean = plane.reduce(0.0) { $0 + Double($1) } / Double(plane.count)
                #expect(abs(mean - entry.input_channel_means[channel]) <= 1e-5, "\(entry.name) channel \(channel): \(mean)")
            }
        }
    }

    @Test func chelseaCropEqualsTheSavedCrop() throws {
        let image = try ImageDecoder().decode(file: ImageFixtures.skimage("chelsea.png"))
        let crop = try preprocessor.crop(image)
        let saved = try ImageFixtures.data("crop_chelsea_224x224x3_u8.bin")
        #expect(crop.pixels == Array(saved))
    }

    @Test func chelseaTensorEqualsTheSavedInputTransposedToCHW() throws {
        let image = try ImageDecoder().decode(file: ImageFixtures.skimage("chelsea.png"))
        let tensor = try preprocessor.tensor(for: image)
        let hwc = try ImageFixtures.floats("input_chelsea_224x224x3_f32le.bin")
        try #require(hwc.count == 224 * 224 * 3)
        var chw = [Float](repeating: 0, count: hwc.count)
        for y in 0..<224 {
            for x in 0..<224 {
                for c in 0..<3 { chw[c * 224 * 224 + y * 224 + x] = hwc[(y * 224 + x) * 3 + c] }
            }
        }
        #expect(tensor == chw)  // (p − 127) / 128 is exact in float32
    }

    @Test func batchIsTheSinglesOneAfterAnother() throws {
        let decoder = ImageDecoder()
        let images = try ["chelsea.png", "camera.png", "coffee.png"].map { try decoder.decode(file: ImageFixtures.skimage($0)) }
        let batch = try preprocessor.tensor(for: images)
        let singles = try images.flatMap { try preprocessor.tensor(for: $0) }
        #expect(batch.count == 3 * preprocessor.valuesPerImage)
        #expect(batch == singles)
    }
}
