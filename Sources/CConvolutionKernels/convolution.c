// The kernels behind CConvolutionKernels.h. Each kernel is one `static inline` body written with
// plain loops over a fixed block of channels, instantiated three times: portable, AVX2+FMA and
// AVX-512F (through `target` attributes), so that the compiler keeps the block's accumulators in
// vector registers at each width. The instruction set is chosen at run time from CVectorKernels'
// CPUID detection.

#include "CConvolutionKernels.h"
#include "CVectorKernels.h"

#include <float.h>
#include <string.h>

#define ALWAYS_INLINE static inline __attribute__((always_inline))

ALWAYS_INLINE float activate(float x, loupe_activation activation) {
    if (activation == LOUPE_ACTIVATION_IDENTITY) return x;
    x = x < 0 ? 0 : x;
    if (activation == LOUPE_ACTIVATION_RELU6) x = x > 6 ? 6 : x;
    return x;
}

// MARK: - Depthwise convolution

/// One output pixel of a depthwise convolution for the WIDTH channels from c0: the taps
/// [ky0, ky1) × [kx0, kx1) of the window at (iy0, ix0), accumulated in registers.
ALWAYS_INLINE void depthwise_pixel(const float *in, int width, int channels, const float *weight,
                                   const float *bias, loupe_activation activation, float *o,
                                   int iy0, int ix0, int ky0, int ky1, int kx0, int kx1,
                                   const int kernel_w, int c0, const int WIDTH) {
    float acc[WIDTH];
    for (int j = 0; j < WIDTH; j++) acc[j] = bias ? bias[c0 + j] : 0;
    for (int ky = ky0; ky < ky1; ky++) {
        const float *in_row = in + (size_t)(iy0 + ky) * width * channels + c0;
        const float *w_row = weight + (size_t)ky * kernel_w * channels + c0;
        for (int kx = kx0; kx < kx1; kx++) {
            const float *x = in_row + (size_t)(ix0 + kx) * channels;
            const float *w = w_row + (size_t)kx * channels;
            for (int j = 0; j < WIDTH; j++) acc[j] += x[j] * w[j];
        }
    }
    for (int j = 0; j < WIDTH; j++) o[c0 + j] = activate(acc[j], activation);
}

// Vectors of 4, 8 and 16 floats (one SSE, AVX or AVX-512 register) that load and store at any
// float alignment.
typedef float vec4 __attribute__((ext_vector_type(4), aligned(4)));
typedef float vec8 __attribute__((ext_vector_type(8), aligned(4)));
typedef float vec16 __attribute__((ext_vector_type(16), aligned(4)));

/// Defines depthwise_interior_SUFFIX: PIXELS consecutive output pixels of one row, all with the
/// whole window inside the image horizontally, for the one register of channels (VEC) from c0.
/// Each weight vector is loaded once for all of them: PIXELS + 1 loads per PIXELS multiply-adds.
#define DEFINE_DEPTHWISE_INTERIOR(SUFFIX, TARGET, VEC, PIXELS)                                    \
    TARGET static inline __attribute__((always_inline)) void depthwise_interior_##SUFFIX(       \
        const float *in, int width, int channels, int stride, const float *weight,               \
        const float *bias, loupe_activation activation, float *o, int iy0, int ix0, int ky0,     \
        int ky1, int kernel_w, int c0) {                                                          \
        VEC acc[PIXELS];                                                                          \
        const VEC start = bias ? *(const VEC *)(bias + c0) : (VEC)0;                              \
        for (int p = 0; p < PIXELS; p++) acc[p] = start;                                          \
        const size_t step = (size_t)stride * channels;                                           \
        for (int ky = ky0; ky < ky1; ky++) {                                                      \
            const float *in_row = in + ((size_t)(iy0 + ky) * width + ix0) * channels + c0;        \
            const float *w_row = weight + (size_t)ky * kernel_w * channels + c0;                  \
            for (int kx = 0; kx < kernel_w; kx++) {                                               \
                const float *x = in_row + (size_t)kx * channels;                                  \
                const VEC w = *(const VEC *)(w_row + (size_t)kx * channels);                      \
                for (int p = 0; p < PIXELS; p++) acc[p] += *(const VEC *)(x + p * step) * w;      \
            }                                                                                     \
        }                                                                                         \
        for (int p = 0; p < PIXELS; p++) {                                                        \
            VEC v = acc[p];                                                                       \
            if (activation != LOUPE_ACTIVATION_IDENTITY) v = __builtin_elementwise_max(v, (VEC)0); \
            if (activation == LOUPE_ACTIVATION_RELU6) v = __builtin_elementwise_min(v, (VEC)6);   \
            *(VEC *)(o + (size_t)p * channels + c0) = v;                                          \
        }                                                                                         \
    }

