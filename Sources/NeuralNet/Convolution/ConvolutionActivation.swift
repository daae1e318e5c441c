import CConvolutionKernels

/// The activation a convolution applies last, after its bias (a folded batch norm) and any
/// residual: `act(conv(x) + bias + residual)`.
public enum ConvolutionActivation: Sendable, Equatable {
    case identity
    /// max(x, 0)
    case relu
    /// min(max(x, 0), 6), as in MobileNet and EfficientNet-Lite
    case relu6

    var kernelValue: loupe_activation {
        switch self {
        case .identity: LOUPE_ACTIVATION_IDENTITY
        case .relu: LOUPE_ACTIVATION_RELU
        case .relu6: LOUPE_ACTIVATION_RELU6
        }
    }
}
