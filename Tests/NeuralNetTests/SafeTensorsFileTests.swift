import Foundation
import NeuralNet
import Testing
import TestSupport

@Suite("SafeTensorsFile")
struct SafeTensorsFileTests {
    static func fixture(_ name: String) throws -> URL {
        try #require(Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Fixtures"))
    }

    /// A safetensors file built by hand: the header JSON and the data bytes.
    static func file(header: String, data: [UInt8], in folder: TemporaryFolder, name: String = "t.safetensors") throws -> URL {
        var bytes = Data()
        var length = UInt64(header.utf8.count).littleEndian
        withUnsafeBytes(of: &length) { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: Array(header.utf8))
        bytes.append(contentsOf: data)
        let url = URL(fileURLWithPath: folder.file(name))
        try bytes.write(to: url)
        return url
    }

    @Test("reads the tiny ResNet's float tensors and its 0-d int64 counters")
    func readsResNetTiny() throws {
        let file = try SafeTensorsFile(url: Self.fixture("resnet_tiny.safetensors"))
        #expect(file.tensorNames.count == 96)
        let conv = try file.tensor(named: "embedder.embedder.convolution.weight")
        #expect(conv.shape == [16, 3, 7, 7])
        #expect(conv.storage.allSatisfy { $0.isFinite })
        #expect(conv.storage.contains { $0 != 0 })
        let counter = try file.tensor(named: "embedder.embedder.normalization.num_batches_tracked")
        #expect(counter.shape == [])
        #expect(counter.count == 1)
    }

    @Test("converts F16, BF16, I64 and F64 to Float32")
    func convertsElementTypes() throws {
        let folder = try TemporaryFolder()
        // 1.5 as F16 = 0x3E00; -2 as BF16 = 0xC000; 7 as I64; 0.25 as F64.
        var data: [UInt8] = [0x00, 0x3E, 0x00, 0xC0]
        data += withUnsafeBytes(of: Int64(7).littleEndian, Array.init)
        data += withUnsafeBytes(of: Double(0.25).bitPattern.littleEndian, Array.init)
        let header = """
            {"h":{"dtype":"F16","shape":[1],"data_offsets":[0,2]},\
            "b":{"dtype":"BF16","shape":[1],"data_offsets":[2,4]},\
            "i":{"dtype":"I64","shape":[],"data_offsets":[4,12]},\
            "d":{"dtype":"F64","shape":[1,1],"data_offsets":[12,20]},\
            "__metadata__":{"format":"pt"}}
            """
        let file = try SafeTensorsFile(url: Self.file(header: header, data: data, in: folder))
        #expect(file.tensorNames == ["b", "d", "h", "i"])
        #expect(try file.tensor(named: "h").storage == [1.5])
        #expect(try file.tensor(named: "b").storage == [-2])
        #expect(try file.tensor(named: "i").storage == [7])
        #expect(try file.tensor(named: "d").shape == [1, 1])
        #expect(try file.tensor(named: "d").storage == [0.25])
    }

    @Test("rejects damaged files with an error naming the file or tensor", arguments: [
        ("offsets past the end", #"{"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}"#, NeuralNetError.Code.corruptFile),
        ("offsets that disagree with the shape", #"{"w":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#, .corruptFile),
        ("an unknown dtype", #"{"w":{"dtype":"C64","shape":[1],"data_offsets":[0,8]}}"#, .unsupportedType),
        ("a header that is not JSON", #"{"w":{"dtype":"F32","#, .corruptFile),
        ("an entry without offsets", #"{"w":{"dtype":"F32","shape":[2]}}"#, .corruptFile),
    ])
    func rejectsDamagedFiles(label: String, header: String, code: NeuralNetError.Code) throws {
        let folder = try TemporaryFolder()
        let url = try Self.file(header: header, data: [UInt8](repeating: 0, count: 8), in: folder)
        let error = #expect(throws: NeuralNetError.self, "\(label)") { try SafeTensorsFile(url: url) }
        #expect(error?.code == code, "\(label): \(String(describing: error))")
        #expect(error?.message.contains(url.path) == true)
    }

    @Test("rejects a truncated file, an absurd header length and a missing file")
    func rejectsTruncatedFiles() throws {
        let folder = try TemporaryFolder()
        let good = try Data(contentsOf: Self.fixture("resnet_tiny.safetensors"))
        for length in [0, 7, 8, 100, good.count / 2, good.count - 1] {
            let url = URL(fileURLWithPath: folder.file("cut-\(length).safetensors"))
            try good.prefix(length).write(to: url)
            let error = #expect(throws: NeuralNetError.self) { try SafeTensorsFile(url: url) }
            #expect(error?.code == .corruptFile, "cut at \(length)")
        }
        var absurd = Data(repeating: 0xFF, count: 8)
        absurd.append(contentsOf: [UInt8](repeating: 0, count: 64))
        let absurdURL = URL(fileURLWithPath: folder.file("absurd.safetensors"))
        try absurd.write(to: absurdURL)
        #expect(throws: NeuralNetError.self) { try SafeTensorsFile(url: absurdURL) }
        let missing = URL(fileURLWithPath: folder.file("nothing-here.safetensors"))
        let error = #expect(throws: NeuralNetError.self) { try SafeTensorsFile(url: missing) }
        #expect(error?.code == .unreadableFile)
    }

    @Test("WeightReader reports missing, misshapen and unused tensors by name")
    func weightReaderReportsByName() throws {
        let file = try SafeTensorsFile(url: Self.fixture("resnet_tiny.safetensors"))
        let reader = WeightReader(file, prefix: "embedder.embedder.")
        let missing = #expect(throws: NeuralNetError.self) { try reader.tensor("convolution.bias") }
        #expect(missing?.code == .missingTensor)
        #expect(missing?.message.contains("embedder.embedder.convolution.bias") == true)
        let misshapen = #expect(throws: NeuralNetError.self) { try reader.tensor("convolution.weight", shape: [16, 3, 3, 3]) }
        #expect(misshapen?.code == .shapeMismatch)
        _ = try reader.tensor("convolution.weight", shape: [16, 3, 7, 7])
        let unused = #expect(throws: NeuralNetError.self) { try reader.checkAllUsed() }
        #expect(unused?.code == .unexpectedTensor)
        #expect(unused?.message.contains("normalization.weight") == true)
        for name in ["weight", "bias", "running_mean", "running_var"] { _ = try reader.tensor("normalization.\(name)") }
        try reader.checkAllUsed { $0.hasSuffix("num_batches_tracked") }
    }
}
