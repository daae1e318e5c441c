// NeuralNet: the small tensor library Loupe's encoders run on. It owns `Tensor` (contiguous
// Float32, row-major, batch-first), the operations the models need (gemm through OpenBLAS,
// attention, norms, activations, convolutions, pooling) and the readers of weight files
// (safetensors, PyTorch checkpoints). It knows nothing of tokenizers, images or models.

/// A dense, contiguous, row-major Float32 array with a shape (batch first by convention).
///
/// A value type: copies share storage until one is mutated (copy-on-write through `[Float]`).
public struct Tensor: Sendable, Equatable {
    /// The extent of each dimension, outermost first.
    public private(set) var shape: [Int]
    /// The elements in row-major order; `storage.count == shape.product`.
    public var storage: [Float]

    /// Wraps `storage` with `shape`.
    /// - Throws: `NeuralNetError` (`.shapeMismatch`) when the element count differs from the shape's.
    public init(shape: [Int], storage: [Float]) throws {
        guard shape.allSatisfy({ $0 >= 0 }), Tensor.elementCount(shape) == storage.count else {
            throw NeuralNetError(
                .shapeMismatch,
                "a tensor of shape \(shape) needs \(Tensor.elementCount(shape)) elements, got \(storage.count)")
        }
        self.shape = shape
        self.storage = storage
    }

    /// A tensor of `shape` filled with `value`.
    public init(shape: [Int], repeating value: Float = 0) {
        precondition(shape.allSatisfy { $0 >= 0 }, "negative dimension in \(shape)")
        self.shape = shape
        self.storage = [Float](repeating: value, count: Tensor.elementCount(shape))
    }

    /// A tensor of `shape` whose elements are written by `body` into uninitialised storage of
    /// `shape.product` floats; `body` must initialise every element.
    public init(shape: [Int], initializingWith body: (UnsafeMutableBufferPointer<Float>) throws -> Void) rethrows {
        precondition(shape.allSatisfy { $0 >= 0 }, "negative dimension in \(shape)")
        let count = Tensor.elementCount(shape)
        self.shape = shape
        self.storage = try [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            try body(buffer)
            initialized = count
        }
    }

    /// The number of dimensions (0 for a scalar).
    public var rank: Int { shape.count }
    /// The number of elements.
    public var count: Int { storage.count }

    /// The same elements seen with another shape of equal element count.
    /// - Throws: `NeuralNetError` (`.shapeMismatch`) when the counts differ.
    public func reshaped(_ newShape: [Int]) throws -> Tensor {
        try Tensor(shape: newShape, storage: storage)
    }

    /// The product of `shape`'s extents (1 for a scalar).
    public static func elementCount(_ shape: [Int]) -> Int {
        shape.reduce(1, *)
    }

    /// Calls `body` with a pointer to the elements.
    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        try storage.withUnsafeBufferPointer(body)
    }

    /// Calls `body` with a mutable pointer to the elements.
    public mutating func withUnsafeMutableBufferPointer<R>(
        _ body: (inout UnsafeMutableBufferPointer<Float>) throws -> R
    ) rethrows -> R {
        try storage.withUnsafeMutableBufferPointer(body)
    }
}

extension Tensor: CustomStringConvertible {
    public var description: String { "Tensor\(shape)" }
}
