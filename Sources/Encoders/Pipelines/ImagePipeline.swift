import Dispatch
import Foundation
import NeuralNet

/// Encoded images (files or bytes) to a network's input batch: decode, resize, crop and normalise
/// each image on all cores, then stack them NCHW.
public struct ImagePipeline: Sendable {
    public let decoder: ImageDecoder
    public let preprocessor: ImagePreprocessor

    public init(decoder: ImageDecoder = ImageDecoder(), preprocessor: ImagePreprocessor) {
        self.decoder = decoder
        self.preprocessor = preprocessor
    }

    /// The input batch `N × 3 × H × W` for encoded images (`names` label them in errors).
    /// - Throws: `ImageError` naming the first image that cannot be decoded or preprocessed.
    public func batch(encoded images: [[UInt8]], names: [String]) throws -> Tensor {
        precondition(images.count == names.count, "one name per image")
        return try batch(count: images.count) { index in
            try images[index].withUnsafeBytes { try decoder.decode(bytes: $0, name: names[index]) }
        }
    }

    /// The input batch for image files.
    /// - Throws: `ImageError` naming the first file that cannot be read, decoded or preprocessed.
    public func batch(files: [URL]) throws -> Tensor {
        try batch(count: files.count) { try decoder.decode(file: files[$0].path) }
    }

    private func batch(count: Int, decode: @Sendable (Int) throws -> RGBImage) throws -> Tensor {
        let perImage = preprocessor.valuesPerImage
        let shape = [count, 3, preprocessor.cropHeight, preprocessor.cropWidth]
        let failures = FirstError()
        let tensor = Tensor(shape: shape) { buffer in
            let output = UncheckedPointer(buffer.baseAddress)
            DispatchQueue.concurrentPerform(iterations: count) { index in
                do {
                    let values = try preprocessor.tensor(for: decode(index))
                    // Each image writes its own disjoint slice of the batch.
                    values.withUnsafeBufferPointer { source in
                        output.pointer?.advanced(by: index * perImage).update(from: source.baseAddress!, count: perImage)
                    }
                } catch {
                    failures.record(index: index, error)
                    output.pointer?.advanced(by: index * perImage).update(repeating: 0, count: perImage)
                }
            }
        }
        if let error = failures.first { throw error }
        return tensor
    }
}

/// A raw pointer handed to concurrent workers that write disjoint ranges of it.
private struct UncheckedPointer: @unchecked Sendable {
    // @unchecked: every worker writes only its own image's range; the batch is read after the join.
    let pointer: UnsafeMutablePointer<Float>?
    init(_ pointer: UnsafeMutablePointer<Float>?) { self.pointer = pointer }
}

/// The error of the lowest-numbered failing image among concurrent workers.
private final class FirstError: @unchecked Sendable {
    // @unchecked: `lock` guards both stored properties.
    private let lock = NSLock()
    private var index = Int.max
    private var error: (any Error)?

    func record(index: Int, _ error: any Error) {
        lock.lock()
        defer { lock.unlock() }
        if index < self.index {
            self.index = index
            self.error = error
        }
    }

    var first: (any Error)? {
        lock.lock()
        defer { lock.unlock() }
        return error
    }
}
