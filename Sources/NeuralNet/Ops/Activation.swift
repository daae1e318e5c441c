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
        case .gelu: GELUKernel.apply(x)
        case .geluTanh: GELUTanhKernel.apply(x)
        case .quickGELU: QuickGELUKernel.apply(x)
        case .relu: ReLUKernel.apply(x)
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
        switch self {
        case .gelu: Self.apply(GELUKernel.self, values, rows, columns, bias)
        case .geluTanh: Self.apply(GELUTanhKernel.self, values, rows, columns, bias)
        case .quickGELU: Self.apply(QuickGELUKernel.self, values, rows, columns, bias)
        case .relu: Self.apply(ReLUKernel.self, values, rows, columns, bias)
        }
    }

    /// The row loop, specialised for each kernel so that its math is inlined into the loop.
    private static func apply<Kernel: ActivationKernel>(
        _: Kernel.Type, _ values: UnsafeMutablePointer<Float>, _ rows: Int, _ columns: Int, _ bias: UnsafePointer<Float>?
    ) {
        let zeros = bias == nil ? [Float](repeating: 0, count: columns) : []
        zeros.withUnsafeBufferPointer { zeros in
            let bias = bias ?? zeros.baseAddress!
            Parallel.forEachChunk(rows, minimumChunk: max(1, 16_384 / max(columns, 1))) { range in
                for row in range {
                    let line = values + row * columns
                    var i = 0
                    while i + 8 <= columns {
                        store8(Kernel.apply(load8(line, i) + load8(bias, i)), line, i)
                        i += 8
                    }
                    if i < columns {
                        let rest = columns - i
                        storePartial(Kernel.apply(loadPartial(line, i, count: rest) + loadPartial(bias, i, count: rest)), line, i, count: rest)
                    }
                }
            }
        }
    }
}

/// One activation's vector math, as a type so that generic row loops specialise on it.
protocol ActivationKernel {
    static func apply(_ x: Float8) -> Float8
}

/// 0.5·x·(1 + erf(x/√2)).
enum GELUKernel: ActivationKernel {
    @inline(__always)
    static func apply(_ x: Float8) -> Float8 {
        Float8(repeating: 0.5) * x * (Float8(repeating: 1) + FastMath.erf(x * Float8(repeating: 0.707_106_781_186_547_5)))
    }
}

/// 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))).
enum GELUTanhKernel: ActivationKernel {
    @inline(__always)
    static func apply(_ x: Float8) -> Float8 {
        let inner = Float8(repeating: 0.797_884_560_802_865_4) * (x + Float8(repeating: 0.044_715) * x * x * x)
        return Float8(repeating: 0.5) * x * (Float8(repeating: 1) + FastMath.tanh(inner))
    }
}

/// x·σ(1.702·x).
enum QuickGELUKernel: ActivationKernel {
    @inline(__always)
    static func apply(_ x: Float8) -> Float8 {
        x * FastMath.sigmoid(Float8(repeating: 1.702) * x)
    }
}

/// max(x, 0).
enum ReLUKernel: ActivationKernel {
    @inline(__always)
    static func apply(_ x: Float8) -> Float8 {
        maximum8(x, Float8(repeating: 0))
    }
}
