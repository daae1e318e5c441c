// The kernels behind CVectorKernels.h, one set per instruction-set level. Functions compiled for
// AVX2 or AVX-512 carry a `target` attribute and are only called after CPUID (and the OS's XSAVE
// mask) says the CPU can run them; the rest of the file is plain C99 for any x86-64 or ARM CPU.

#include "CVectorKernels.h"

#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__)
#include <cpuid.h>
#include <immintrin.h>
#define LOUPE_X86 1
#endif

#define ALWAYS_INLINE static inline __attribute__((always_inline))

// MARK: - Shared shapes of the row-scoring loops

typedef float (*pair_kernel)(const float *, const float *, size_t);

/// Scores rows given by id; the next row is prefetched while this one is scored.
ALWAYS_INLINE void score_ids_with(pair_kernel dot, pair_kernel l2sq, loupe_score_kind kind,
                                  const float *query, const float *base, size_t dims,
                                  size_t stride, const uint32_t *ids, size_t count, float *out) {
    const size_t lines = (dims * sizeof(float) + 63) / 64;
    const size_t prefetched_lines = lines < 24 ? lines : 24;
    for (size_t i = 0; i < count; i++) {
        if (i + 1 < count) {
            const char *next = (const char *)(base + (size_t)ids[i + 1] * stride);
            for (size_t line = 0; line < prefetched_lines; line++) loupe_prefetch(next + 64 * line);
        }
        const float *row = base + (size_t)ids[i] * stride;
        out[i] = kind == LOUPE_SCORE_DOT ? dot(query, row, dims) : l2sq(query, row, dims);
    }
}

typedef float (*code_kernel)(const float *, const uint8_t *, size_t);

/// Scores int8 code rows given by id against a scaled query, prefetching the next row.
ALWAYS_INLINE void score_ids_u8_with(code_kernel dot_u8, const float *scaled, const uint8_t *codes,
                                     size_t dims, size_t stride, const uint32_t *ids, size_t count,
                                     float *out) {
    const size_t lines = (dims + 63) / 64;
    for (size_t i = 0; i < count; i++) {
        if (i + 1 < count) {
            const uint8_t *next = codes + (size_t)ids[i + 1] * stride;
            for (size_t line = 0; line < lines; line++) loupe_prefetch(next + 64 * line);
        }
        out[i] = dot_u8(scaled, codes + (size_t)ids[i] * stride, dims);
    }
}

/// Scores consecutive rows; the hardware prefetcher follows the sequential stream.
ALWAYS_INLINE void score_rows_with(pair_kernel dot, pair_kernel l2sq, loupe_score_kind kind,
                                   const float *query, const float *base, size_t dims,
                                   size_t stride, size_t count, float *out) {
    if (kind == LOUPE_SCORE_DOT) {
        for (size_t i = 0; i < count; i++) out[i] = dot(query, base + i * stride, dims);
    } else {
        for (size_t i = 0; i < count; i++) out[i] = l2sq(query, base + i * stride, dims);
    }
}

// MARK: - Scalar (portable)

static float dot_scalar(const float *a, const float *b, size_t n) {
    float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        s0 += a[i] * b[i];
        s1 += a[i + 1] * b[i + 1];
        s2 += a[i + 2] * b[i + 2];
        s3 += a[i + 3] * b[i + 3];
    }
    for (; i < n; i++) s0 += a[i] * b[i];
    return (s0 + s1) + (s2 + s3);
}

static float l2sq_scalar(const float *a, const float *b, size_t n) {
    float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        float d0 = a[i] - b[i], d1 = a[i + 1] - b[i + 1];
        float d2 = a[i + 2] - b[i + 2], d3 = a[i + 3] - b[i + 3];
        s0 += d0 * d0;
        s1 += d1 * d1;
        s2 += d2 * d2;
        s3 += d3 * d3;
    }
    for (; i < n; i++) {
        float d = a[i] - b[i];
        s0 += d * d;
    }
    return (s0 + s1) + (s2 + s3);
}

static void score_ids_scalar(loupe_score_kind kind, const float *query, const float *base,
                             size_t dims, size_t stride, const uint32_t *ids, size_t count,
                             float *out) {
    score_ids_with(dot_scalar, l2sq_scalar, kind, query, base, dims, stride, ids, count, out);
}

static void score_rows_scalar(loupe_score_kind kind, const float *query, const float *base,
                              size_t dims, size_t stride, size_t count, float *out) {
    score_rows_with(dot_scalar, l2sq_scalar, kind, query, base, dims, stride, count, out);
}

static float dot_u8_scalar(const float *q, const uint8_t *codes, size_t n) {
    float s = 0;
    for (size_t i = 0; i < n; i++) s += q[i] * (float)codes[i];
    return s;
}

/// float → binary16 with round-to-nearest-even, overflow to infinity, NaN kept quiet.
static uint16_t half_from_float(float f) {
    uint32_t x;
    memcpy(&x, &f, sizeof x);
    uint32_t sign = (x >> 16) & 0x8000u;
    uint32_t exponent = (x >> 23) & 0xffu;
    uint32_t mantissa = x & 0x7fffffu;
    if (exponent == 0xff) return (uint16_t)(sign | 0x7c00u | (mantissa ? 0x200u | (mantissa >> 13) : 0));
    int e = (int)exponent - 127 + 15;
    if (e >= 0x1f) return (uint16_t)(sign | 0x7c00u);
    if (e <= 0) {
        if (e < -10) return (uint16_t)sign;
        mantissa |= 0x800000u;
        uint32_t shift = (uint32_t)(14 - e);
        uint32_t half = mantissa >> shift;
        uint32_t rest = mantissa & ((1u << shift) - 1), middle = 1u << (shift - 1);
        if (rest > middle || (rest == middle && (half & 1))) half++;
        return (uint16_t)(sign | half);
    }
    uint32_t half = sign | ((uint32_t)e << 10) | (mantissa >> 13);
    uint32_t rest = mantissa & 0x1fffu;
    if (rest > 0x1000u || (rest == 0x1000u && (half & 1))) half++;
    return (uint16_t)half;
}

