// CConvolutionKernels: the loops of NeuralNet's convolution layers that BLAS does not cover,
// written once and compiled per instruction set (portable, AVX2+FMA, AVX-512F), chosen at run
// time from CVectorKernels' CPU detection. Feature maps are NHWC (channels last) float32: one
// image is `h` rows of `w` pixels of `c` contiguous channels. Swift reaches these through
// `NeuralNet` (Sources/NeuralNet/Convolution); nothing else should call this header directly.
//
// Every function works on one image (the caller loops over a batch, or splits the work between
// threads by output rows) and never allocates.

#ifndef LOUPE_CCONVOLUTIONKERNELS_H
#define LOUPE_CCONVOLUTIONKERNELS_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/// The activation applied in a kernel's epilogue.
typedef enum {
    LOUPE_ACTIVATION_IDENTITY = 0,
    /// max(x, 0)
    LOUPE_ACTIVATION_RELU = 1,
    /// min(max(x, 0), 6)
    LOUPE_ACTIVATION_RELU6 = 2,
} loupe_activation;

/// The geometry of a 2-D window (convolution or pooling) over one NHWC image.
typedef struct {
    int height, width, channels;          // input
    int out_height, out_width;            // output
    int kernel_h, kernel_w, stride;       // window
    int pad_top, pad_left;                // padding before (what is after follows from the sizes)
} loupe_window;

typedef struct {
    /// Depthwise convolution of output rows [row_begin, row_end): out[oy][ox][c] =
    /// act(bias[c] + Σ_{ky,kx} in[oy·s − pt + ky][ox·s − pl + kx][c] · weight[(ky·kw + kx)·c_stride + c]),
    /// where taps outside the image count as zero and c_stride = channels. `bias` may be NULL.
    void (*depthwise)(const float *in, const loupe_window *window, const float *weight,
                      const float *bias, loupe_activation activation, float *out,
                      int row_begin, int row_end);
    /// In place on `rows` × `cols` (row stride `cols`): x = act(x + bias[col] + residual[row][col]).
    /// `bias` and `residual` may be NULL.
    void (*bias_activation)(float *data, size_t rows, size_t cols, const float *bias,
                            const float *residual, loupe_activation activation);
    /// Max pooling of output rows [row_begin, row_end); taps outside the image are ignored.
    void (*max_pool)(const float *in, const loupe_window *window, float *out, int row_begin,
                     int row_end);
    /// out[c] = mean over the `pixels` rows of in[pixel][c] (global average pooling).
    void (*mean_pool)(const float *in, size_t pixels, size_t channels, float *out);
} loupe_conv_kernels;

/// im2col of output rows [row_begin, row_end) of a convolution over one NHWC image: row
/// (oy·out_width + ox) − row_begin·out_width of `columns` holds the window's taps in (ky, kx, c)
/// order, kernel_h·kernel_w·channels floats, zeros where the window leaves the image.
void loupe_im2col_nhwc(const float *in, const loupe_window *window, float *columns, int row_begin,
                       int row_end);

/// NCHW planes → NHWC pixels for one image of `channels` planes of `pixels` floats.
void loupe_nchw_to_nhwc(const float *in, size_t channels, size_t pixels, float *out);

/// NHWC pixels → NCHW planes for one image.
void loupe_nhwc_to_nchw(const float *in, size_t channels, size_t pixels, float *out);

/// The kernels for `level` (0 portable, 1 AVX2+FMA, 2 AVX-512F), clamped to what the CPU
/// supports; `level` < 0 asks for the best level. Never NULL.
const loupe_conv_kernels *loupe_conv_kernels_for(int level);

#ifdef __cplusplus
}
#endif

#endif
