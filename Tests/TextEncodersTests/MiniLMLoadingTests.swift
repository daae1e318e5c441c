import Encoders
import Foundation
import NeuralNet
import Testing
import TestSupport
import Tokenizers

/// Loading a BERT sentence encoder from a folder: every bad file or tensor is an error that names it.
@Suite("MiniLM loading")
struct MiniLMLoadingTests {
    /// A folder holding links to the cached model's files, except those omitted and those given
    /// as `files` (written as new files, never through a link into the cache).
    static func folder(config: String? = nil, omitting: Set<String> = [], files: [String: String] = [:]) throws -> TemporaryFolder {
        let source = try TextEncoderFixtures.minilmFolder()
        let folder = try TemporaryFolder()
        var files = files
        if let config { files["config.json"] = config }
        for name in ["config.json", "vocab.txt", "model.safetensors", "tokenizer.json", "sentence_bert_config.json"]
        where !omitting.contains(name) && files[name] == nil {
            try FileManager.default.createSymbolicLink(atPath: folder.file(name), withDestinationPath: source.appendingPathComponent(name).path)
        }
        for (name, contents) in files {
            try FileManager.default.createDirectory(
                atPath: (folder.file(name) as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try Data(contents.utf8).write(to: URL(fileURLWithPath: folder.file(name)))
        }
        return folder
    }

    @Test("config.json problems name the file and the key", arguments: [
        (#"{"hidden_act": "swish"}"#, "hidden_act"),
        (#"{"hidden_size": 384, "num_attention_heads": 7}"#, "num_attention_heads"),
        (#"{"num_hidden_layers": -1}"#, "num_hidden_layers"),
        (#"{"layer_norm_eps": "small"}"#, "layer_norm_eps"),
        (#"{"position_embedding_type": "relative_key"}"#, "position_embedding_type"),
        ("not json", "config.json"),
    ])
    func badConfiguration(json: String, key: String) throws {
        let folder = try Self.folder(config: json)
        let error = #expect(throws: NeuralNetError.self) { try MiniLMEncoder(folder: URL(fileURLWithPath: folder.path)) }
        #expect(error?.code == .badConfiguration)
        #expect(error?.message.contains(key) == true && error?.message.contains("config.json") == true, "\(String(describing: error))")
    }

    @Test("sizes in config.json that do not fit the weights name the tensor")
    func sizesDoNotFit() throws {
        let folder = try Self.folder(config: #"{"hidden_size": 384, "num_attention_heads": 12, "num_hidden_layers": 6, "intermediate_size": 1024}"#)
        let error = #expect(throws: NeuralNetError.self) { try MiniLMEncoder(folder: URL(fileURLWithPath: folder.path)) }
        #expect(error?.code == .shapeMismatch)
        #expect(error?.message.contains("encoder.layer.0.intermediate.dense.weight") == true, "\(String(describing: error))")
        let fewer = try Self.folder(config: #"{"hidden_size": 384, "num_attention_heads": 12, "num_hidden_layers": 5, "intermediate_size": 1536}"#)
        let extra = #expect(throws: NeuralNetError.self) { try MiniLMEncoder(folder: URL(fileURLWithPath: fewer.path)) }
        #expect(extra?.code == .unexpectedTensor && extra?.message.contains("encoder.layer.5.") == true)
    }

    @Test("missing files name the file")
    func missingFiles() throws {
        for (omitted, code) in [("config.json", NeuralNetError.Code.unreadableFile), ("model.safetensors", .unreadableFile)] {
            let folder = try Self.folder(omitting: [omitted])
            let error = #expect(throws: NeuralNetError.self) { try MiniLMEncoder(folder: URL(fileURLWithPath: folder.path)) }
            #expect(error?.code == code && error?.message.contains(omitted) == true)
        }
        let noVocabulary = try Self.folder(omitting: ["vocab.txt", "tokenizer.json"])
        let error = #expect(throws: NeuralNetError.self) { try MiniLMEncoder(folder: URL(fileURLWithPath: noVocabulary.path)) }
        #expect(error?.message.contains("vocab.txt") == true)
    }

    @Test("tokenizer.json alone gives the same ids (its 128-token truncation is overridden with 256)")
    func tokenizerJSONOnly() throws {
        let folder = try Self.folder(omitting: ["vocab.txt"])
        let encoder = try MiniLMEncoder(folder: URL(fileURLWithPath: folder.path))
        let golden = try TextEncoderFixtures.decode(MiniLMGolden.self, from: "minilm_golden.json")
        let long = try #require(golden.cases.first { $0.name == "long_truncated" })
        #expect(encoder.maxLength == 256)
        #expect(encoder.tokenize([long.text])[0] == long.token_ids)
    }

    @Test("sentence_bert_config.json sets the truncation; 1_Pooling chooses mean or CLS pooling, and others are refused")
    func sentenceTransformersFiles() throws {
        let short = try Self.folder(files: ["sentence_bert_config.json": #"{"max_seq_length": 8}"#])
        let encoder = try MiniLMEncoder(folder: URL(fileURLWithPath: short.path))
        #expect(encoder.maxLength == 8 && encoder.pooling == .mean)
        #expect(encoder.tokenize(["one two three four five six seven eight nine"])[0].count == 8)

        let cls = try Self.folder(files: ["1_Pooling/config.json": #"{"pooling_mode_cls_token": true, "pooling_mode_mean_tokens": false}"#])
        let clsEncoder = try MiniLMEncoder(folder: URL(fileURLWithPath: cls.path))
        #expect(clsEncoder.pooling == .classToken)
        let meanEncoder = try TextEncoderFixtures.minilm.get()
        let texts = ["a cat sat on the mat", "quantum chromodynamics"]
        let clsVectors = try clsEncoder.embed(texts)
        #expect(clsVectors != (try meanEncoder.embed(texts)))
        #expect(clsVectors.allSatisfy { abs($0.reduce(0) { $0 + $1 * $1 } - 1) < 1e-5 })

        let max = try Self.folder(files: ["1_Pooling/config.json": #"{"pooling_mode_max_tokens": true}"#])
        let error = #expect(throws: NeuralNetError.self) { try MiniLMEncoder(folder: URL(fileURLWithPath: max.path)) }
        #expect(error?.code == .badConfiguration && error?.message.contains("1_Pooling") == true)
    }

    @Test("a checkpoint with the bert. prefix loads; a missing or unknown tensor is named")
    func checkpointTensors() throws {
        let source = try TextEncoderFixtures.minilmFolder()
        let configuration = try BertConfiguration(contentsOf: source.appendingPathComponent("config.json"))
        let weights = try SafeTensorsFile(url: source.appendingPathComponent("model.safetensors"))
        let missing = "encoder.layer.3.attention.self.value.bias"
        let missingError = #expect(throws: NeuralNetError.self) {
            try BertModel(configuration: configuration, weights: EditedArchive(base: weights, hidden: [missing]))
        }
        #expect(missingError?.code == .missingTensor && missingError?.message.contains(missing) == true)
        let unknownError = #expect(throws: NeuralNetError.self) {
            try BertModel(configuration: configuration, weights: EditedArchive(base: weights, extra: ["encoder.layer.0.adapter.weight": Tensor(shape: [1])]))
        }
        #expect(unknownError?.code == .unexpectedTensor && unknownError?.message.contains("encoder.layer.0.adapter.weight") == true)

        let prefixed = PrefixedArchive(base: weights, prefix: "bert.", extra: ["cls.predictions.bias": Tensor(shape: [30_522])])
        let model = try BertModel(configuration: configuration, weights: prefixed)
        let reference = try TextEncoderFixtures.minilm.get().model
        let layout = SequenceLayout(lengths: [4])
        let ids: [Int32] = [101, 7592, 2088, 102]
        #expect(try model.hiddenStates(ids: ids, layout: layout) == reference.hiddenStates(ids: ids, layout: layout))
    }
}

/// Every tensor of `base` under `prefix`, plus `extra` (task heads outside the prefix).
struct PrefixedArchive: WeightArchive {
    let base: any WeightArchive
    let prefix: String
    var extra: [String: Tensor] = [:]

    var source: String { base.source }
    var tensorNames: [String] { (base.tensorNames.map { prefix + $0 } + extra.keys).sorted() }

    func shape(of name: String) -> [Int]? {
        if let tensor = extra[name] { return tensor.shape }
        return name.hasPrefix(prefix) ? base.shape(of: String(name.dropFirst(prefix.count))) : nil
    }

    func tensor(named name: String) throws -> Tensor {
        if let tensor = extra[name] { return tensor }
        guard name.hasPrefix(prefix) else { throw NeuralNetError(.missingTensor, "no tensor '\(name)'") }
        return try base.tensor(named: String(name.dropFirst(prefix.count)))
    }
}