static float float_from_half(uint16_t h) {
    uint32_t sign = (uint32_t)(h & 0x8000u) << 16;
    uint32_t exponent = (h >> 10) & 0x1fu;
    uint32_t mantissa = h & 0x3ffu;
    if (exponent == 0) {
        float magnitude = (float)mantissa * 5.9604644775390625e-8f;  // 2^-24
        return sign ? -magnitude : magnitude;
    }
    uint32_t x = exponent == 0x1f ? (sign | 0x7f800000u | (mantissa << 13))
                                  : (sign | ((exponent + 112) << 23) | (mantissa << 13));
    float f;
    memcpy(&f, &x, sizeof f);
    return f;
}

static void f32_to_f16_scalar(const float *src, uint16_t *dst, size_t n) {
    for (size_t i = 0; i < n; i++) dst[i] = half_from_float(src[i]);
}

static void f16_to_f32_scalar(const uint16_t *src, float *dst, size_t n) {
    for (size_t i = 0; i < n; i++) dst[i] = float_from_half(src[i]);
}

static float dot_f16_scalar(const float *q, const uint16_t *v, size_t n) {
    float s = 0;
    for (size_t i = 0; i < n; i++) s += q[i] * float_from_half(v[i]);
    return s;
}

static float sum_scalar(const float *a, size_t n) {
    float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        s0 += a[i];
        s1 += a[i + 1];
        s2 += a[i + 2];
        s3 += a[i + 3];
    }
    for (; i < n; i++) s0 += a[i];
    return (s0 + s1) + (s2 + s3);
}

static size_t indices_above_scalar(const float *values, size_t n, float threshold, uint32_t *out) {
    size_t found = 0;
    for (size_t i = 0; i < n; i++) {
        out[found] = (uint32_t)i;
        found += values[i] > threshold;
    }
    return found;
}

static void score_ids_u8_scalar(const float *scaled, const uint8_t *codes, size_t dims,
                                size_t stride, const uint32_t *ids, size_t count, float *out) {
    score_ids_u8_with(dot_u8_scalar, scaled, codes, dims, stride, ids, count, out);
}

// MARK: Binary codes (scalar)

/// Bits set in x, without the POPCNT instruction (SWAR, as in Hacker's Delight 5-1).
ALWAYS_INLINE unsigned popcount64_portable(uint64_t x) {
    x = x - ((x >> 1) & 0x5555555555555555ULL);
    x = (x & 0x3333333333333333ULL) + ((x >> 2) & 0x3333333333333333ULL);
    x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0fULL;
    return (unsigned)((x * 0x0101010101010101ULL) >> 56);
}

/// The first word of code `id` in the interleaved block layout (its words are 8 apart).
ALWAYS_INLINE const uint64_t *code_start(const uint64_t *codes, size_t words, uint32_t id) {
    return codes + ((size_t)(id >> 3) * words) * 8 + (id & 7);
}

/// Codes picked by id are prefetched this many ids ahead, every cache line of them (a code's
/// words sit on `words` consecutive lines of its block).
#define CODE_PREFETCH_DISTANCE 3

ALWAYS_INLINE void prefetch_code(const uint64_t *codes, size_t words, const uint32_t *ids, size_t i, size_t count) {
    size_t first = i == 0 ? 0 : i + CODE_PREFETCH_DISTANCE, last = i + CODE_PREFETCH_DISTANCE;
    for (size_t j = first; j <= last && j < count; j++) {
        const uint64_t *code = code_start(codes, words, ids[j]);
        for (size_t w = 0; w < words; w++) loupe_prefetch(code + w * 8);
    }
}

static void hamming_blocks_scalar(const uint64_t *query, const uint64_t *codes, size_t words,
                                  size_t blocks, float *out) {
    for (size_t b = 0; b < blocks; b++) {
        const uint64_t *block = codes + b * words * 8;
        for (size_t r = 0; r < 8; r++) {
            unsigned distance = 0;
            for (size_t w = 0; w < words; w++) distance += popcount64_portable(query[w] ^ block[w * 8 + r]);
            out[b * 8 + r] = -(float)distance;
        }
    }
}

static void hamming_ids_scalar(const uint64_t *query, const uint64_t *codes, size_t words,
                               const uint32_t *ids, size_t count, float *out) {
    for (size_t i = 0; i < count; i++) {
        const uint64_t *code = code_start(codes, words, ids[i]);
        unsigned distance = 0;
        for (size_t w = 0; w < words; w++) distance += popcount64_portable(query[w] ^ code[w * 8]);
        out[i] = -(float)distance;
    }
}

