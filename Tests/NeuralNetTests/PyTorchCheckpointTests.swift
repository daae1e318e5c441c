import Foundation
import NeuralNet
import Testing
import TestSupport

@Suite("PyTorchCheckpoint")
struct PyTorchCheckpointTests {
    static func fixture(_ name: String) throws -> URL {
        try Fixtures.url("pytorch/" + name, in: .module, target: "NeuralNetTests")
    }

    /// What torch itself read back from state_zip.pt (scripts/make-pytorch-fixtures.py).
    struct Expected: Decodable {
        struct Entry: Decodable {
            let shape: [Int]
            let strides: [Int]
            let dtype: String
            let values: [Double]
        }
        let tensors: [String: Entry]
    }

    static func expected() throws -> Expected {
        try JSONDecoder().decode(Expected.self, from: Data(contentsOf: fixture("expected.json")))
    }

    static func expectError(
        _ code: NeuralNetError.Code, naming words: [String], sourceLocation: SourceLocation = #_sourceLocation,
        _ body: () throws -> Void
    ) {
        let error = #expect(throws: NeuralNetError.self, sourceLocation: sourceLocation) { try body() }
        #expect(error?.code == code, "\(String(describing: error))", sourceLocation: sourceLocation)
        for word in words {
            #expect(error?.message.contains(word) == true, "'\(word)' not in: \(String(describing: error))", sourceLocation: sourceLocation)
        }
    }

    @Test("reads every element type, permuted strides and shared storages, in both formats",
          arguments: [("state_zip.pt", PyTorchCheckpoint.Format.zip), ("state_legacy.pt", .legacy)])
    func readsStateDict(file: String, format: PyTorchCheckpoint.Format) throws {
        let checkpoint = try PyTorchCheckpoint(url: Self.fixture(file))
        let expected = try Self.expected()
        #expect(checkpoint.format == format)
        #expect(checkpoint.tensorNames == expected.tensors.keys.sorted())
        // The fixture really has views that are not row-major (otherwise this test proves little).
        #expect(expected.tensors["conv.weight"]?.strides == [12, 1, 6, 3])
        #expect(expected.tensors["linear.weight_t"]?.strides == [1, 3])
        #expect(expected.tensors["expanded"]?.strides == [0, 1])
        for (name, entry) in expected.tensors {
            #expect(checkpoint.shape(of: name) == entry.shape, "\(name)")
            let tensor = try checkpoint.tensor(named: name)
            #expect(tensor.shape == entry.shape, "\(name)")
            #expect(tensor.storage == entry.values.map { Float($0) }, "\(name) (\(entry.dtype))")
        }
        Self.expectError(.missingTensor, naming: ["no.such.tensor", file]) { _ = try checkpoint.tensor(named: "no.such.tensor") }
    }

    @Test("a nested checkpoint gives dotted names and ignores values that are not tensors")
    func readsNestedDicts() throws {
        let checkpoint = try PyTorchCheckpoint(url: Self.fixture("nested_zip.pt"))
        #expect(checkpoint.tensorNames == ["state_dict.b", "state_dict.w"])
        #expect(try checkpoint.tensor(named: "state_dict.b").storage == [-7, 8])
    }

    @Test("a legacy storage view: the tensor's offset counts from the view's start")
    func readsLegacyStorageView() throws {
        let checkpoint = try PyTorchCheckpoint(url: Self.fixture("legacy_view.pt"))
        #expect(checkpoint.format == .legacy)
        #expect(try checkpoint.tensor(named: "viewed").storage == [3, 4, 5])
    }

    @Test("refuses a global it does not know, naming it, and runs nothing")
    func refusesUnknownGlobals() throws {
        let url = try Self.fixture("disallowed.pt")
        Self.expectError(.unsupportedType, naming: ["posix.system", url.path]) { _ = try PyTorchCheckpoint(url: url) }
    }

    @Test("rejects damaged and foreign files with an error naming the file", arguments: [
        ("bad_count_legacy.pt", NeuralNetError.Code.corruptFile, "element"),
        ("missing_record.pt", .corruptFile, "data/1"),
        ("compressed.pt", .unsupportedType, "compressed"),
        ("not_a_dict.pt", .corruptFile, "not a state dict"),
        ("huge_view.pt", .unsupportedType, "too large"),
        ("expected.json", .unreadableFile, "not a PyTorch checkpoint"),
    ])
    func rejectsDamagedFiles(file: String, code: NeuralNetError.Code, reason: String) throws {
        let url = try Self.fixture(file)
        Self.expectError(code, naming: [url.path, reason]) { _ = try PyTorchCheckpoint(url: url) }
    }

    @Test("every truncation of either format is an error, never a crash or a partial load",
          arguments: ["state_zip.pt", "state_legacy.pt", "legacy_view.pt"])
    func rejectsTruncatedFiles(file: String) throws {
        let folder = try TemporaryFolder()
        let good = try Data(contentsOf: Self.fixture(file))
        var lengths = Set([0, 1, 2, 3, 4, 13, 14, 15, 20, 100, good.count - 22, good.count - 1])
        for step in 1..<24 { lengths.insert(good.count * step / 24) }
        for length in lengths.sorted() where length >= 0 && length < good.count {
            let url = URL(fileURLWithPath: folder.file("cut-\(length)-\(file)"))
            try good.prefix(length).write(to: url)
            let error = #expect(throws: NeuralNetError.self, "\(file) cut at \(length)") { try PyTorchCheckpoint(url: url) }
            #expect(error.map { [.corruptFile, .unreadableFile].contains($0.code) } == true, "\(file) cut at \(length): \(String(describing: error))")
            #expect(error?.message.contains(url.path) == true)
        }
        let missing = URL(fileURLWithPath: folder.file("absent.pt"))
        Self.expectError(.unreadableFile, naming: [missing.path]) { _ = try PyTorchCheckpoint(url: missing) }
    }

    @Test("reads the real EfficientNet-Lite0 legacy .pth, permuted strides included")
    func readsEfficientNetCheckpoint() throws {
        let url = try Fixtures.modelFile("efficientnet-lite0/efficientnet-lite0.pth")
        let checkpoint = try PyTorchCheckpoint(url: url)
        #expect(checkpoint.format == .legacy)
        #expect(checkpoint.tensorNames.count == 296)
        // Values torch gives for these tensors (stored with strides (1, 32, 288, 96) and (1, 1000)).
        let stem = try checkpoint.tensor(named: "_conv_stem.weight")
        #expect(stem.shape == [32, 3, 3, 3])
        #expect(Array(stem.storage.prefix(4)) == [-1.1103360652923584, -1.3087704181671143, -0.010156914591789246, 0.9208119511604309])
        #expect(abs(stem.storage.reduce(0.0) { $0 + Double($1) } - -26.811376610887237) < 1e-4)
        let fc = try checkpoint.tensor(named: "_fc.weight")
        #expect(fc.shape == [1000, 1280])
        #expect(Array(fc.storage.prefix(3)) == [-0.04561043530702591, -0.09470871090888977, -0.05684146657586098])
        #expect(abs(fc.storage.reduce(0.0) { $0 + Double($1) } - -470.63256730128705) < 1e-3)
        let project = try checkpoint.tensor(named: "_blocks.15._project_conv.weight")
        #expect(project.shape == [320, 1152, 1, 1])
        #expect(Array(project.storage.prefix(3)) == [0.03738270327448845, 0.029342927038669586, -0.028256788849830627])
        #expect(try checkpoint.tensor(named: "_bn0.num_batches_tracked").shape == [])
    }
}
