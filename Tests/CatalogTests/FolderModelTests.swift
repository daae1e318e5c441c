@testable import Catalog
import Encoders
import Foundation
import Testing
import TestSupport
import VectorMath

/// Hugging Face model folders named by path wherever a model name goes (`FolderModels`), on the
/// tiny random CLIP and ResNet of `shared/reference` (copied into the encoder tests' fixtures).
@Suite struct FolderModelTests {
    static let tests = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    static let clip = tests.appendingPathComponent("TextEncodersTests/Fixtures/clip_tiny")
    static let resnet = tests.appendingPathComponent("VisionEncodersTests/Fixtures/resnet_tiny")
    static let picture = tests.appendingPathComponent("EncodersTests/Fixtures/images/chessboard_RGB.png")

    struct Golden: Decodable {
        struct Text: Decodable {
            var text: String
            var hf_agrees_with_open_clip: Bool
            var text_embeds: [Float]
        }
        var texts: [Text]
    }

    @Test("A CLIP folder is a model with both towers: texts match the reference embeddings, images land in the same space")
    func clipFolder() async throws {
        let registry = BuiltInModels.registry()
        let descriptor = try registry.descriptor(Self.clip.path + "/")
        #expect(descriptor.name == Self.clip.standardizedFileURL.path)
        #expect(descriptor.dimensions == 32 && descriptor.mediaTypes == [.image])
        let model = try await registry.model(Self.clip.path)
        #expect(model.acceptsTextQueries && model.acceptsImageQueries)

        let golden = try JSONDecoder().decode(Golden.self, from: Data(contentsOf: Self.clip.appendingPathComponent("../clip_golden.json")))
        let cases = golden.texts.filter(\.hf_agrees_with_open_clip).prefix(4)
        let embedded = try await model.embed(texts: cases.map(\.text))
        for (vector, reference) in zip(embedded, cases) {
            let worst = zip(vector, reference.text_embeds).map { abs($0 - $1) }.max() ?? .infinity
            #expect(worst < 1e-4, "\(reference.text): max abs diff \(worst)")
        }
        let image = try await model.embed(images: [[UInt8](Data(contentsOf: Self.picture))])
        #expect(image.count == 1 && image[0].count == 32)
        #expect(abs(image[0].reduce(0) { $0 + $1 * $1 } - 1) < 1e-4)
        // Named again by its absolute path, it is the same loaded model.
        #expect(registry.descriptors.contains(descriptor))
    }

    @Test("A space backed by a model folder stores its absolute path and searches images by words")
    func clipSpace() async throws {
        let folder = try TemporaryFolder()
        let catalog = try await Catalog.open(CatalogConfiguration(dataDirectory: folder.path, models: BuiltInModels.registry(), threads: 2))
        let dataset = try await catalog.createDataset(NewDataset(name: "pictures"))
        let images = try FileManager.default.contentsOfDirectory(atPath: Self.picture.deletingLastPathComponent().path)
            .filter { $0.hasSuffix(".png") && !$0.contains("bomb") && !$0.contains("16") }.sorted().prefix(4)
        _ = try await catalog.addRows(
            images.map { NewDataRow(id: $0, rowData: Self.picture.deletingLastPathComponent().appendingPathComponent($0).path, mediaType: .image) },
            to: dataset.id)
        let roundabout = Self.clip.path + "/../" + Self.clip.lastPathComponent
        let space = try await catalog.createSpace(NewEmbeddingSpace(name: "clip", kind: .model(roundabout)), in: dataset.id)
        #expect(space.kind.modelName == Self.clip.standardizedFileURL.path)
        #expect(space.dimensions == 32)
        let job = try await catalog.waitForJob(try await catalog.computeEmbeddings(space: "clip", in: dataset.id).id)
        #expect(job.state == .succeeded && job.done == images.count && job.failedItems == 0)
        let response = try await catalog.search(SearchRequest(dataset: dataset.id, space: "clip", query: .text("a photo of a chessboard"), k: 3))
        #expect(response.hits.count == 3)
        await catalog.close()
    }

    @Test("A ResNet folder gives pooled features; without a head it does not classify")
    func resnetFolder() async throws {
        let registry = BuiltInModels.registry()
        let model = try await registry.model(Self.resnet.path)
        #expect(model.dimensions == 128 && !model.acceptsTextQueries)
        let vectors = try await model.embed(images: [[UInt8](Data(contentsOf: Self.picture))])
        #expect(vectors.first?.count == 128)
        await expectCatalogError(.unsupported) { try await model.classify(images: [[UInt8](Data(contentsOf: Self.picture))], top: 3) }
        await expectCatalogError(.unsupported) { try await model.embed(texts: ["words"]) }
    }

    @Test("preprocessor_config.json is read as Hugging Face's image processors read it")
    func preprocessorConfig() throws {
        let folder = try TemporaryFolder()
        let url = URL(fileURLWithPath: folder.path)
        let write = { (json: String) in try Data(json.utf8).write(to: url.appendingPathComponent("preprocessor_config.json")) }
        // microsoft/resnet-50's ConvNextImageProcessor: shortest edge 224 / crop_pct 0.875 = 256, crop 224.
        try write(#"{"crop_pct": 0.875, "do_resize": true, "image_mean": [0.485, 0.456, 0.406], "image_std": [0.229, 0.224, 0.225], "resample": 3, "rescale_factor": 0.00392156862745098, "size": {"shortest_edge": 224}}"#)
        let resnet = try FolderModels.imagePreprocessor(url, fallback: .clip, defaultMean: [0, 0, 0], defaultStd: [1, 1, 1])
        #expect(resnet.shorterSide == 256 && resnet.cropWidth == 224 && resnet.cropHeight == 224)
        #expect(resnet.mean == ImagePreprocessor.imageNet.mean && resnet.std == ImagePreprocessor.imageNet.std)
        // openai/clip-vit-base-patch32's CLIPImageProcessor.
        try write(#"{"crop_size": {"height": 224, "width": 224}, "image_mean": [0.48145466, 0.4578275, 0.40821073], "image_std": [0.26862954, 0.26130258, 0.27577711], "size": {"shortest_edge": 224}}"#)
        let clip = try FolderModels.imagePreprocessor(url, fallback: .imageNet, defaultMean: [0, 0, 0], defaultStd: [1, 1, 1])
        #expect(clip == ImagePreprocessor.clip)
        try write(#"{"image_mean": [0.5, 0.5, 0.5]}"#)
        #expect(throws: CatalogError.self) { try FolderModels.imagePreprocessor(url, fallback: .clip, defaultMean: [0, 0, 0], defaultStd: [1, 1, 1]) }
    }

    @Test("Bad folders and names are clear errors")
    func badFolders() async throws {
        let registry = BuiltInModels.registry()
        let folder = try TemporaryFolder()
        let missing = await expectCatalogError(.notFound) { try registry.descriptor(folder.path) }
        #expect(missing?.message.contains("config.json") == true)
        try Data(#"{"model_type": "gpt2"}"#.utf8).write(to: URL(fileURLWithPath: folder.file("config.json")))
        let unsupported = await expectCatalogError(.unsupported) { try registry.descriptor(folder.path) }
        #expect(unsupported?.message.contains("gpt2") == true)
        try Data("not json".utf8).write(to: URL(fileURLWithPath: folder.file("config.json")))
        await expectCatalogError(.invalidArgument) { try registry.descriptor(folder.path) }
        let unknown = await expectCatalogError(.notFound) { try registry.descriptor("minilm-typo") }
        #expect(unknown?.message.contains("minilm, ") == true && unknown?.message.contains("model folder") == true)
    }
}
