import Encoders
import Foundation
import NeuralNet
import Testing
import TestSupport

/// The tiny random Hugging Face ResNetModel of ../shared/reference/resnet_tiny (bottleneck, like
/// microsoft/resnet-50) against its golden outputs, plus the resnet-50 checkpoint layout
/// (`resnet.` prefix, `classifier.1` head, `id2label`).
@Suite("ResNet")
struct ResNetTests {
    struct Golden: Decodable {
        struct Hidden: Decodable {
            let after: String
            let shape: [Int]
            let values: [Float]
        }
        struct Input: Decodable {
            let file: String
            let pooler_output: [Float]
            let last_hidden_state: [Float]
            let hidden_states: [Hidden]?
        }
        let inputs: [Input]
    }

    static func golden() throws -> Golden {
        try JSONDecoder().decode(Golden.self, from: Data(contentsOf: VisionFixtures.url("resnet_tiny/resnet_golden.json")))
    }

    static func folder() throws -> URL { try VisionFixtures.url("resnet_tiny/config.json").deletingLastPathComponent() }

    static func input(_ file: String) throws -> Tensor {
        try Tensor(shape: [1, 3, 64, 64], storage: VisionFixtures.floats("resnet_tiny/" + file))
    }

    @Test("pooler_output and last_hidden_state match the reference on all three inputs; hidden states of input 0 stage by stage")
    func matchesGolden() throws {
        let encoder = try ResNetEncoder(folder: Self.folder(), threads: 2)
        #expect(encoder.dimensions == 128)
        #expect(!encoder.hasClassifier)
        for case let (index, entry) in try Self.golden().inputs.enumerated() {
            let output = try encoder.forward(Self.input(entry.file), hiddenStates: true)
            VisionFixtures.expectClose(output.pooled.storage, entry.pooler_output, "input \(index) pooler_output")
            let hidden = try #require(output.hiddenStates)
            #expect(hidden.count == 5)
            #expect(hidden.last?.shape == [1, 128, 2, 2])
            VisionFixtures.expectClose(hidden.last?.storage ?? [], entry.last_hidden_state, "input \(index) last_hidden_state")
            for (stage, (got, want)) in zip(hidden, entry.hidden_states ?? []).enumerated() {
                #expect(got.shape == want.shape, "hidden state \(stage)")
                VisionFixtures.expectClose(got.storage, want.values, "input \(index) hidden state \(stage) (after \(want.after))")
            }
            #expect(try encoder.embed(Self.input(entry.file)) == [output.pooled.storage])
        }
        #expect(try Self.golden().inputs[0].hidden_states?.count == 5)
    }

    @Test("a batch of the three inputs gives each the output it gets alone")
    func batchesAgree() throws {
        let encoder = try ResNetEncoder(folder: Self.folder(), threads: 2)
        let golden = try Self.golden()
        let storage = try golden.inputs.flatMap { try VisionFixtures.floats("resnet_tiny/" + $0.file) }
        let batch = try encoder.forward(Tensor(shape: [3, 3, 64, 64], storage: storage), hiddenStates: true)
        let hidden = try #require(batch.hiddenStates)
        for (i, entry) in golden.inputs.enumerated() {
            VisionFixtures.expectClose(Array(batch.pooled.storage[(i * 128)..<((i + 1) * 128)]), entry.pooler_output, "image \(i) of the batch")
            // Each stage's output (kept one image at a time early on, a lane's images at once later).
            let alone = try #require(try encoder.forward(Self.input(entry.file), hiddenStates: true).hiddenStates)
            for (stage, (together, single)) in zip(hidden, alone).enumerated() {
                let size = single.count
                #expect(together.shape == [3] + single.shape.dropFirst(), "stage \(stage)")
                let slice = Array(together.storage[(i * size)..<((i + 1) * size)])
                #expect(VisionFixtures.maxAbsDiff(slice, single.storage) <= 1e-5, "image \(i), hidden state \(stage)")
            }
        }
    }

    /// Writes `tensors` as an F32 safetensors file.
    static func writeSafeTensors(_ tensors: [(String, Tensor)], to url: URL) throws {
        var header: [String] = []
        var data = Data()
        for (name, tensor) in tensors {
            let begin = data.count
            tensor.storage.withUnsafeBytes { data.append(contentsOf: $0) }
            header.append("\"\(name)\":{\"dtype\":\"F32\",\"shape\":\(tensor.shape),\"data_offsets\":[\(begin),\(data.count)]}")
        }
        let json = Data(("{" + header.joined(separator: ",") + "}").utf8)
        var file = Data()
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { file.append(contentsOf: $0) }
        try (file + json + data).write(to: url)
    }

