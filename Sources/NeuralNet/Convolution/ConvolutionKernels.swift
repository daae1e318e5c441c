import CConvolutionKernels
import CVectorKernels

/// The C kernels of the instruction set VectorMath's kernels use: the best this CPU runs
/// (AVX-512, AVX2+FMA or portable), or the one the `LOUPE_SIMD` environment variable names
/// (`scalar`, `avx2`, `avx512`), so that tests can run every version.
enum ConvolutionKernels {
    // nonisolated(unsafe): a pointer to an immutable static table of function pointers in C.
    nonisolated(unsafe) static let active: UnsafePointer<loupe_conv_kernels> =
        loupe_conv_kernels_for(Int32(loupe_active_kernels().pointee.level.rawValue))
}
