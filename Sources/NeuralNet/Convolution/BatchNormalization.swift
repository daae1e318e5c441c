/// Batch normalisation in inference mode, `y = (x − mean) / √(var + ε) · γ + β`, as the
/// per-channel affine map `y = x · scale + shift` that convolutions fold into their weights and
/// bias when a model is loaded.
public struct BatchNormalization: Sendable {
    /// γ / √(var + ε), per channel.
    public let scale: [Float]
    /// β − mean · scale, per channel.
    public let shift: [Float]

    /// Folds the four tensors of a PyTorch `BatchNorm2d` (computed in Double).
    /// - Throws: `NeuralNetError` `.shapeMismatch` when they are not four vectors of one length.
    public init(weight: Tensor, bias: Tensor, runningMean: Tensor, runningVariance: Tensor, epsilon: Double) throws {
        let channels = weight.count
        guard [weight, bias, runningMean, runningVariance].allSatisfy({ $0.rank == 1 && $0.count == channels }) else {
            throw NeuralNetError(
                .shapeMismatch,
                "batch norm tensors must be four vectors of one length, got \([weight, bias, runningMean, runningVariance].map(\.shape))")
        }
        var scale = [Float](repeating: 0, count: channels)
        var shift = [Float](repeating: 0, count: channels)
        for c in 0..<channels {
            let s = Double(weight.storage[c]) / (Double(runningVariance.storage[c]) + epsilon).squareRoot()
            scale[c] = Float(s)
            shift[c] = Float(Double(bias.storage[c]) - Double(runningMean.storage[c]) * s)
        }
        self.scale = scale
        self.shift = shift
    }

    /// Reads `<prefix>weight`, `bias`, `running_mean` and `running_var` of `channels` channels.
    /// - Throws: `NeuralNetError` naming a missing or misshapen tensor.
    public init(_ reader: WeightReader, prefix: String, channels: Int, epsilon: Double) throws {
        try self.init(
            weight: reader.tensor(prefix + "weight", shape: [channels]),
            bias: reader.tensor(prefix + "bias", shape: [channels]),
            runningMean: reader.tensor(prefix + "running_mean", shape: [channels]),
            runningVariance: reader.tensor(prefix + "running_var", shape: [channels]),
            epsilon: epsilon)
    }

    /// The number of channels.
    public var channels: Int { scale.count }
}
