// The kernels behind CBoxKernels.h: scalar, AVX2+FMA and AVX-512F, chosen like those of kernels.c.

#include "CBoxKernels.h"

#if defined(__x86_64__)
#include <immintrin.h>
#define LOUPE_X86 1
#endif

// MARK: - Scalar (portable)

static float box_l2sq_scalar(const float *q, const float *lower, const float *upper, size_t n) {
    float s0 = 0, s1 = 0;
    size_t i = 0;
    for (; i + 2 <= n; i += 2) {
        float a = lower[i] - q[i], b = q[i] - upper[i];
        float g0 = a > b ? a : b;
        g0 = g0 > 0 ? g0 : 0;
        a = lower[i + 1] - q[i + 1];
        b = q[i + 1] - upper[i + 1];
        float g1 = a > b ? a : b;
        g1 = g1 > 0 ? g1 : 0;
        s0 += g0 * g0;
        s1 += g1 * g1;
    }
    if (i < n) {
        float a = lower[i] - q[i], b = q[i] - upper[i];
        float g = a > b ? a : b;
        g = g > 0 ? g : 0;
        s0 += g * g;
    }
    return s0 + s1;
}

static float box_max_dot_scalar(const float *q, const float *lower, const float *upper, size_t n, float *magnitude) {
    float best = 0, scale = 0;
    for (size_t i = 0; i < n; i++) {
        float a = q[i] * lower[i], b = q[i] * upper[i];
        best += a > b ? a : b;
        float abs_a = a < 0 ? -a : a, abs_b = b < 0 ? -b : b;
        scale += abs_a > abs_b ? abs_a : abs_b;
    }
    *magnitude = scale;
    return best;
}

static const loupe_box_kernels scalar_box_kernels = {LOUPE_SIMD_SCALAR, box_l2sq_scalar, box_max_dot_scalar};

#if LOUPE_X86

// MARK: - AVX2 + FMA

#define AVX2_TARGET __attribute__((target("avx2,fma")))

AVX2_TARGET static inline float box_sum_256(__m256 v) {
    __m128 lo = _mm256_castps256_ps128(v), hi = _mm256_extractf128_ps(v, 1);
    lo = _mm_add_ps(lo, hi);
    lo = _mm_add_ps(lo, _mm_movehl_ps(lo, lo));
    lo = _mm_add_ss(lo, _mm_shuffle_ps(lo, lo, 1));
    return _mm_cvtss_f32(lo);
}

AVX2_TARGET static float box_l2sq_avx2(const float *q, const float *lower, const float *upper, size_t n) {
    __m256 s = _mm256_setzero_ps();
    const __m256 zero = _mm256_setzero_ps();
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        __m256 v = _mm256_loadu_ps(q + i);
        __m256 gap = _mm256_max_ps(_mm256_max_ps(_mm256_sub_ps(_mm256_loadu_ps(lower + i), v),
                                                 _mm256_sub_ps(v, _mm256_loadu_ps(upper + i))), zero);
        s = _mm256_fmadd_ps(gap, gap, s);
    }
    return box_sum_256(s) + box_l2sq_scalar(q + i, lower + i, upper + i, n - i);
}

AVX2_TARGET static float box_max_dot_avx2(const float *q, const float *lower, const float *upper, size_t n, float *magnitude) {
    __m256 best = _mm256_setzero_ps(), scale = _mm256_setzero_ps();
    const __m256 sign = _mm256_set1_ps(-0.0f);
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        __m256 v = _mm256_loadu_ps(q + i);
        __m256 a = _mm256_mul_ps(v, _mm256_loadu_ps(lower + i)), b = _mm256_mul_ps(v, _mm256_loadu_ps(upper + i));
        best = _mm256_add_ps(best, _mm256_max_ps(a, b));
        scale = _mm256_add_ps(scale, _mm256_max_ps(_mm256_andnot_ps(sign, a), _mm256_andnot_ps(sign, b)));
    }
    float tail_scale = 0;
    float tail = box_max_dot_scalar(q + i, lower + i, upper + i, n - i, &tail_scale);
    *magnitude = box_sum_256(scale) + tail_scale;
    return box_sum_256(best) + tail;
}

static const loupe_box_kernels avx2_box_kernels = {LOUPE_SIMD_AVX2, box_l2sq_avx2, box_max_dot_avx2};

// MARK: - AVX-512F

#define AVX512_TARGET __attribute__((target("avx512f,avx2,fma")))

AVX512_TARGET static float box_l2sq_avx512(const float *q, const float *lower, const float *upper, size_t n) {
    __m512 s = _mm512_setzero_ps();
    const __m512 zero = _mm512_setzero_ps();
    size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        __m512 v = _mm512_loadu_ps(q + i);
        __m512 gap = _mm512_max_ps(_mm512_max_ps(_mm512_sub_ps(_mm512_loadu_ps(lower + i), v),
                                                 _mm512_sub_ps(v, _mm512_loadu_ps(upper + i))), zero);
        s = _mm512_fmadd_ps(gap, gap, s);
    }
    if (i < n) {
        __mmask16 m = (__mmask16)((1u << (n - i)) - 1u);
        __m512 v = _mm512_maskz_loadu_ps(m, q + i);
        __m512 gap = _mm512_max_ps(_mm512_max_ps(_mm512_sub_ps(_mm512_maskz_loadu_ps(m, lower + i), v),
                                                 _mm512_sub_ps(v, _mm512_maskz_loadu_ps(m, upper + i))), zero);
        s = _mm512_fmadd_ps(gap, gap, s);
    }
    return _mm512_reduce_add_ps(s);
}

AVX512_TARGET static float box_max_dot_avx512(const float *q, const float *lower, const float *upper, size_t n, float *magnitude) {
    __m512 best = _mm512_setzero_ps(), scale = _mm512_setzero_ps();
    size_t i = 0;
    for (; i < n; i += 16) {
        __mmask16 m = n - i >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << (n - i)) - 1u);
        __m512 v = _mm512_maskz_loadu_ps(m, q + i);
        __m512 a = _mm512_mul_ps(v, _mm512_maskz_loadu_ps(m, lower + i));
        __m512 b = _mm512_mul_ps(v, _mm512_maskz_loadu_ps(m, upper + i));
        best = _mm512_add_ps(best, _mm512_max_ps(a, b));
        scale = _mm512_add_ps(scale, _mm512_max_ps(_mm512_abs_ps(a), _mm512_abs_ps(b)));
    }
    *magnitude = _mm512_reduce_add_ps(scale);
    return _mm512_reduce_add_ps(best);
}

static const loupe_box_kernels avx512_box_kernels = {LOUPE_SIMD_AVX512, box_l2sq_avx512, box_max_dot_avx512};

#endif

const loupe_box_kernels *loupe_box_kernels_for(loupe_simd_level level) {
    loupe_simd_level best = loupe_simd_best_level();
    if (level > best) level = best;
#if LOUPE_X86
    if (level == LOUPE_SIMD_AVX512) return &avx512_box_kernels;
    if (level == LOUPE_SIMD_AVX2) return &avx2_box_kernels;
#endif
    return &scalar_box_kernels;
}
