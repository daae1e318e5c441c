import Encoders
import Foundation
import NeuralNet
import Testing
import TestSupport
import Tokenizers

/// The tiny random CLIP (shared/reference/clip_tiny) against transformers' outputs.
@Suite("CLIP model")
struct CLIPModelTests {
    static let golden = Result { try TextEncoderFixtures.decode(CLIPGolden.self, from: "clip_golden.json") }
    static let folder = Result { try TextEncoderFixtures.url("clip_tiny") }
    static let model = Result { try CLIPModel(folder: folder.get()) }

    /// The golden pixel tensors, `[3, 3, 64, 64]`.
    static func pixels() throws -> Tensor {
        let golden = try golden.get()
        var values: [Float] = []
        for image in golden.images {
            let data = try Data(contentsOf: TextEncoderFixtures.url(image.file))
            #expect(data.count == 3 * 64 * 64 * 4, "\(image.file)")
            values += data.withUnsafeBytes { raw in (0..<data.count / 4).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self))) } }
        }
        return try Tensor(shape: [golden.images.count, 3, 64, 64], storage: values)
    }

    @Test("all 26 texts: open_clip ids up to the first end token, normalised and raw embeddings within tolerance")
    func texts() throws {
        let golden = try Self.golden.get()
        let encoder = try CLIPTextEncoder(folder: Self.folder.get())
        #expect(golden.texts.count == 26)
        #expect(encoder.dimensions == 32)
        let embeddings = try encoder.embed(golden.texts.map(\.text))
        let raw = try encoder.model.embeddings(ids: golden.texts.map(\.ids_open_clip))
        for (index, text) in golden.texts.enumerated() {
            let ids = encoder.tokenizer.encode(text.text)
            #expect(ids == Array(text.ids_open_clip[...text.eot_index]), "\(text.name) ids")
            #expect(encoder.model.pooledPosition(of: text.ids_open_clip) == text.eot_index)
            let agreement = Agreement(embeddings[index], text.text_embeds)
            #expect(agreement.withinTolerance, "\(text.name): \(agreement)")
            let rawAgreement = Agreement(Array(raw[index * 32..<(index + 1) * 32]), text.text_embeds_unnormalized)
            #expect(rawAgreement.withinTolerance, "\(text.name) unnormalised: \(rawAgreement)")
        }
    }

    @Test("HF's ids (padded with 49407) pool at their own first end token and match text_embeds_for_ids_hf")
    func huggingFaceIDs() throws {
        let golden = try Self.golden.get()
        let encoder = try CLIPTextEncoder(folder: Self.folder.get())
        let disagreeing = golden.texts.filter { $0.text_embeds_for_ids_hf != nil }
        #expect(disagreeing.count == 5)
        let embeddings = try encoder.embed(tokenIDs: disagreeing.map(\.ids_hf))
        for (text, embedding) in zip(disagreeing, embeddings) {
            #expect(encoder.model.pooledPosition(of: text.ids_hf) == text.hf_eot_index)
            #expect(Agreement(embedding, text.text_embeds_for_ids_hf ?? []).withinTolerance, "\(text.name)")
        }
        // Padding never matters: 0-padded, 49407-padded and unpadded ids give the same vector.
        let dog = golden.texts[0]
        let variants = try encoder.embed(tokenIDs: [dog.ids_open_clip, dog.ids_hf, Array(dog.ids_open_clip[...dog.eot_index])])
        #expect(variants[0] == variants[1] && variants[1] == variants[2])
    }

    @Test("all 3 images: normalised and raw embeddings within tolerance; logits_per_text within 1e-3")
    func imagesAndLogits() throws {
        let golden = try Self.golden.get()
        let model = try Self.model.get()
        let pixels = try Self.pixels()
        let encoder = CLIPImageEncoder(model: model.vision, batchSize: 2)
        let images = try encoder.embed(pixels: pixels)
        let raw = try model.vision.embeddings(pixels: pixels)
        for (index, image) in golden.images.enumerated() {
            #expect(Agreement(images[index], image.image_embeds).withinTolerance, "\(image.file): \(Agreement(images[index], image.image_embeds))")
            #expect(Agreement(Array(raw[index * 32..<(index + 1) * 32]), image.image_embeds_unnormalized).withinTolerance)
        }
        let texts = try CLIPTextEncoder(model: model.text, tokenizer: CLIPTokenizer(
            vocabularyFile: Self.folder.get().appendingPathComponent("vocab.json"),
            mergesFile: Self.folder.get().appendingPathComponent("merges.txt"))).embed(golden.texts.map(\.text))
        let logits = model.logitsPerText(textEmbeddings: texts, imageEmbeddings: images)
        #expect(abs(exp(Double(model.logitScale)) - 14.28486) < 1e-4)
        var worst: Float = 0
        for (row, expected) in zip(logits, golden.logits_per_text.values) {
            for (value, target) in zip(row, expected) { worst = max(worst, abs(value - target)) }
        }
        #expect(worst <= 1e-3, "logits_per_text max abs diff \(worst)")
    }

    @Test("legacy configs (eos_token_id 2) pool at the first largest id")
    func legacyPooling() throws {
        let folder = try TemporaryFolder()
        let source = try Self.folder.get()
        var config = try JSONSerialization.jsonObject(with: Data(contentsOf: source.appendingPathComponent("config.json"))) as! [String: Any]
        var text = config["text_config"] as! [String: Any]
        text["eos_token_id"] = 2
        config["text_config"] = text
        let target = URL(fileURLWithPath: folder.path)
        try JSONSerialization.data(withJSONObject: config).write(to: target.appendingPathComponent("config.json"))
        for name in ["model.safetensors", "vocab.json", "merges.txt"] {
            try FileManager.default.copyItem(at: source.appendingPathComponent(name), to: target.appendingPathComponent(name))
        }
        let legacy = try CLIPTextEncoder(folder: target)
        #expect(legacy.model.pooledPosition(of: [49406, 320, 49407, 0, 0]) == 2)
        #expect(legacy.model.pooledPosition(of: [49406, 49407, 49407]) == 1)
        let golden = try Self.golden.get().texts[0]
        #expect(Agreement(try legacy.embed([golden.text])[0], golden.text_embeds).withinTolerance)
    }

    @Test("bad inputs are errors that name the problem: pixel shape, empty ids, missing and unknown tensors, bad config")
    func badInputs() throws {
        let model = try Self.model.get()
        let shapeError = #expect(throws: NeuralNetError.self) { try model.vision.embeddings(pixels: Tensor(shape: [1, 3, 32, 32])) }
        #expect(shapeError?.code == .shapeMismatch)
        let emptyError = #expect(throws: NeuralNetError.self) { try model.text.embeddings(ids: [[49406, 49407], []]) }
        #expect(emptyError?.code == .invalidInput && emptyError?.message.contains("text 1") == true)
        let idError = #expect(throws: NeuralNetError.self) { try model.text.embeddings(ids: [[49406, 60_000, 49407]]) }
        #expect(idError?.code == .invalidInput)

        let folder = try Self.folder.get()
        let configuration = try CLIPConfiguration(contentsOf: folder.appendingPathComponent("config.json"))
        let weights = try SafeTensorsFile(url: folder.appendingPathComponent("model.safetensors"))
        let missing = "vision_model.encoder.layers.1.mlp.fc2.bias"
        let missingError = #expect(throws: NeuralNetError.self) {
            try CLIPModel(configuration: configuration, weights: EditedArchive(base: weights, hidden: [missing]))
        }
        #expect(missingError?.code == .missingTensor && missingError?.message.contains(missing) == true)
        let extraError = #expect(throws: NeuralNetError.self) {
            try CLIPModel(configuration: configuration, weights: EditedArchive(base: weights, extra: ["text_model.extra.weight": Tensor(shape: [2])]))
        }
        #expect(extraError?.code == .unexpectedTensor && extraError?.message.contains("text_model.extra.weight") == true)
        var wrongWidth = configuration
        wrongWidth.projectionDimension = 16
        let widthError = #expect(throws: NeuralNetError.self) { try CLIPModel(configuration: wrongWidth, weights: weights) }
        #expect(widthError?.code == .shapeMismatch && widthError?.message.contains("text_projection.weight") == true)

        let temporary = try TemporaryFolder()
        for (json, key) in [
            (#"{"text_config": {"hidden_act": "swish"}}"#, "hidden_act"),
            (#"{"vision_config": {"image_size": 65, "patch_size": 16}}"#, "patch_size"),
            (#"{"text_config": {"hidden_size": 64, "num_attention_heads": 5}}"#, "num_attention_heads"),
            (#"{"projection_dim": "wide"}"#, "projection_dim"),
            ("[1, 2]", "config.json"),
        ] {
            let url = URL(fileURLWithPath: temporary.file("config.json"))
            try Data(json.utf8).write(to: url)
            let error = #expect(throws: NeuralNetError.self) { try CLIPConfiguration(contentsOf: url) }
            #expect(error?.code == .badConfiguration && error?.message.contains(key) == true, "\(json): \(String(describing: error))")
        }
    }
}