    @Test("reads the ResNetForImageClassification layout: resnet. prefix, classifier.1 head, id2label names")
    func readsClassifierCheckpoint() throws {
        let tiny = try SafeTensorsFile(url: Self.folder().appendingPathComponent("model.safetensors"))
        var generator = SeededGenerator(seed: 5)
        let head = try Tensor(shape: [3, 128], storage: (0..<384).map { _ in generator.nextGaussian() * 0.1 })
        let bias = try Tensor(shape: [3], storage: [0.5, -0.25, 0])
        let folder = try TemporaryFolder()
        let weights = URL(fileURLWithPath: folder.file("model.safetensors"))
        try Self.writeSafeTensors(
            tiny.tensorNames.map { ("resnet." + $0, try tiny.tensor(named: $0)) } + [("classifier.1.weight", head), ("classifier.1.bias", bias)],
            to: weights)
        var config = try String(contentsOf: Self.folder().appendingPathComponent("config.json"), encoding: .utf8)
        config = config.replacingOccurrences(of: "\"model_type\"", with: "\"id2label\": {\"0\": \"cat\", \"1\": \"dog\", \"2\": \"fish\"}, \"model_type\"")
        try config.write(toFile: folder.file("config.json"), atomically: true, encoding: .utf8)

        let encoder = try ResNetEncoder(folder: URL(fileURLWithPath: folder.path), threads: 1)
        #expect(encoder.hasClassifier)
        #expect(encoder.classNames.names == ["cat", "dog", "fish"])
        let golden = try Self.golden().inputs[1]
        let result = try encoder.classify(Self.input(golden.file))
        VisionFixtures.expectClose(result.embeddings.storage, golden.pooler_output, "pooled under the resnet. prefix")
        let expected = (0..<3).map { c in (0..<128).reduce(Double(bias.storage[c])) { $0 + Double(head.storage[c * 128 + $1]) * Double(golden.pooler_output[$1]) } }
        for c in 0..<3 { #expect(abs(Double(result.logits.storage[c]) - expected[c]) < 1e-4) }
        #expect(result.top(1, ofImage: 0).first?.name == ["cat", "dog", "fish"][expected.indices.max { expected[$0] < expected[$1] }!])
    }

    @Test("bad configurations, mismatched weights and bad inputs are errors naming the field, tensor or file")
    func rejectsBadInput() throws {
        let folder = try TemporaryFolder()
        let config = URL(fileURLWithPath: folder.file("config.json"))
        for (json, words) in [
            (#"{"hidden_act": "gelu"}"#, ["hidden_act", "relu"]),
            (#"{"hidden_sizes": [16, 32], "depths": [1]}"#, ["hidden_sizes", "depths"]),
            (#"{"layer_type": "wide"}"#, ["layer_type"]),
            (#"{"depths": [1, -1, 1, 1]}"#, ["depths"]),
            (#"{"model_type": "vit"}"#, ["model_type"]),
            (#"[1, 2]"#, ["not a JSON object"]),
            (#"{"embedding_size": 16,"#, ["not valid JSON"]),
        ] {
            try json.write(to: config, atomically: true, encoding: .utf8)
            let error = #expect(throws: NeuralNetError.self, "\(json)") { try ResNetConfiguration(contentsOf: config) }
            #expect(error?.code == .badConfiguration, "\(json)")
            for word in words + [config.path] { #expect(error?.message.contains(word) == true, "\(json): \(String(describing: error))") }
        }
        let absent = folder.file("absent.json")
        let missing = #expect(throws: EncoderError.self) { try ResNetConfiguration(contentsOf: URL(fileURLWithPath: absent)) }
        #expect(missing?.code == .badModelFolder)
        #expect(missing?.message.contains(absent) == true)

        // The tiny weights under resnet-50's default configuration: the first tensor whose
        // shape differs is named.
        let weights = try Self.folder().appendingPathComponent("model.safetensors")
        let misshapen = #expect(throws: NeuralNetError.self) { try ResNetEncoder(weights: weights, configuration: ResNetConfiguration()) }
        #expect(misshapen?.code == .shapeMismatch)
        #expect(misshapen?.message.contains("embedder.embedder.convolution.weight") == true)
        try #"{"depths": [1, 1, 1, 1]}"#.write(to: config, atomically: true, encoding: .utf8)
        let noWeights = #expect(throws: EncoderError.self) { try ResNetEncoder(folder: URL(fileURLWithPath: folder.path)) }
        #expect(noWeights?.code == .badModelFolder)
        #expect(noWeights?.message.contains("model.safetensors") == true)

        let encoder = try ResNetEncoder(folder: Self.folder(), threads: 1)
        let channels = #expect(throws: EncoderError.self) { try encoder.embed(Tensor(shape: [1, 4, 64, 64])) }
        #expect(channels?.message.contains("[1, 4, 64, 64]") == true)
        #expect(try encoder.embed(Tensor(shape: [1, 3, 1, 1])).first?.count == 128)  // any size ≥ 1 runs
        let noHead = #expect(throws: EncoderError.self) { try encoder.classify(Tensor(shape: [1, 3, 64, 64])) }
        #expect(noHead?.code == .invalidArgument)
    }
}