typedef void (*depthwise_interior_fn)(const float *, int, int, int, const float *, const float *,
                                      loupe_activation, float *, int, int, int, int, int, int);

/// Output rows [row_begin, row_end) of a depthwise convolution with a kernel_h × kernel_w
/// window (compile-time constants at the call sites that matter). Where the window lies inside
/// the image horizontally, PIXELS outputs at a time in channel blocks of one vector register
/// (VECTOR floats); elsewhere pixel by pixel in blocks of BLOCK, then VECTOR, then single channels.
ALWAYS_INLINE void depthwise_rows(const float *in, const loupe_window *g, const float *weight,
                                  const float *bias, loupe_activation activation, float *out,
                                  int row_begin, int row_end, const int kernel_h,
                                  const int kernel_w, const int BLOCK, const int VECTOR,
                                  const int PIXELS, depthwise_interior_fn interior) {
    const int height = g->height, width = g->width, channels = g->channels;
    const int out_width = g->out_width, stride = g->stride;
    // Outputs [inner_begin, inner_end) have the whole window inside the image horizontally.
    int inner_begin = (g->pad_left + stride - 1) / stride;
    int inner_end = width - kernel_w + g->pad_left >= 0 ? (width - kernel_w + g->pad_left) / stride + 1 : 0;
    if (inner_end > out_width) inner_end = out_width;
    if (inner_begin > inner_end) inner_begin = inner_end;
    const int vector_channels = channels / VECTOR * VECTOR;
    // Outputs [inner_begin, grouped_end) are done in groups of PIXELS over the vector channels.
    const int grouped_end = vector_channels > 0 ? inner_begin + (inner_end - inner_begin) / PIXELS * PIXELS : inner_begin;
    for (int oy = row_begin; oy < row_end; oy++) {
        const int iy0 = oy * stride - g->pad_top;
        const int ky0 = iy0 < 0 ? -iy0 : 0;
        const int ky1 = iy0 + kernel_h > height ? height - iy0 : kernel_h;
        float *out_row = out + (size_t)oy * out_width * channels;
        for (int px = inner_begin; px < grouped_end; px += PIXELS) {
            for (int c0 = 0; c0 < vector_channels; c0 += VECTOR) {
                interior(in, width, channels, stride, weight, bias, activation,
                         out_row + (size_t)px * channels, iy0, px * stride - g->pad_left, ky0, ky1,
                         kernel_w, c0);
            }
        }
        for (int ox = 0; ox < out_width; ox++) {
            const int ix0 = ox * stride - g->pad_left;
            const int kx0 = ix0 < 0 ? -ix0 : 0;
            const int kx1 = ix0 + kernel_w > width ? width - ix0 : kernel_w;
            float *o = out_row + (size_t)ox * channels;
            int c0 = ox >= inner_begin && ox < grouped_end ? vector_channels : 0;
            for (; c0 + BLOCK <= channels; c0 += BLOCK) {
                depthwise_pixel(in, width, channels, weight, bias, activation, o, iy0, ix0, ky0, ky1,
                                kx0, kx1, kernel_w, c0, BLOCK);
            }
            for (; c0 + VECTOR <= channels; c0 += VECTOR) {
                depthwise_pixel(in, width, channels, weight, bias, activation, o, iy0, ix0, ky0, ky1,
                                kx0, kx1, kernel_w, c0, VECTOR);
            }
            for (; c0 < channels; c0++) {
                depthwise_pixel(in, width, channels, weight, bias, activation, o, iy0, ix0, ky0, ky1,
                                kx0, kx1, kernel_w, c0, 1);
            }
        }
    }
}