static void bit_weight_sums_scalar(const float *weights, const uint64_t *codes, size_t words,
                                   const uint32_t *ids, size_t count, float *out) {
    for (size_t i = 0; i < count; i++) {
        const uint64_t *code = code_start(codes, words, ids[i]);
        float s = 0;
        for (size_t w = 0; w < words; w++) {
            uint64_t bits = code[w * 8];
            while (bits) {
                s += weights[w * 64 + (size_t)__builtin_ctzll(bits)];
                bits &= bits - 1;
            }
        }
        out[i] = s;
    }
}

static const loupe_kernels scalar_kernels = {
    LOUPE_SIMD_SCALAR, dot_scalar,        l2sq_scalar,       score_ids_scalar, score_rows_scalar,
    dot_u8_scalar,     f32_to_f16_scalar, f16_to_f32_scalar, dot_f16_scalar,   sum_scalar,
    score_ids_u8_scalar, indices_above_scalar, hamming_blocks_scalar, hamming_ids_scalar, bit_weight_sums_scalar,
};

#if LOUPE_X86

// MARK: - AVX2 + FMA + F16C

#define AVX2_TARGET __attribute__((target("avx2,fma,f16c")))

AVX2_TARGET ALWAYS_INLINE float horizontal_sum_256(__m256 v) {
    __m128 lo = _mm256_castps256_ps128(v), hi = _mm256_extractf128_ps(v, 1);
    lo = _mm_add_ps(lo, hi);
    lo = _mm_add_ps(lo, _mm_movehl_ps(lo, lo));
    lo = _mm_add_ss(lo, _mm_shuffle_ps(lo, lo, 1));
    return _mm_cvtss_f32(lo);
}

AVX2_TARGET static float dot_avx2(const float *a, const float *b, size_t n) {
    __m256 s0 = _mm256_setzero_ps(), s1 = _mm256_setzero_ps();
    __m256 s2 = _mm256_setzero_ps(), s3 = _mm256_setzero_ps();
    size_t i = 0;
    for (; i + 32 <= n; i += 32) {
        s0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i), s0);
        s1 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 8), _mm256_loadu_ps(b + i + 8), s1);
        s2 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 16), _mm256_loadu_ps(b + i + 16), s2);
        s3 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 24), _mm256_loadu_ps(b + i + 24), s3);
    }
    for (; i + 8 <= n; i += 8) s0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i), s0);
    float s = horizontal_sum_256(_mm256_add_ps(_mm256_add_ps(s0, s1), _mm256_add_ps(s2, s3)));
    for (; i < n; i++) s += a[i] * b[i];
    return s;
}

AVX2_TARGET static float l2sq_avx2(const float *a, const float *b, size_t n) {
    __m256 s0 = _mm256_setzero_ps(), s1 = _mm256_setzero_ps();
    size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        __m256 d0 = _mm256_sub_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i));
        __m256 d1 = _mm256_sub_ps(_mm256_loadu_ps(a + i + 8), _mm256_loadu_ps(b + i + 8));
        s0 = _mm256_fmadd_ps(d0, d0, s0);
        s1 = _mm256_fmadd_ps(d1, d1, s1);
    }
    for (; i + 8 <= n; i += 8) {
        __m256 d = _mm256_sub_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i));
        s0 = _mm256_fmadd_ps(d, d, s0);
    }
    float s = horizontal_sum_256(_mm256_add_ps(s0, s1));
    for (; i < n; i++) {
        float d = a[i] - b[i];
        s += d * d;
    }
    return s;
}

AVX2_TARGET static void score_ids_avx2(loupe_score_kind kind, const float *query, const float *base,
                                       size_t dims, size_t stride, const uint32_t *ids,
                                       size_t count, float *out) {
    score_ids_with(dot_avx2, l2sq_avx2, kind, query, base, dims, stride, ids, count, out);
}

AVX2_TARGET static void score_rows_avx2(loupe_score_kind kind, const float *query, const float *base,
                                        size_t dims, size_t stride, size_t count, float *out) {
    score_rows_with(dot_avx2, l2sq_avx2, kind, query, base, dims, stride, count, out);
}

AVX2_TARGET static float dot_u8_avx2(const float *q, const uint8_t *codes, size_t n) {
    __m256 s0 = _mm256_setzero_ps(), s1 = _mm256_setzero_ps();
    size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        __m256 c0 = _mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(_mm_loadl_epi64((const __m128i *)(codes + i))));
        __m256 c1 = _mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(_mm_loadl_epi64((const __m128i *)(codes + i + 8))));
        s0 = _mm256_fmadd_ps(_mm256_loadu_ps(q + i), c0, s0);
        s1 = _mm256_fmadd_ps(_mm256_loadu_ps(q + i + 8), c1, s1);
    }
    float s = horizontal_sum_256(_mm256_add_ps(s0, s1));
    for (; i < n; i++) s += q[i] * (float)codes[i];
    return s;
}

AVX2_TARGET static void f32_to_f16_avx2(const float *src, uint16_t *dst, size_t n) {
    size_t i = 0;
    for (; i + 8 <= n; i += 8)
        _mm_storeu_si128((__m128i *)(dst + i), _mm256_cvtps_ph(_mm256_loadu_ps(src + i), _MM_FROUND_TO_NEAREST_INT));
    for (; i < n; i++) dst[i] = half_from_float(src[i]);
}

AVX2_TARGET static void f16_to_f32_avx2(const uint16_t *src, float *dst, size_t n) {
    size_t i = 0;
    for (; i + 8 <= n; i += 8)
        _mm256_storeu_ps(dst + i, _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(src + i))));
    for (; i < n; i++) dst[i] = float_from_half(src[i]);
}

