import Foundation

/// A PyTorch checkpoint written by `torch.save` (a state dict), memory-mapped and read without
/// Python: both the zip format of PyTorch ≥ 1.6 (`<name>/data.pkl` plus one stored record per
/// storage under `<name>/data/`) and the legacy format before it (five consecutive pickles and
/// the raw storages; see `PyTorchCheckpoint+Legacy.swift`).
///
/// Tensors may be strided views of their storage (a permuted or sliced tensor is saved as such);
/// `tensor(named:)` returns them contiguous, row-major, converted to Float32. Nested dicts (a
/// checkpoint `{"state_dict": {...}, "epoch": 3}`) give dotted names (`state_dict.conv.weight`);
/// values that are not tensors are ignored. Only the globals a state dict needs are understood
/// (`collections.OrderedDict`, `torch._utils._rebuild_tensor_v2`, the typed storages); any other
/// is an error that names it, and nothing in the file is ever executed.
public struct PyTorchCheckpoint: WeightArchive {
    /// The two on-disk layouts `torch.save` has used.
    public enum Format: Sendable {
        /// PyTorch ≥ 1.6: a zip archive.
        case zip
        /// Before 1.6 (or `_use_new_zipfile_serialization=False`): consecutive pickles.
        case legacy
    }

    public let source: String
    public let tensorNames: [String]
    /// Which layout the file has.
    public let format: Format
    private let data: Data
    private let entries: [String: Entry]

    /// A tensor's place in the file.
    struct Entry: Sendable {
        let type: ElementType
        let shape: [Int]
        let strides: [Int]
        /// The byte offset in the file of the tensor's first element (its storage offset applied).
        let start: Int
    }

    /// Maps `url` and reads its pickles and storage table; tensor data is read on demand.
    /// - Throws: `NeuralNetError` naming the file: `.unreadableFile` when it cannot be read or is
    ///   no PyTorch checkpoint, `.corruptFile` when it is truncated or inconsistent,
    ///   `.unsupportedType` for a global it does not allow, a compressed record, or big-endian data.
    public init(url: URL) throws {
        source = url.path
        data = try MappedWeightFile.map(url)
        let source = source
        let (format, tensors, storages) = try data.withUnsafeBytes { raw -> (Format, [(String, TorchTensorReference)], [String: Int]) in
            if raw.count >= 4, raw.loadUnaligned(as: UInt32.self) == UInt32(0x0403_4B50).littleEndian {
                let (tensors, storages) = try Self.readZip(raw, source: source)
                return (.zip, tensors, storages)
            }
            if Self.hasLegacyMagic(raw) {
                let (tensors, storages) = try Self.readLegacy(raw, source: source)
                return (.legacy, tensors, storages)
            }
            throw NeuralNetError(
                .unreadableFile, "'\(source)' is not a PyTorch checkpoint: neither a zip archive nor a legacy torch.save file")
        }
        self.format = format
        var entries: [String: Entry] = [:]
        for (name, tensor) in tensors {
            guard let storageStart = storages[tensor.storage.key] else {
                throw NeuralNetError(.corruptFile, "'\(source)': tensor '\(name)' refers to storage '\(tensor.storage.key)', which the file does not hold")
            }
            entries[name] = try Self.entry(name, tensor, storageStart: storageStart, source: source)
        }
        self.entries = entries
        tensorNames = entries.keys.sorted()
    }

    public func shape(of name: String) -> [Int]? { entries[name]?.shape }

    public func tensor(named name: String) throws -> Tensor {
        guard let entry = entries[name] else {
            throw NeuralNetError(.missingTensor, "'\(source)' has no tensor '\(name)'")
        }
        return data.withUnsafeBytes { raw in Self.materialise(entry, raw) }
    }

    /// The most elements a tensor may have (16 GiB of Float32).
    static let largestTensor = 1 << 32

    /// The byte offset of each storage's first element, by key.
    typealias StorageTable = [String: Int]

    /// The tensors of a state dict: every tensor reachable through (nested) dicts with string keys.
    static func tensors(in value: PickleValue, source: String) throws -> [(String, TorchTensorReference)] {
        guard case .dict(let top) = value else {
            throw NeuralNetError(.corruptFile, "'\(source)' holds a \(value.kind), not a state dict")
        }
        var found: [(String, TorchTensorReference)] = []
        func walk(_ dict: PickleDict, prefix: String) {
            for (key, value) in dict.entries {
                guard case .string(let name) = key else { continue }
                switch value {
                case .tensor(let tensor): found.append((prefix + name, tensor))
                case .dict(let inner): walk(inner, prefix: prefix + name + ".")
                default: break
                }
            }
        }
        walk(top, prefix: "")
        guard !found.isEmpty else { throw NeuralNetError(.corruptFile, "'\(source)' holds no tensors") }
        return found
    }