/// Specialises the window size for 3×3 and 5×5 (the depthwise kernels of MobileNets and
/// EfficientNets) and the activation, so that the inner loops have constant bounds.
#define DEFINE_DEPTHWISE(SUFFIX, TARGET, BLOCK, VEC, VECTOR, PIXELS)                               \
    DEFINE_DEPTHWISE_INTERIOR(SUFFIX, TARGET, VEC, PIXELS)                                         \
    TARGET static void depthwise_##SUFFIX(const float *in, const loupe_window *g,                 \
                                          const float *weight, const float *bias,                 \
                                          loupe_activation activation, float *out, int row_begin, \
                                          int row_end) {                                          \
        const int kh = g->kernel_h, kw = g->kernel_w;                                             \
        if (kh == 3 && kw == 3) {                                                                 \
            depthwise_rows(in, g, weight, bias, activation, out, row_begin, row_end, 3, 3, BLOCK,  \
                           VECTOR, PIXELS, depthwise_interior_##SUFFIX);                           \
        } else if (kh == 5 && kw == 5) {                                                          \
            depthwise_rows(in, g, weight, bias, activation, out, row_begin, row_end, 5, 5, BLOCK,  \
                           VECTOR, PIXELS, depthwise_interior_##SUFFIX);                           \
        } else {                                                                                  \
            depthwise_rows(in, g, weight, bias, activation, out, row_begin, row_end, kh, kw, BLOCK, \
                           VECTOR, PIXELS, depthwise_interior_##SUFFIX);                           \
        }                                                                                         \
    }

// MARK: - Bias, residual and activation (the epilogue of a gemm)

ALWAYS_INLINE void bias_activation_body(float *data, size_t rows, size_t cols, const float *bias,
                                        const float *residual, loupe_activation activation) {
    for (size_t r = 0; r < rows; r++) {
        float *row = data + r * cols;
        const float *res = residual ? residual + r * cols : NULL;
        if (bias && res) {
            for (size_t c = 0; c < cols; c++) row[c] = activate(row[c] + bias[c] + res[c], activation);
        } else if (bias) {
            for (size_t c = 0; c < cols; c++) row[c] = activate(row[c] + bias[c], activation);
        } else if (res) {
            for (size_t c = 0; c < cols; c++) row[c] = activate(row[c] + res[c], activation);
        } else {
            for (size_t c = 0; c < cols; c++) row[c] = activate(row[c], activation);
        }
    }
}

#define DEFINE_BIAS_ACTIVATION(SUFFIX, TARGET)                                                     \
    TARGET static void bias_activation_##SUFFIX(float *data, size_t rows, size_t cols,             \
                                                const float *bias, const float *residual,          \
                                                loupe_activation activation) {                     \
        switch (activation) {                                                                     \
        case LOUPE_ACTIVATION_RELU:                                                               \
            bias_activation_body(data, rows, cols, bias, residual, LOUPE_ACTIVATION_RELU);         \
            break;                                                                                \
        case LOUPE_ACTIVATION_RELU6:                                                              \
            bias_activation_body(data, rows, cols, bias, residual, LOUPE_ACTIVATION_RELU6);        \
            break;                                                                                \
        default:                                                                                  \
            bias_activation_body(data, rows, cols, bias, residual, LOUPE_ACTIVATION_IDENTITY);     \
            break;                                                                                \
        }                                                                                         \
    }

// MARK: - Pooling

ALWAYS_INLINE void max_pool_body(const float *in, const loupe_window *g, float *out, int row_begin,
                                 int row_end) {
    const int height = g->height, width = g->width, channels = g->channels;
    const int out_width = g->out_width, stride = g->stride;
    for (int oy = row_begin; oy < row_end; oy++) {
        const int iy0 = oy * stride - g->pad_top;
        const int ky0 = iy0 < 0 ? -iy0 : 0;
        const int ky1 = iy0 + g->kernel_h > height ? height - iy0 : g->kernel_h;
        for (int ox = 0; ox < out_width; ox++) {
            const int ix0 = ox * stride - g->pad_left;
            const int kx0 = ix0 < 0 ? -ix0 : 0;
            const int kx1 = ix0 + g->kernel_w > width ? width - ix0 : g->kernel_w;
            float *o = out + ((size_t)oy * out_width + ox) * channels;
            for (int c = 0; c < channels; c++) o[c] = -FLT_MAX;
            for (int ky = ky0; ky < ky1; ky++) {
                for (int kx = kx0; kx < kx1; kx++) {
                    const float *x = in + ((size_t)(iy0 + ky) * width + (ix0 + kx)) * channels;
                    for (int c = 0; c < channels; c++) o[c] = x[c] > o[c] ? x[c] : o[c];
                }
            }
        }
    }
}

ALWAYS_INLINE void mean_pool_body(const float *in, size_t pixels, size_t channels, float *out) {
    for (size_t c = 0; c < channels; c++) out[c] = 0;
    for (size_t p = 0; p < pixels; p++) {
        const float *x = in + p * channels;
        for (size_t c = 0; c < channels; c++) out[c] += x[c];
    }
    const float scale = pixels ? 1.0f / (float)pixels : 0;
    for (size_t c = 0; c < channels; c++) out[c] *= scale;
}

#define DEFINE_POOLS(SUFFIX, TARGET)                                                                \
    TARGET static void max_pool_##SUFFIX(const float *in, const loupe_window *g, float *out,       \
                                         int row_begin, int row_end) {                             \
        max_pool_body(in, g, out, row_begin, row_end);                                             \
    }                                                                                              \
    TARGET static void mean_pool_##SUFFIX(const float *in, size_t pixels, size_t channels,         \
                                          float *out) {                                            \
        mean_pool_body(in, pixels, channels, out);                                                 \
    }