AVX2_TARGET static float dot_f16_avx2(const float *q, const uint16_t *v, size_t n) {
    __m256 s0 = _mm256_setzero_ps(), s1 = _mm256_setzero_ps();
    size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        s0 = _mm256_fmadd_ps(_mm256_loadu_ps(q + i), _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(v + i))), s0);
        s1 = _mm256_fmadd_ps(_mm256_loadu_ps(q + i + 8), _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(v + i + 8))), s1);
    }
    float s = horizontal_sum_256(_mm256_add_ps(s0, s1));
    for (; i < n; i++) s += q[i] * float_from_half(v[i]);
    return s;
}

AVX2_TARGET static float sum_avx2(const float *a, size_t n) {
    __m256 s0 = _mm256_setzero_ps(), s1 = _mm256_setzero_ps();
    __m256 s2 = _mm256_setzero_ps(), s3 = _mm256_setzero_ps();
    size_t i = 0;
    for (; i + 32 <= n; i += 32) {
        s0 = _mm256_add_ps(s0, _mm256_loadu_ps(a + i));
        s1 = _mm256_add_ps(s1, _mm256_loadu_ps(a + i + 8));
        s2 = _mm256_add_ps(s2, _mm256_loadu_ps(a + i + 16));
        s3 = _mm256_add_ps(s3, _mm256_loadu_ps(a + i + 24));
    }
    float s = horizontal_sum_256(_mm256_add_ps(_mm256_add_ps(s0, s1), _mm256_add_ps(s2, s3)));
    for (; i < n; i++) s += a[i];
    return s;
}

AVX2_TARGET static size_t indices_above_avx2(const float *values, size_t n, float threshold, uint32_t *out) {
    const __m256 limit = _mm256_set1_ps(threshold);
    size_t found = 0, i = 0;
    for (; i + 8 <= n; i += 8) {
        unsigned mask = (unsigned)_mm256_movemask_ps(_mm256_cmp_ps(_mm256_loadu_ps(values + i), limit, _CMP_GT_OQ));
        while (mask) {
            out[found++] = (uint32_t)(i + (size_t)__builtin_ctz(mask));
            mask &= mask - 1;
        }
    }
    for (; i < n; i++) {
        out[found] = (uint32_t)i;
        found += values[i] > threshold;
    }
    return found;
}

AVX2_TARGET static void score_ids_u8_avx2(const float *scaled, const uint8_t *codes, size_t dims,
                                size_t stride, const uint32_t *ids, size_t count, float *out) {
    score_ids_u8_with(dot_u8_avx2, scaled, codes, dims, stride, ids, count, out);
}

// MARK: Binary codes (AVX2)

/// Hamming distances with the nibble-lookup popcount of Muła, Kurz & Lemire ("Faster population
/// counts using AVX2 instructions", Computer Journal 2018): two PSHUFB lookups count the bits of
/// each byte, PSADBW sums the bytes of each 64-bit lane.
AVX2_TARGET static void hamming_blocks_avx2(const uint64_t *query, const uint64_t *codes, size_t words,
                                            size_t blocks, float *out) {
    const __m256i lookup = _mm256_setr_epi8(0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4,
                                            0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4);
    const __m256i low_nibble = _mm256_set1_epi8(0x0f);
    const __m256i zero = _mm256_setzero_si256();
    const __m256i low_halves = _mm256_setr_epi32(0, 2, 4, 6, 0, 2, 4, 6);
    for (size_t b = 0; b < blocks; b++) {
        const uint64_t *block = codes + b * words * 8;
        __m256i sum0 = zero, sum1 = zero;
        for (size_t w = 0; w < words; w++) {
            const __m256i q = _mm256_set1_epi64x((long long)query[w]);
            __m256i x0 = _mm256_xor_si256(_mm256_loadu_si256((const __m256i *)(block + w * 8)), q);
            __m256i x1 = _mm256_xor_si256(_mm256_loadu_si256((const __m256i *)(block + w * 8 + 4)), q);
            __m256i c0 = _mm256_add_epi8(_mm256_shuffle_epi8(lookup, _mm256_and_si256(x0, low_nibble)),
                                         _mm256_shuffle_epi8(lookup, _mm256_and_si256(_mm256_srli_epi16(x0, 4), low_nibble)));
            __m256i c1 = _mm256_add_epi8(_mm256_shuffle_epi8(lookup, _mm256_and_si256(x1, low_nibble)),
                                         _mm256_shuffle_epi8(lookup, _mm256_and_si256(_mm256_srli_epi16(x1, 4), low_nibble)));
            sum0 = _mm256_add_epi64(sum0, _mm256_sad_epu8(c0, zero));
            sum1 = _mm256_add_epi64(sum1, _mm256_sad_epu8(c1, zero));
        }
        __m128i lo = _mm256_castsi256_si128(_mm256_permutevar8x32_epi32(sum0, low_halves));
        __m128i hi = _mm256_castsi256_si128(_mm256_permutevar8x32_epi32(sum1, low_halves));
        __m256 distances = _mm256_cvtepi32_ps(_mm256_set_m128i(hi, lo));
        _mm256_storeu_ps(out + b * 8, _mm256_sub_ps(_mm256_setzero_ps(), distances));
    }
}

