import NeuralNet

/// Checks on the batches image encoders take, and the buffers their layers rotate through.
enum ImageBatch {
    /// (images, height, width) of an `N × channels × H × W` batch.
    /// - Throws: `EncoderError` `.invalidArgument` saying what is wrong: the rank, the channels,
    ///   an empty batch, or the first image holding a value that is not finite.
    static func validate(_ batch: Tensor, channels: Int = 3, model: String) throws -> (count: Int, height: Int, width: Int) {
        guard batch.rank == 4, batch.shape[1] == channels, batch.shape[0] > 0, batch.shape[2] > 0, batch.shape[3] > 0 else {
            throw EncoderError(
                .invalidArgument, "\(model) takes a batch of N × \(channels) × H × W preprocessed images, got a tensor of shape \(batch.shape)")
        }
        let perImage = channels * batch.shape[2] * batch.shape[3]
        if let bad = batch.storage.firstIndex(where: { !$0.isFinite }) {
            throw EncoderError(.invalidArgument, "\(model): image \(bad / perImage) of the batch holds a value that is not finite (\(batch.storage[bad]))")
        }
        return (batch.shape[0], batch.shape[2], batch.shape[3])
    }
}

/// Three activation buffers a network's layers write in turn: the current feature map and two
/// free ones.
struct ActivationBuffers {
    private(set) var current: UnsafeMutablePointer<Float>
    private var free: (UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>)

    /// Three buffers of `capacity` floats each, laid out from `base`; the input goes in `current`.
    init(base: UnsafeMutablePointer<Float>, capacity: Int) {
        current = base
        free = (base + capacity, base + 2 * capacity)
    }

    /// The free buffers, in the order the next layers should write them.
    var spare: (UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>) { free }

    /// Makes `output` (one of the spare buffers) the current feature map.
    mutating func advance(to output: UnsafeMutablePointer<Float>) {
        precondition(output == free.0 || output == free.1, "advance to a buffer that is not spare")
        let other = output == free.0 ? free.1 : free.0
        free = (current, other)
        current = output
    }
}

/// A fully connected layer `y = x·Wᵀ + b` over a batch of rows (PyTorch `Linear`).
struct LinearLayer: Sendable {
    let inputs: Int
    let outputs: Int
    /// `[outputs, inputs]`, as PyTorch stores it.
    let weight: [Float]
    let bias: [Float]

    init(_ reader: WeightReader, prefix: String, inputs: Int, outputs: Int) throws {
        self.inputs = inputs
        self.outputs = outputs
        weight = try reader.tensor(prefix + "weight", shape: [outputs, inputs]).storage
        bias = try reader.tensor(prefix + "bias", shape: [outputs]).storage
    }

    /// `rows × outputs` for the `rows × inputs` matrix `x`. Runs on one OpenBLAS thread: the
    /// product is small, and waking OpenBLAS's own threads would leave them spinning beside the
    /// next batch's lanes.
    func apply(_ x: Tensor) -> Tensor {
        BLASThreads.withSingleThreadedCalls { multiply(x) }
    }

    private func multiply(_ x: Tensor) -> Tensor {
        let rows = x.count / inputs
        var y = Tensor(shape: [rows, outputs])
        y.withUnsafeMutableBufferPointer { out in
            for row in 0..<rows { (out.baseAddress! + row * outputs).update(from: bias, count: outputs) }
            x.withUnsafeBufferPointer { x in
                weight.withUnsafeBufferPointer { w in
                    Gemm.multiply(x.baseAddress!, w.baseAddress!, into: out.baseAddress!, m: rows, n: outputs, k: inputs, transposeB: true, beta: 1)
                }
            }
        }
        return y
    }
}
