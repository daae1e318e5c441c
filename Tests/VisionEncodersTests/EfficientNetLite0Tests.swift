import Encoders
import Foundation
import NeuralNet
import Testing
import TestSupport

/// EfficientNet-Lite0 with the real weights against ../shared/reference/efficientnet_lite0
/// (the network on the saved preprocessed input of `chelsea`).
@Suite("EfficientNet-Lite0", .serialized)
struct EfficientNetLite0Tests {
    struct Golden: Decodable {
        struct Image: Decodable {
            struct Top: Decodable {
                let index: Int
                let name: String
                let clean_name: String
                let prob: Float
            }
            let name: String
            let installed_path: String
            let file_sha256: String
            let alpha_handling: String
            let embedding: [Float]
            let logits: [Float]
            let top5: [Top]
        }
        let images: [Image]
    }

    /// The real weights, from the model store (`make models` or `loupe models fetch` fills it;
    /// a missing model fails with a message saying so).
    static let encoder = Result { try EfficientNetLite0Encoder(threads: 2) }

    static func chelsea() throws -> (input: Tensor, golden: Golden.Image) {
        let golden = try JSONDecoder().decode(Golden.self, from: Data(contentsOf: VisionFixtures.url("efficientnet_lite0/effnet_golden.json")))
        let entry = try #require(golden.images.first { $0.name == "chelsea" })
        // The saved input is HWC (224, 224, 3); the encoder takes NCHW.
        let hwc = try VisionFixtures.floats("efficientnet_lite0/input_chelsea_224x224x3_f32le.bin")
        try #require(hwc.count == 224 * 224 * 3)
        var chw = [Float](repeating: 0, count: hwc.count)
        for pixel in 0..<(224 * 224) {
            for channel in 0..<3 { chw[channel * 224 * 224 + pixel] = hwc[pixel * 3 + channel] }
        }
        return (try Tensor(shape: [1, 3, 224, 224], storage: chw), entry)
    }

    static func loadedEncoder() throws -> EfficientNetLite0Encoder {
        try encoder.get()
    }