/// Codes picked by id are scattered, so one POPCNT per word beats any gather.
__attribute__((target("popcnt"))) static void hamming_ids_popcnt(const uint64_t *query, const uint64_t *codes, size_t words,
                                                                 const uint32_t *ids, size_t count, float *out) {
    for (size_t i = 0; i < count; i++) {
        prefetch_code(codes, words, ids, i, count);
        const uint64_t *code = code_start(codes, words, ids[i]);
        unsigned distance = 0;
        for (size_t w = 0; w < words; w++) distance += (unsigned)__builtin_popcountll(query[w] ^ code[w * 8]);
        out[i] = -(float)distance;
    }
}

AVX2_TARGET static void bit_weight_sums_avx2(const float *weights, const uint64_t *codes, size_t words,
                                             const uint32_t *ids, size_t count, float *out) {
    const __m256i bit = _mm256_setr_epi32(1, 2, 4, 8, 16, 32, 64, 128);
    for (size_t i = 0; i < count; i++) {
        prefetch_code(codes, words, ids, i, count);
        const uint64_t *code = code_start(codes, words, ids[i]);
        __m256 s0 = _mm256_setzero_ps(), s1 = _mm256_setzero_ps();
        for (size_t w = 0; w < words; w++) {
            uint64_t bits = code[w * 8];
            const float *weight = weights + w * 64;
            for (size_t byte = 0; byte < 8; byte += 2) {
                __m256i b0 = _mm256_set1_epi32((int)((bits >> (8 * byte)) & 0xff));
                __m256i b1 = _mm256_set1_epi32((int)((bits >> (8 * byte + 8)) & 0xff));
                __m256 m0 = _mm256_castsi256_ps(_mm256_cmpeq_epi32(_mm256_and_si256(b0, bit), bit));
                __m256 m1 = _mm256_castsi256_ps(_mm256_cmpeq_epi32(_mm256_and_si256(b1, bit), bit));
                s0 = _mm256_add_ps(s0, _mm256_and_ps(m0, _mm256_loadu_ps(weight + 8 * byte)));
                s1 = _mm256_add_ps(s1, _mm256_and_ps(m1, _mm256_loadu_ps(weight + 8 * byte + 8)));
            }
        }
        out[i] = horizontal_sum_256(_mm256_add_ps(s0, s1));
    }
}

static const loupe_kernels avx2_kernels = {
    LOUPE_SIMD_AVX2, dot_avx2,        l2sq_avx2,       score_ids_avx2, score_rows_avx2,
    dot_u8_avx2,     f32_to_f16_avx2, f16_to_f32_avx2, dot_f16_avx2,   sum_avx2,
    score_ids_u8_avx2, indices_above_avx2, hamming_blocks_avx2, hamming_ids_popcnt, bit_weight_sums_avx2,
};

// MARK: - AVX-512F

#define AVX512_TARGET __attribute__((target("avx512f,avx2,fma,f16c")))

AVX512_TARGET ALWAYS_INLINE __mmask16 tail_mask(size_t remaining) {
    return (__mmask16)((1u << remaining) - 1u);
}

AVX512_TARGET static float dot_avx512(const float *a, const float *b, size_t n) {
    __m512 s0 = _mm512_setzero_ps(), s1 = _mm512_setzero_ps();
    __m512 s2 = _mm512_setzero_ps(), s3 = _mm512_setzero_ps();
    size_t i = 0;
    for (; i + 64 <= n; i += 64) {
        s0 = _mm512_fmadd_ps(_mm512_loadu_ps(a + i), _mm512_loadu_ps(b + i), s0);
        s1 = _mm512_fmadd_ps(_mm512_loadu_ps(a + i + 16), _mm512_loadu_ps(b + i + 16), s1);
        s2 = _mm512_fmadd_ps(_mm512_loadu_ps(a + i + 32), _mm512_loadu_ps(b + i + 32), s2);
        s3 = _mm512_fmadd_ps(_mm512_loadu_ps(a + i + 48), _mm512_loadu_ps(b + i + 48), s3);
    }
    for (; i + 16 <= n; i += 16) s0 = _mm512_fmadd_ps(_mm512_loadu_ps(a + i), _mm512_loadu_ps(b + i), s0);
    if (i < n) {
        __mmask16 m = tail_mask(n - i);
        s1 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(m, a + i), _mm512_maskz_loadu_ps(m, b + i), s1);
    }
    return _mm512_reduce_add_ps(_mm512_add_ps(_mm512_add_ps(s0, s1), _mm512_add_ps(s2, s3)));
}

AVX512_TARGET static float l2sq_avx512(const float *a, const float *b, size_t n) {
    __m512 s0 = _mm512_setzero_ps(), s1 = _mm512_setzero_ps();
    size_t i = 0;
    for (; i + 32 <= n; i += 32) {
        __m512 d0 = _mm512_sub_ps(_mm512_loadu_ps(a + i), _mm512_loadu_ps(b + i));
        __m512 d1 = _mm512_sub_ps(_mm512_loadu_ps(a + i + 16), _mm512_loadu_ps(b + i + 16));
        s0 = _mm512_fmadd_ps(d0, d0, s0);
        s1 = _mm512_fmadd_ps(d1, d1, s1);
    }
    for (; i + 16 <= n; i += 16) {
        __m512 d = _mm512_sub_ps(_mm512_loadu_ps(a + i), _mm512_loadu_ps(b + i));
        s0 = _mm512_fmadd_ps(d, d, s0);
    }
    if (i < n) {
        __mmask16 m = tail_mask(n - i);
        __m512 d = _mm512_sub_ps(_mm512_maskz_loadu_ps(m, a + i), _mm512_maskz_loadu_ps(m, b + i));
        s1 = _mm512_fmadd_ps(d, d, s1);
    }
    return _mm512_reduce_add_ps(_mm512_add_ps(s0, s1));
}

