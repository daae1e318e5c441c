/// The element-wise non-linearities of transformer MLPs, named as Hugging Face configs name them
/// (`hidden_act`).
public enum Activation: Sendable, CaseIterable {
    /// x·Φ(x) with the exact error function: 0.5·x·(1 + erf(x/√2)) (BERT's `gelu`, PyTorch's
    /// default `nn.GELU()`).
    case gelu
    /// The tanh approximation 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))) (`gelu_new`,
    /// `gelu_pytorch_tanh`).
    case geluTanh
    /// x·σ(1.702·x), OpenAI CLIP's `quick_gelu`.
    case quickGELU
    /// max(x, 0).
    case relu

    /// The activation a Hugging Face `hidden_act` names, or nil if NeuralNet has none by that name.
    public init?(huggingFaceName name: String) {
        switch name {
        case "gelu": self = .gelu
        case "gelu_new", "gelu_pytorch_tanh", "gelu_fast": self = .geluTanh
        case "quick_gelu": self = .quickGELU
        case "relu": self = .relu
        default: return nil
        }
    }

    /// The activation of eight values.
    @inline(__always)
    func apply(_ x: Float8) -> Float8 {
        switch self {
        case .gelu:
            return Float8(repeating: 0.5) * x * (Float8(repeating: 1) + FastMath.erf(x * Float8(repeating: 0.707_106_781_186_547_5)))
        case .geluTanh:
            let inner = Float8(repeating: 0.797_884_560_802_865_4) * (x + Float8(repeating: 0.044_715) * x * x * x)
            return Float8(repeating: 0.5) * x * (Float8(repeating: 1) + FastMath.tanh(inner))
        case .quickGELU:
            return x * FastMath.sigmoid(Float8(repeating: 1.702) * x)
        case .relu:
            return pointwiseMax(x, Float8(repeating: 0))
        }
    }

    /// The activation of one value (through the same vector code, so results are identical).
    public func callAsFunction(_ x: Float) -> Float {
        apply(Float8(repeating: x))[0]
    }

    /// Replaces each of the `rows × columns` values `x[r, c]` (row-major) by
    /// `activation(x[r, c] + bias[c])`, splitting the rows over `Parallel`'s threads.
    ///
    /// - Parameter bias: `columns` floats, or nil for none.
    /// - Complexity: O(rows · columns).
    public func apply(
        to values: UnsafeMutablePointer<Float>, rows: Int, columns: Int, bias: UnsafePointer<Float>? = nil
    ) {
        Parallel.forEachChunk(rows, minimumChunk: max(1, 16_384 / max(columns, 1))) { range in
            for row in range {
                let line = values + row * columns
                if let bias {
                    switch self {
                    case .gelu: transformInPlace(line, with: bias, count: columns) { Activation.gelu.apply($0 + $1) }
                    case .geluTanh: transformInPlace(line, with: bias, count: columns) { Activation.geluTanh.apply($0 + $1) }
                    case .quickGELU: transformInPlace(line, with: bias, count: columns) { Activation.quickGELU.apply($0 + $1) }
                    case .relu: transformInPlace(line, with: bias, count: columns) { Activation.relu.apply($0 + $1) }
                    }
                } else {
                    switch self {
                    case .gelu: transformInPlace(line, count: columns) { Activation.gelu.apply($0) }
                    case .geluTanh: transformInPlace(line, count: columns) { Activation.geluTanh.apply($0) }
                    case .quickGELU: transformInPlace(line, count: columns) { Activation.quickGELU.apply($0) }
                    case .relu: transformInPlace(line, count: columns) { Activation.relu.apply($0) }
                    }
                }
            }
        }
    }
}
