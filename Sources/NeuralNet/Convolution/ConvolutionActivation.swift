import CConvolutionKernels
import CVectorKernels

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

/// The C kernels of the instruction set VectorMath's kernels use: the best this CPU runs
/// (AVX-512, AVX2+FMA or portable), or the one the `LOUPE_SIMD` environment variable names
/// (`scalar`, `avx2`, `avx512`), so that tests can run every version.
enum ConvolutionKernels {
    // nonisolated(unsafe): a pointer to an immutable static table of function pointers in C.
    nonisolated(unsafe) static let active: UnsafePointer<loupe_conv_kernels> =
        loupe_conv_kernels_for(Int32(loupe_active_kernels().pointee.level.rawValue))
}