AVX512_TARGET static void score_ids_avx512(loupe_score_kind kind, const float *query,
                                           const float *base, size_t dims, size_t stride,
                                           const uint32_t *ids, size_t count, float *out) {
    score_ids_with(dot_avx512, l2sq_avx512, kind, query, base, dims, stride, ids, count, out);
}

AVX512_TARGET static void score_rows_avx512(loupe_score_kind kind, const float *query,
                                            const float *base, size_t dims, size_t stride,
                                            size_t count, float *out) {
    score_rows_with(dot_avx512, l2sq_avx512, kind, query, base, dims, stride, count, out);
}

AVX512_TARGET static float dot_u8_avx512(const float *q, const uint8_t *codes, size_t n) {
    __m512 s0 = _mm512_setzero_ps(), s1 = _mm512_setzero_ps();
    size_t i = 0;
    for (; i + 32 <= n; i += 32) {
        __m512 c0 = _mm512_cvtepi32_ps(_mm512_cvtepu8_epi32(_mm_loadu_si128((const __m128i *)(codes + i))));
        __m512 c1 = _mm512_cvtepi32_ps(_mm512_cvtepu8_epi32(_mm_loadu_si128((const __m128i *)(codes + i + 16))));
        s0 = _mm512_fmadd_ps(_mm512_loadu_ps(q + i), c0, s0);
        s1 = _mm512_fmadd_ps(_mm512_loadu_ps(q + i + 16), c1, s1);
    }
    float s = _mm512_reduce_add_ps(_mm512_add_ps(s0, s1));
    for (; i < n; i++) s += q[i] * (float)codes[i];
    return s;
}

AVX512_TARGET static void f32_to_f16_avx512(const float *src, uint16_t *dst, size_t n) {
    size_t i = 0;
    for (; i + 16 <= n; i += 16)
        _mm256_storeu_si256((__m256i *)(dst + i), _mm512_cvtps_ph(_mm512_loadu_ps(src + i), _MM_FROUND_TO_NEAREST_INT));
    for (; i < n; i++) dst[i] = half_from_float(src[i]);
}

AVX512_TARGET static void f16_to_f32_avx512(const uint16_t *src, float *dst, size_t n) {
    size_t i = 0;
    for (; i + 16 <= n; i += 16)
        _mm512_storeu_ps(dst + i, _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)(src + i))));
    for (; i < n; i++) dst[i] = float_from_half(src[i]);
}

AVX512_TARGET static float dot_f16_avx512(const float *q, const uint16_t *v, size_t n) {
    __m512 s0 = _mm512_setzero_ps(), s1 = _mm512_setzero_ps();
    size_t i = 0;
    for (; i + 32 <= n; i += 32) {
        s0 = _mm512_fmadd_ps(_mm512_loadu_ps(q + i), _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)(v + i))), s0);
        s1 = _mm512_fmadd_ps(_mm512_loadu_ps(q + i + 16), _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)(v + i + 16))), s1);
    }
    float s = _mm512_reduce_add_ps(_mm512_add_ps(s0, s1));
    for (; i < n; i++) s += q[i] * float_from_half(v[i]);
    return s;
}

AVX512_TARGET static float sum_avx512(const float *a, size_t n) {
    __m512 s0 = _mm512_setzero_ps(), s1 = _mm512_setzero_ps();
    __m512 s2 = _mm512_setzero_ps(), s3 = _mm512_setzero_ps();
    size_t i = 0;
    for (; i + 64 <= n; i += 64) {
        s0 = _mm512_add_ps(s0, _mm512_loadu_ps(a + i));
        s1 = _mm512_add_ps(s1, _mm512_loadu_ps(a + i + 16));
        s2 = _mm512_add_ps(s2, _mm512_loadu_ps(a + i + 32));
        s3 = _mm512_add_ps(s3, _mm512_loadu_ps(a + i + 48));
    }
    float s = _mm512_reduce_add_ps(_mm512_add_ps(_mm512_add_ps(s0, s1), _mm512_add_ps(s2, s3)));
    for (; i < n; i++) s += a[i];
    return s;
}

AVX512_TARGET static size_t indices_above_avx512(const float *values, size_t n, float threshold, uint32_t *out) {
    const __m512 limit = _mm512_set1_ps(threshold);
    const __m512i step = _mm512_set1_epi32(16);
    __m512i index = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    size_t found = 0, i = 0;
    for (; i + 16 <= n; i += 16) {
        __mmask16 mask = _mm512_cmp_ps_mask(_mm512_loadu_ps(values + i), limit, _CMP_GT_OQ);
        if (mask) {
            _mm512_mask_compressstoreu_epi32(out + found, mask, index);
            found += (size_t)__builtin_popcount(mask);
        }
        index = _mm512_add_epi32(index, step);
    }
    for (; i < n; i++) {
        out[found] = (uint32_t)i;
        found += values[i] > threshold;
    }
    return found;
}

AVX512_TARGET static void score_ids_u8_avx512(const float *scaled, const uint8_t *codes, size_t dims,
                                size_t stride, const uint32_t *ids, size_t count, float *out) {
    score_ids_u8_with(dot_u8_avx512, scaled, codes, dims, stride, ids, count, out);
}

// MARK: Binary codes (AVX-512)