    @Test("chelsea: embedding, logits and top-5 match the reference")
    func matchesGolden() throws {
        let encoder = try Self.loadedEncoder()
        let (input, golden) = try Self.chelsea()
        let result = try encoder.classify(input)
        #expect(result.embeddings.shape == [1, 1280])
        #expect(result.logits.shape == [1, 1000])
        VisionFixtures.expectClose(result.embeddings.storage, golden.embedding, "embedding")
        let logitDiff = VisionFixtures.maxAbsDiff(result.logits.storage, golden.logits)
        #expect(logitDiff <= 1e-3, "logits: max abs diff \(logitDiff)")
        let top = result.top(5, ofImage: 0)
        #expect(top.map(\.index) == golden.top5.map(\.index))
        #expect(top.map(\.name) == golden.top5.map(\.name))
        #expect(top.map(\.cleanName) == golden.top5.map(\.clean_name))
        for (got, want) in zip(top, golden.top5) { #expect(abs(got.probability - want.prob) < 1e-4, "\(want.name)") }
        #expect(try encoder.embed(input) == [result.embeddings.storage])
    }

    @Test("all 12 reference images, decoded and preprocessed by Encoders, in one batch: embeddings, logits and top-5")
    func matchesGoldenEndToEnd() throws {
        let encoder = try Self.loadedEncoder()
        let golden = try JSONDecoder().decode(Golden.self, from: Data(contentsOf: VisionFixtures.url("efficientnet_lite0/effnet_golden.json")))
        #expect(golden.images.count == 12)
        let preprocessor = ImagePreprocessor.efficientNetLite
        var pixels: [Float] = []
        for entry in golden.images {
            // The photos and clip art come from Debian python3-skimage and openclipart-png
            // (scripts/install-system-packages.sh build).
            let file = try Data(contentsOf: URL(fileURLWithPath: entry.installed_path))
            try #require(sha256Hex(file) == entry.file_sha256, "\(entry.installed_path) is not the file the reference used")
            let alpha: AlphaHandling = entry.alpha_handling.hasPrefix("dropped") ? .drop : .compositeOverWhite
            pixels += try preprocessor.tensor(for: ImageDecoder(alpha: alpha).decode(file: entry.installed_path))
        }
        let result = try encoder.classify(Tensor(shape: [12, 3, 224, 224], storage: pixels))
        for (i, entry) in golden.images.enumerated() {
            VisionFixtures.expectClose(Array(result.embeddings.storage[(i * 1280)..<((i + 1) * 1280)]), entry.embedding, "\(entry.name) embedding")
            let logitDiff = VisionFixtures.maxAbsDiff(result.logits(ofImage: i), entry.logits)
            #expect(logitDiff <= 1e-3, "\(entry.name): logits max abs diff \(logitDiff)")
            #expect(result.top(5, ofImage: i).map(\.index) == entry.top5.map(\.index), "\(entry.name) top-5")
        }
    }

    @Test("a batch gives each image the embedding it gets alone, on 1 or 2 threads")
    func batchesAgree() throws {
        let encoder = try Self.loadedEncoder()
        let (input, _) = try Self.chelsea()
        // Three different images: chelsea, chelsea mirrored left-right, chelsea darker.
        var mirrored = input.storage
        for row in 0..<(3 * 224) {
            mirrored[(row * 224)..<((row + 1) * 224)].reverse()
        }
        let darker = input.storage.map { ($0 * 128 + 127) * 0.6 / 128 - 127 / 128 }
        let batch = try Tensor(shape: [3, 3, 224, 224], storage: input.storage + mirrored + darker)
        let together = try encoder.embeddings(batch)
        let single = try EfficientNetLite0Encoder(threads: 1)
        for (i, image) in [input.storage, mirrored, darker].enumerated() {
            let alone = try single.embeddings(Tensor(shape: [1, 3, 224, 224], storage: image)).storage
            let row = Array(together.storage[(i * 1280)..<((i + 1) * 1280)])
            #expect(VisionFixtures.maxAbsDiff(row, alone) <= 1e-5, "image \(i)")
        }
        #expect(VisionFixtures.cosine(Array(together.storage[0..<1280]), Array(together.storage[1280..<2560])) < 0.999)
    }

    @Test("wrong inputs and wrong weight files are errors that say what is wrong")
    func rejectsBadInput() throws {
        let encoder = try Self.loadedEncoder()
        let hwc = Tensor(shape: [1, 224, 224, 3])
        let shape = #expect(throws: EncoderError.self) { try encoder.embed(hwc) }
        #expect(shape?.code == .invalidArgument)
        #expect(shape?.message.contains("[1, 224, 224, 3]") == true)
        var withNaN = Tensor(shape: [2, 3, 32, 32])
        withNaN.storage[3 * 32 * 32 + 5] = .nan
        let nan = #expect(throws: EncoderError.self) { try encoder.embed(withNaN) }
        #expect(nan?.message.contains("image 1") == true)
        #expect(throws: EncoderError.self) { try encoder.embed(Tensor(shape: [0, 3, 224, 224])) }

        let resnet = try VisionFixtures.url("resnet_tiny/model.safetensors")
        let wrongModel = #expect(throws: NeuralNetError.self) { try EfficientNetLite0Encoder(weights: resnet) }
        #expect(wrongModel?.code == .missingTensor)
        #expect(wrongModel?.message.contains("_conv_stem.weight") == true)
        let missing = URL(fileURLWithPath: "/nonexistent/efficientnet-lite0.pth")
        let absent = #expect(throws: NeuralNetError.self) { try EfficientNetLite0Encoder(weights: missing) }
        #expect(absent?.message.contains(missing.path) == true)
        let emptyStore = try TemporaryFolder()
        let notFetched = #expect(throws: ModelStoreError.self) {
            try EfficientNetLite0Encoder(store: ModelStore(directory: URL(fileURLWithPath: emptyStore.path)))
        }
        #expect(notFetched?.message.contains("loupe models fetch efficientnet-lite0") == true)
    }
}
