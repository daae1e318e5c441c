import Foundation

/// A `.safetensors` file (Hugging Face), memory-mapped: an 8-byte little-endian header length,
/// a JSON header `{name: {dtype, shape, data_offsets: [begin, end]}}`, then the raw data.
///
/// Tensors are converted to Float32 when read: F32, F16, BF16, F64, I64, I32, I16, I8, U8 and
/// BOOL are understood; 0-d tensors (shape `[]`) are scalars of one element.
public struct SafeTensorsFile: WeightArchive {
    public let source: String
    public let tensorNames: [String]
    private let entries: [String: Entry]
    private let data: Data
    private let dataStart: Int

    struct Entry: Sendable {
        let type: ElementType
        let shape: [Int]
        let begin: Int
        let end: Int
    }

    /// Maps and validates `url`: the header must be JSON, every entry's offsets must lie inside
    /// the file and match its shape and type.
    /// - Throws: `NeuralNetError` `.unreadableFile`, `.corruptFile` or `.unsupportedType`.
    public init(url: URL) throws {
        source = url.path
        data = try MappedWeightFile.map(url)
        guard data.count >= 8 else {
            throw NeuralNetError(.corruptFile, "'\(source)' is \(data.count) bytes, too short for a safetensors header")
        }
        let headerLength = data.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
        guard headerLength <= UInt64(data.count - 8), headerLength < 100_000_000 else {
            throw NeuralNetError(
                .corruptFile, "'\(source)' declares a \(headerLength)-byte header but has \(data.count) bytes")
        }
        dataStart = 8 + Int(headerLength)
        let header: [String: Any]
        do {
            let parsed = try JSONSerialization.jsonObject(with: data.subdata(in: 8..<dataStart))
            guard let object = parsed as? [String: Any] else { throw CocoaError(.propertyListReadCorrupt) }
            header = object
        } catch {
            throw NeuralNetError(.corruptFile, "'\(source)' has a header that is not a JSON object")
        }
        var entries: [String: Entry] = [:]
        let dataLength = data.count - dataStart
        for (name, value) in header where name != "__metadata__" {
            entries[name] = try Self.entry(name, value, dataLength: dataLength, source: source)
        }
        self.entries = entries
        tensorNames = entries.keys.sorted()
    }

    public func shape(of name: String) -> [Int]? { entries[name]?.shape }

    public func tensor(named name: String) throws -> Tensor {
        guard let entry = entries[name] else {
            throw NeuralNetError(.missingTensor, "'\(source)' has no tensor '\(name)'")
        }
        let count = Tensor.elementCount(entry.shape)
        return data.withUnsafeBytes { raw in
            let bytes = UnsafeRawBufferPointer(rebasing: raw[(dataStart + entry.begin)..<(dataStart + entry.end)])
            return Tensor(shape: entry.shape) { out in
                entry.type.convert(bytes, count: count, into: out)
            }
        }
    }

    private static func entry(_ name: String, _ value: Any, dataLength: Int, source: String) throws -> Entry {
        guard let fields = value as? [String: Any],
              let typeName = fields["dtype"] as? String,
              let shape = fields["shape"] as? [Int],
              let offsets = fields["data_offsets"] as? [Int], offsets.count == 2
        else {
            throw NeuralNetError(.corruptFile, "'\(source)': the header entry for '\(name)' is malformed")
        }
        guard let type = ElementType(safeTensorsName: typeName) else {
            throw NeuralNetError(.unsupportedType, "'\(source)': tensor '\(name)' has unsupported dtype \(typeName)")
        }
        let (begin, end) = (offsets[0], offsets[1])
        let expectedBytes = shape.allSatisfy({ $0 >= 0 })
            ? shape.reduce(type.byteWidth) { $0.multipliedReportingOverflow(by: $1).partialValue } : -1
        guard begin >= 0, end >= begin, end <= dataLength, end - begin == expectedBytes else {
            throw NeuralNetError(
                .corruptFile,
                "'\(source)': tensor '\(name)' (\(typeName) \(shape)) has data offsets [\(begin), \(end)) that do not fit its shape or the file's \(dataLength) data bytes")
        }
        return Entry(type: type, shape: shape, begin: begin, end: end)
    }
}