#define AVX512_POPCNT_TARGET __attribute__((target("avx512f,avx512vpopcntdq,avx2,fma,f16c")))

/// One 512-bit load holds one word of 8 codes: XOR, VPOPCNTQ and add per word, no horizontal
/// reduction at all.
AVX512_POPCNT_TARGET static void hamming_blocks_avx512(const uint64_t *query, const uint64_t *codes,
                                                       size_t words, size_t blocks, float *out) {
    size_t b = 0;
    for (; b + 2 <= blocks; b += 2) {
        const uint64_t *block0 = codes + b * words * 8, *block1 = block0 + words * 8;
        __m512i sum0 = _mm512_setzero_si512(), sum1 = _mm512_setzero_si512();
        for (size_t w = 0; w < words; w++) {
            const __m512i q = _mm512_set1_epi64((long long)query[w]);
            sum0 = _mm512_add_epi64(sum0, _mm512_popcnt_epi64(_mm512_xor_si512(_mm512_loadu_si512(block0 + w * 8), q)));
            sum1 = _mm512_add_epi64(sum1, _mm512_popcnt_epi64(_mm512_xor_si512(_mm512_loadu_si512(block1 + w * 8), q)));
        }
        // One 512-bit store, so the 512-bit loads of the top-k pre-filter that follows forward
        // from it instead of stalling on two 256-bit stores.
        __m512i both = _mm512_inserti64x4(_mm512_castsi256_si512(_mm512_cvtepi64_epi32(sum0)), _mm512_cvtepi64_epi32(sum1), 1);
        _mm512_storeu_ps(out + b * 8, _mm512_sub_ps(_mm512_setzero_ps(), _mm512_cvtepi32_ps(both)));
    }
    for (; b < blocks; b++) {
        const uint64_t *block = codes + b * words * 8;
        __m512i sum = _mm512_setzero_si512();
        for (size_t w = 0; w < words; w++)
            sum = _mm512_add_epi64(sum, _mm512_popcnt_epi64(_mm512_xor_si512(_mm512_loadu_si512(block + w * 8),
                                                                              _mm512_set1_epi64((long long)query[w]))));
        _mm256_storeu_ps(out + b * 8, _mm256_sub_ps(_mm256_setzero_ps(), _mm256_cvtepi32_ps(_mm512_cvtepi64_epi32(sum))));
    }
}

/// Each 16 bits of a code are a mask that adds 16 weights in one masked add.
AVX512_TARGET static void bit_weight_sums_avx512(const float *weights, const uint64_t *codes, size_t words,
                                                 const uint32_t *ids, size_t count, float *out) {
    for (size_t i = 0; i < count; i++) {
        prefetch_code(codes, words, ids, i, count);
        const uint64_t *code = code_start(codes, words, ids[i]);
        __m512 s0 = _mm512_setzero_ps(), s1 = _mm512_setzero_ps();
        for (size_t w = 0; w < words; w++) {
            uint64_t bits = code[w * 8];
            const float *weight = weights + w * 64;
            s0 = _mm512_mask_add_ps(s0, (__mmask16)bits, s0, _mm512_loadu_ps(weight));
            s1 = _mm512_mask_add_ps(s1, (__mmask16)(bits >> 16), s1, _mm512_loadu_ps(weight + 16));
            s0 = _mm512_mask_add_ps(s0, (__mmask16)(bits >> 32), s0, _mm512_loadu_ps(weight + 32));
            s1 = _mm512_mask_add_ps(s1, (__mmask16)(bits >> 48), s1, _mm512_loadu_ps(weight + 48));
        }
        out[i] = _mm512_reduce_add_ps(_mm512_add_ps(s0, s1));
    }
}

static const loupe_kernels avx512_kernels = {
    LOUPE_SIMD_AVX512, dot_avx512,        l2sq_avx512,       score_ids_avx512, score_rows_avx512,
    dot_u8_avx512,     f32_to_f16_avx512, f16_to_f32_avx512, dot_f16_avx512,   sum_avx512,
    score_ids_u8_avx512, indices_above_avx512, hamming_blocks_avx512, hamming_ids_popcnt, bit_weight_sums_avx512,
};

/// AVX-512F without VPOPCNTDQ (Skylake-X, Cascade Lake): the AVX2 Hamming kernel.
static const loupe_kernels avx512_without_vpopcntdq_kernels = {
    LOUPE_SIMD_AVX512, dot_avx512,        l2sq_avx512,       score_ids_avx512, score_rows_avx512,
    dot_u8_avx512,     f32_to_f16_avx512, f16_to_f32_avx512, dot_f16_avx512,   sum_avx512,
    score_ids_u8_avx512, indices_above_avx512, hamming_blocks_avx2, hamming_ids_popcnt, bit_weight_sums_avx512,
};

// MARK: - CPU detection

/// True when the OS saves every register state bit in `mask` on context switch (XCR0).
static int os_saves_state(uint64_t mask) {
    uint32_t low, high;
    __asm__ volatile("xgetbv" : "=a"(low), "=d"(high) : "c"(0));
    return ((((uint64_t)high << 32) | low) & mask) == mask;
}

/// Set by detect_level: whether the CPU has AVX-512 VPOPCNTDQ.
static int detected_vpopcntdq = 0;

