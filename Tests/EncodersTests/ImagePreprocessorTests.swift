import Encoders
import Foundation
import TestSupport
import Testing

/// The preprocessing presets' geometry and statistics, and configuration checks. (The
/// EfficientNet-Lite preset's pixels are checked against the reference in
/// EfficientNetPreprocessingTests.)
@Suite struct ImagePreprocessorTests {
    @Test func efficientNetRoundsTheLongSideAndFloorsTheOffset() throws {
        let preset = ImagePreprocessor.efficientNetLite
        // chelsea 451×300: 451·256/300 = 384.85 → 385 (torchvision's int() would give 384).
        #expect(try preset.resizedSize(width: 451, height: 300) == (385, 256))
        // motorcycle_left 741×500 → 379×256; (379 − 224) / 2 = 77.5 → 77 (torchvision: 78).
        #expect(try preset.cropBox(width: 741, height: 500) == PixelRect(left: 77, top: 16, width: 224, height: 224))
        // Portrait: the penguin clip art, 794×1123 → 256×362.
        #expect(try preset.resizedSize(width: 794, height: 1123) == (256, 362))
    }

    @Test func huggingFacePresetsTruncateTheLongSide() throws {
        #expect(try ImagePreprocessor.imageNet.resizedSize(width: 451, height: 300) == (384, 256))
        #expect(try ImagePreprocessor.clip.resizedSize(width: 451, height: 300) == (336, 224))
        #expect(try ImagePreprocessor.clip.cropBox(width: 451, height: 300) == PixelRect(left: 56, top: 0, width: 224, height: 224))
        let torchvision = try ImagePreprocessor(
            shorterSide: 256, longSideRounding: .down, cropWidth: 224, cropHeight: 224, cropOffsetRounding: .nearestEven,
            pixelScale: 1 / 255, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225])
        #expect(try torchvision.cropBox(width: 741, height: 500).left == 78)  // 77.5 → 78 (ties to even)
    }

    @Test func normalisationUsesEachPresetsStatistics() throws {
        let black = try RGBImage(width: 300, height: 300, pixels: [UInt8](repeating: 0, count: 300 * 300 * 3))
        let white = try RGBImage(width: 300, height: 300, pixels: [UInt8](repeating: 255, count: 300 * 300 * 3))
        let cases: [(ImagePreprocessor, [Double], [Double])] = [
            (.efficientNetLite, [127, 127, 127], [128, 128, 128]),
            (.imageNet, [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]),
            (.clip, [0.48145466, 0.4578275, 0.40821073], [0.26862954, 0.26130258, 0.27577711]),
        ]
        for (preset, mean, std) in cases {
            let scale = preset.pixelScale == 1 ? 1.0 : 1.0 / 255
            for (image, pixel) in [(black, 0.0), (white, 255.0)] {
                let tensor = try preset.tensor(for: image)
                let plane = preset.cropWidth * preset.cropHeight
                #expect(tensor.count == 3 * plane)
                for channel in 0..<3 {
                    let expected = (pixel * scale - mean[channel]) / std[channel]
                    #expect(abs(Double(tensor[channel * plane]) - expected) < 1e-6)
                    #expect(abs(Double(tensor[(channel + 1) * plane - 1]) - expected) < 1e-6)
                }
            }
        }
    }

    @Test func channelsArePlanesInRGBOrder() throws {
        // A 2×2 crop of a 2×2 image: pixels (1,2,3) (4,5,6) / (7,8,9) (10,11,12).
        let image = try RGBImage(width: 2, height: 2, pixels: (1...12).map(UInt8.init))
        let identity = try ImagePreprocessor(
            shorterSide: 2, longSideRounding: .down, cropWidth: 2, cropHeight: 2, cropOffsetRounding: .down, pixelScale: 1,
            mean: [0, 0, 0], std: [1, 1, 1])
        #expect(try identity.tensor(for: image) == [1, 4, 7, 10, 2, 5, 8, 11, 3, 6, 9, 12])
        var output = [Float](repeating: -1, count: 12)
        output.withUnsafeMutableBufferPointer { identity.normalise(image, into: $0) }
        #expect(output == [1, 4, 7, 10, 2, 5, 8, 11, 3, 6, 9, 12])
    }

    @Test func presetsPassTheirOwnValidation() throws {
        for preset in [ImagePreprocessor.efficientNetLite, .imageNet, .clip] {
            let rebuilt = try ImagePreprocessor(
                shorterSide: preset.shorterSide, longSideRounding: preset.longSideRounding, cropWidth: preset.cropWidth,
                cropHeight: preset.cropHeight, cropOffsetRounding: preset.cropOffsetRounding, filter: preset.filter,
                pixelScale: preset.pixelScale, mean: preset.mean, std: preset.std)
            #expect(rebuilt == preset)
        }
    }

    @Test func badConfigurationsAndImagesAreErrors() throws {
        func invalid(_ make: () throws -> ImagePreprocessor) {
            #expect { try make() } throws: { ($0 as? ImageError)?.code == .invalidArgument }
        }
        invalid { try ImagePreprocessor(shorterSide: 0, longSideRounding: .down, cropWidth: 1, cropHeight: 1, cropOffsetRounding: .down, pixelScale: 1, mean: [0, 0, 0], std: [1, 1, 1]) }
        invalid { try ImagePreprocessor(shorterSide: 200, longSideRounding: .down, cropWidth: 224, cropHeight: 224, cropOffsetRounding: .down, pixelScale: 1, mean: [0, 0, 0], std: [1, 1, 1]) }
        invalid { try ImagePreprocessor(shorterSide: 256, longSideRounding: .down, cropWidth: 224, cropHeight: 224, cropOffsetRounding: .down, pixelScale: 1, mean: [0, 0], std: [1, 1, 1]) }
        invalid { try ImagePreprocessor(shorterSide: 256, longSideRounding: .down, cropWidth: 224, cropHeight: 224, cropOffsetRounding: .down, pixelScale: 1, mean: [0, 0, 0], std: [1, 0, 1]) }
        // An aspect ratio so extreme that the longer side would exceed the resizer's limit.
        #expect { try ImagePreprocessor.efficientNetLite.resizedSize(width: 1, height: 100_000_000) } throws: {
            ($0 as? ImageError)?.code == .tooLarge
        }
        // A thin image still preprocesses: only the crop is computed, not the 256 × 76,800 resize.
        let thin = try RGBImage(width: 1, height: 300, pixels: [UInt8](repeating: 90, count: 900))
        #expect(try ImagePreprocessor.efficientNetLite.crop(thin).sizeWH == [224, 224])
    }
}
