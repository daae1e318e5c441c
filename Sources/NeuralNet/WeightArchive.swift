import Foundation

/// A named set of weight tensors read from a file: a safetensors file or a PyTorch checkpoint.
public protocol WeightArchive: Sendable {
    /// Where the weights came from (a path), for error messages.
    var source: String { get }
    /// The names of every tensor in the archive, sorted.
    var tensorNames: [String] { get }
    /// The shape of the tensor called `name`, or nil if there is none.
    func shape(of name: String) -> [Int]?
    /// The tensor called `name`, converted to Float32.
    /// - Throws: `NeuralNetError` `.missingTensor` naming the tensor and the file when absent;
    ///   `.unsupportedType` or `.corruptFile` when its bytes cannot be converted.
    func tensor(named name: String) throws -> Tensor
}

/// The bytes of a weight file, memory-mapped: pages are read when a tensor is converted.
enum MappedWeightFile {
    /// - Throws: `NeuralNetError` `.unreadableFile` naming the file.
    static func map(_ url: URL) throws -> Data {
        do {
            return try Data(contentsOf: url, options: .alwaysMapped)
        } catch {
            throw NeuralNetError(.unreadableFile, "cannot read '\(url.path)'", underlying: error)
        }
    }
}

/// Reads a model's tensors out of an archive by name and shape, keeping track of which were
/// used, so that a model can report every missing, misshapen or unexpected tensor by name.
public final class WeightReader {
    private let archive: any WeightArchive
    private let prefix: String
    private var used: Set<String> = []

    /// Reads from `archive`, prepending `prefix` (e.g. `"resnet."`) to every requested name.
    public init(_ archive: any WeightArchive, prefix: String = "") {
        self.archive = archive
        self.prefix = prefix
    }

    /// True if the archive holds `name` (after the prefix).
    public func contains(_ name: String) -> Bool { archive.shape(of: prefix + name) != nil }

    /// The tensor called `name`, checked against `shape` when given.
    /// - Throws: `NeuralNetError` `.missingTensor` or `.shapeMismatch`, naming the tensor.
    public func tensor(_ name: String, shape expected: [Int]? = nil) throws -> Tensor {
        let fullName = prefix + name
        guard let shape = archive.shape(of: fullName) else {
            throw NeuralNetError(.missingTensor, "'\(archive.source)' has no tensor '\(fullName)'")
        }
        if let expected, expected != shape {
            throw NeuralNetError(
                .shapeMismatch, "tensor '\(fullName)' in '\(archive.source)' has shape \(shape), expected \(expected)")
        }
        used.insert(fullName)
        return try archive.tensor(named: fullName)
    }

    /// Throws when the archive holds tensors under this reader's prefix that were never read,
    /// other than those `ignoring` accepts (e.g. BatchNorm's `num_batches_tracked`).
    /// - Throws: `NeuralNetError` `.unexpectedTensor` listing up to ten of them.
    public func checkAllUsed(ignoring: (String) -> Bool = { _ in false }) throws {
        let unused = archive.tensorNames.filter {
            $0.hasPrefix(prefix) && !used.contains($0) && !ignoring($0)
        }
        guard unused.isEmpty else {
            let shown = unused.prefix(10).joined(separator: ", ")
            throw NeuralNetError(
                .unexpectedTensor,
                "'\(archive.source)' has \(unused.count) tensor(s) the model does not use: \(shown)")
        }
    }
}