static loupe_simd_level detect_level(void) {
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return LOUPE_SIMD_SCALAR;
    int osxsave = (c >> 27) & 1, avx = (c >> 28) & 1, fma = (c >> 12) & 1, f16c = (c >> 29) & 1;
    if (!(osxsave && avx && fma && f16c) || !os_saves_state(0x6)) return LOUPE_SIMD_SCALAR;
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return LOUPE_SIMD_SCALAR;
    int avx2 = (b >> 5) & 1, avx512f = (b >> 16) & 1;
    if (!avx2) return LOUPE_SIMD_SCALAR;
    if (avx512f && os_saves_state(0xE6)) {
        __atomic_store_n(&detected_vpopcntdq, (int)((c >> 14) & 1), __ATOMIC_RELAXED);
        return LOUPE_SIMD_AVX512;
    }
    return LOUPE_SIMD_AVX2;
}

#else

static const int detected_vpopcntdq = 0;

static loupe_simd_level detect_level(void) { return LOUPE_SIMD_SCALAR; }

#endif

// MARK: - Dispatch

loupe_simd_level loupe_simd_best_level(void) {
    static int cached = -1;
    int level = __atomic_load_n(&cached, __ATOMIC_RELAXED);
    if (level < 0) {
        level = (int)detect_level();
        __atomic_store_n(&cached, level, __ATOMIC_RELAXED);
    }
    return (loupe_simd_level)level;
}

int loupe_has_vpopcntdq(void) {
    loupe_simd_best_level();  // runs the detection once
    return __atomic_load_n(&detected_vpopcntdq, __ATOMIC_RELAXED);
}

const loupe_kernels *loupe_kernels_for(loupe_simd_level level) {
    loupe_simd_level best = loupe_simd_best_level();
    if (level > best) level = best;
#if LOUPE_X86
    if (level == LOUPE_SIMD_AVX512) return loupe_has_vpopcntdq() ? &avx512_kernels : &avx512_without_vpopcntdq_kernels;
    if (level == LOUPE_SIMD_AVX2) return &avx2_kernels;
#endif
    return &scalar_kernels;
}

const loupe_kernels *loupe_active_kernels(void) {
    const char *requested = getenv("LOUPE_SIMD");
    loupe_simd_level level = LOUPE_SIMD_AVX512;
    if (requested) {
        if (strcmp(requested, "scalar") == 0) level = LOUPE_SIMD_SCALAR;
        else if (strcmp(requested, "avx2") == 0) level = LOUPE_SIMD_AVX2;
    }
    return loupe_kernels_for(level);
}

// MARK: - XXH64

static const uint64_t XXH_PRIME64_1 = 0x9E3779B185EBCA87ULL;
static const uint64_t XXH_PRIME64_2 = 0xC2B2AE3D27D4EB4FULL;
static const uint64_t XXH_PRIME64_3 = 0x165667B19E3779F9ULL;
static const uint64_t XXH_PRIME64_4 = 0x85EBCA77C2B2AE63ULL;
static const uint64_t XXH_PRIME64_5 = 0x27D4EB2F165667C5ULL;

static inline uint64_t rotl64(uint64_t x, int r) { return (x << r) | (x >> (64 - r)); }

static inline uint64_t read64(const uint8_t *p) {
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

static inline uint32_t read32(const uint8_t *p) {
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

static inline uint64_t xxh_round(uint64_t acc, uint64_t input) {
    acc += input * XXH_PRIME64_2;
    acc = rotl64(acc, 31);
    return acc * XXH_PRIME64_1;
}

static inline uint64_t xxh_merge(uint64_t acc, uint64_t value) {
    acc ^= xxh_round(0, value);
    return acc * XXH_PRIME64_1 + XXH_PRIME64_4;
}

uint64_t loupe_xxh64(const void *data, size_t length, uint64_t seed) {
    const uint8_t *p = (const uint8_t *)data;
    const uint8_t *end = p + length;
    uint64_t h;
    if (length >= 32) {
        uint64_t v1 = seed + XXH_PRIME64_1 + XXH_PRIME64_2, v2 = seed + XXH_PRIME64_2;
        uint64_t v3 = seed, v4 = seed - XXH_PRIME64_1;
        const uint8_t *limit = end - 32;
        do {
            v1 = xxh_round(v1, read64(p));
            v2 = xxh_round(v2, read64(p + 8));
            v3 = xxh_round(v3, read64(p + 16));
            v4 = xxh_round(v4, read64(p + 24));
            p += 32;
        } while (p <= limit);
        h = rotl64(v1, 1) + rotl64(v2, 7) + rotl64(v3, 12) + rotl64(v4, 18);
        h = xxh_merge(h, v1);
        h = xxh_merge(h, v2);
        h = xxh_merge(h, v3);
        h = xxh_merge(h, v4);
    } else {
        h = seed + XXH_PRIME64_5;
    }
    h += (uint64_t)length;
    while (p + 8 <= end) {
        h ^= xxh_round(0, read64(p));
        h = rotl64(h, 27) * XXH_PRIME64_1 + XXH_PRIME64_4;
        p += 8;
    }
    if (p + 4 <= end) {
        h ^= (uint64_t)read32(p) * XXH_PRIME64_1;
        h = rotl64(h, 23) * XXH_PRIME64_2 + XXH_PRIME64_3;
        p += 4;
    }
    while (p < end) {
        h ^= (*p) * XXH_PRIME64_5;
        h = rotl64(h, 11) * XXH_PRIME64_1;
        p++;
    }
    h ^= h >> 33;
    h *= XXH_PRIME64_2;
    h ^= h >> 29;
    h *= XXH_PRIME64_3;
    h ^= h >> 32;
    return h;
}
