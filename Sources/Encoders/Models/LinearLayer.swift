import NeuralNet

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