// MARK: - Instantiations

#define DEFINE_LEVEL(SUFFIX, TARGET, BLOCK, VEC, VECTOR, PIXELS)                                    \
    DEFINE_DEPTHWISE(SUFFIX, TARGET, BLOCK, VEC, VECTOR, PIXELS)                                   \
    DEFINE_BIAS_ACTIVATION(SUFFIX, TARGET)                                                         \
    DEFINE_POOLS(SUFFIX, TARGET)                                                                   \
    static const loupe_conv_kernels SUFFIX##_kernels = {                                           \
        depthwise_##SUFFIX, bias_activation_##SUFFIX, max_pool_##SUFFIX, mean_pool_##SUFFIX};

#define PORTABLE_TARGET
DEFINE_LEVEL(portable, PORTABLE_TARGET, 8, vec4, 4, 4)

#if defined(__x86_64__)
#define AVX2_TARGET __attribute__((target("avx2,fma")))
#define AVX512_TARGET __attribute__((target("avx512f,avx2,fma")))
DEFINE_LEVEL(avx2, AVX2_TARGET, 32, vec8, 8, 8)
DEFINE_LEVEL(avx512, AVX512_TARGET, 64, vec16, 16, 4)
#endif

const loupe_conv_kernels *loupe_conv_kernels_for(int level) {
    int best = (int)loupe_simd_best_level();
    if (level < 0 || level > best) level = best;
#if defined(__x86_64__)
    if (level >= LOUPE_SIMD_AVX512) return &avx512_kernels;
    if (level == LOUPE_SIMD_AVX2) return &avx2_kernels;
#endif
    return &portable_kernels;
}

// MARK: - Layout (memory-bound copies; one version serves every level)

void loupe_im2col_nhwc(const float *in, const loupe_window *g, float *columns, int row_begin,
                       int row_end) {
    const int height = g->height, width = g->width, channels = g->channels;
    const size_t tap = (size_t)channels;
    float *dst = columns;
    for (int oy = row_begin; oy < row_end; oy++) {
        for (int ox = 0; ox < g->out_width; ox++) {
            const int iy0 = oy * g->stride - g->pad_top, ix0 = ox * g->stride - g->pad_left;
            for (int ky = 0; ky < g->kernel_h; ky++) {
                const int iy = iy0 + ky;
                for (int kx = 0; kx < g->kernel_w; kx++) {
                    const int ix = ix0 + kx;
                    if (iy >= 0 && iy < height && ix >= 0 && ix < width) {
                        memcpy(dst, in + ((size_t)iy * width + ix) * tap, tap * sizeof(float));
                    } else {
                        memset(dst, 0, tap * sizeof(float));
                    }
                    dst += tap;
                }
            }
        }
    }
}

void loupe_nchw_to_nhwc(const float *in, size_t channels, size_t pixels, float *out) {
    for (size_t p = 0; p < pixels; p++) {
        for (size_t c = 0; c < channels; c++) out[p * channels + c] = in[c * pixels + p];
    }
}

void loupe_nhwc_to_nchw(const float *in, size_t channels, size_t pixels, float *out) {
    for (size_t c = 0; c < channels; c++) {
        for (size_t p = 0; p < pixels; p++) out[c * pixels + p] = in[p * channels + c];
    }
}