    /// Checks that the view (offset, shape, strides) stays inside its storage.
    private static func entry(_ name: String, _ tensor: TorchTensorReference, storageStart: Int, source: String) throws -> Entry {
        let storage = tensor.storage
        let bad = NeuralNetError(
            .corruptFile,
            "'\(source)': tensor '\(name)' (shape \(tensor.shape), strides \(tensor.strides), offset \(tensor.offset)) does not fit its storage of \(storage.viewCount) elements")
        guard tensor.shape.count == tensor.strides.count, tensor.offset >= 0,
              tensor.shape.allSatisfy({ $0 >= 0 }), tensor.strides.allSatisfy({ $0 >= 0 })
        else { throw bad }
        if !tensor.shape.contains(0) {
            var last = tensor.offset
            for (size, stride) in zip(tensor.shape, tensor.strides) {
                let (step, overflow) = (size - 1).multipliedReportingOverflow(by: stride)
                guard !overflow, last <= Int.max - step else { throw bad }
                last += step
            }
            guard last < storage.viewCount else { throw bad }
        }
        // A view may repeat elements (stride 0, as `expand` saves them), so its element count is
        // bounded by what can be materialised, not by the storage.
        let count = tensor.shape.reduce((1, false)) { acc, size in
            let (product, overflow) = acc.0.multipliedReportingOverflow(by: size)
            return (product, acc.1 || overflow)
        }
        guard !count.1, count.0 <= Self.largestTensor else {
            throw NeuralNetError(
                .unsupportedType, "'\(source)': tensor '\(name)' of shape \(tensor.shape) is too large to materialise")
        }
        return Entry(
            type: storage.type, shape: tensor.shape, strides: tensor.strides,
            start: storageStart + (storage.viewOffset + tensor.offset) * storage.type.byteWidth)
    }

    /// Converts the (possibly strided) tensor to a contiguous Float32 tensor.
    private static func materialise(_ entry: Entry, _ raw: UnsafeRawBufferPointer) -> Tensor {
        let count = Tensor.elementCount(entry.shape)
        let width = entry.type.byteWidth
        var contiguous = [Int](repeating: 1, count: entry.shape.count)
        for axis in entry.shape.indices.dropLast().reversed() { contiguous[axis] = contiguous[axis + 1] * entry.shape[axis + 1] }
        let isContiguous = zip(zip(entry.shape, entry.strides), contiguous).allSatisfy { $0.0 <= 1 || $0.1 == $1 }
        if count == 0 { return Tensor(shape: entry.shape) }
        if isContiguous {
            return Tensor(shape: entry.shape) { out in
                entry.type.convert(UnsafeRawBufferPointer(rebasing: raw[entry.start..<(entry.start + count * width)]), count: count, into: out)
            }
        }
        // Convert the span the view touches, then gather it in row-major order.
        let span = zip(entry.shape, entry.strides).reduce(1) { $0 + ($1.0 - 1) * $1.1 }
        var spanValues = [Float](repeating: 0, count: span)
        spanValues.withUnsafeMutableBufferPointer { out in
            entry.type.convert(UnsafeRawBufferPointer(rebasing: raw[entry.start..<(entry.start + span * width)]), count: span, into: out)
        }
        return Tensor(shape: entry.shape) { out in
            spanValues.withUnsafeBufferPointer { values in
                let rank = entry.shape.count
                let innerSize = entry.shape[rank - 1], innerStride = entry.strides[rank - 1]
                var index = [Int](repeating: 0, count: rank)
                var written = 0
                while written < count {
                    let base = zip(index, entry.strides).reduce(0) { $0 + $1.0 * $1.1 }
                    for i in 0..<innerSize { out[written + i] = values[base + i * innerStride] }
                    written += innerSize
                    var axis = rank - 2
                    while axis >= 0 {
                        index[axis] += 1
                        if index[axis] < entry.shape[axis] { break }
                        index[axis] = 0
                        axis -= 1
                    }
                }
            }
        }
    }
}
