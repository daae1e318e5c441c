// MinHash signatures: h_j(x) = (a_j · x + b_j) mod (2^61 − 1), minimised over a set's tokens.
//
// The reduction modulo the Mersenne prime p = 2^61 − 1 needs no division: 2^61 ≡ 1 (mod p), so a
// value v folds to (v & p) + (v >> 61), and one conditional subtraction (written as the unsigned
// minimum of r and r − p, which wraps to a huge value when r < p) makes it canonical.
//
// The SIMD paths have no 64×64-bit multiply, so a · x (both < 2^61) is assembled from four 32×32
// products (vpmuludq). With a = ah·2^32 + al and x = xh·2^32 + xl:
//   a·x = ah·xh·2^64 + (ah·xl + al·xh)·2^32 + al·xl
// and modulo p, 2^64 ≡ 8, while mid·2^32 ≡ (mid >> 29) + ((mid << 32) & p) for mid < 2^62. Every
// partial term is below 2^61, so their sum with b stays below 2^64 before the final fold.
//
// Tokens are first mixed by MurmurHash3's 64-bit finalizer (a bijection, so distinct tokens stay
// distinct) and reduced modulo p, a chunk at a time into a stack buffer; the permutations are then
// processed in blocks whose running minima stay in registers while the chunk streams past.

#include "CVectorKernels.h"

#if defined(__x86_64__)
#include <immintrin.h>
#define LOUPE_X86 1
#endif

#define P LOUPE_MINHASH_PRIME
#define CHUNK 256

static inline uint64_t fmix64(uint64_t x) {
    x ^= x >> 33;
    x *= 0xFF51AFD7ED558CCDULL;
    x ^= x >> 33;
    x *= 0xC4CEB9FE1A85EC53ULL;
    x ^= x >> 33;
    return x;
}

/// fmix64(token) mod p, in [0, p).
static inline uint64_t token_residue(uint64_t token) {
    uint64_t x = fmix64(token);
    x = (x & P) + (x >> 61);
    return x >= P ? x - P : x;
}

static void residues(const uint64_t *tokens, size_t count, uint64_t *out) {
    for (size_t i = 0; i < count; i++) out[i] = token_residue(tokens[i]);
}

// MARK: - Scalar (portable)

static inline uint64_t permute_scalar(uint64_t a, uint64_t b, uint64_t x) {
    unsigned __int128 product = (unsigned __int128)a * x;  // < 2^122
    uint64_t low = (uint64_t)product & P, high = (uint64_t)(product >> 61);  // both < 2^61
    uint64_t s = low + high + b;  // < 3·2^61
    s = (s & P) + (s >> 61);
    return s >= P ? s - P : s;
}

static void minhash_scalar(const uint64_t *a, const uint64_t *b, size_t perms,
                           const uint64_t *tokens, size_t count, uint64_t *mins) {
    uint64_t x[CHUNK];
    for (size_t start = 0; start < count; start += CHUNK) {
        size_t n = count - start < CHUNK ? count - start : CHUNK;
        residues(tokens + start, n, x);
        for (size_t j = 0; j < perms; j++) {
            uint64_t aj = a[j], bj = b[j], m = mins[j];
            for (size_t i = 0; i < n; i++) {
                uint64_t h = permute_scalar(aj, bj, x[i]);
                m = h < m ? h : m;
            }
            mins[j] = m;
        }
    }
}

#if LOUPE_X86

// MARK: - AVX2

#define AVX2_TARGET __attribute__((target("avx2")))

/// (a·x + b) mod p in each of 4 lanes; `ah` = a >> 32, `xh` = x >> 32 (broadcast).
AVX2_TARGET static inline __m256i permute_avx2(__m256i a, __m256i ah, __m256i b, __m256i x, __m256i xh) {
    const __m256i p = _mm256_set1_epi64x((long long)P);
    __m256i low = _mm256_mul_epu32(a, x);
    __m256i mid = _mm256_add_epi64(_mm256_mul_epu32(ah, x), _mm256_mul_epu32(a, xh));
    __m256i top = _mm256_mul_epu32(ah, xh);
    __m256i s = _mm256_add_epi64(b, _mm256_slli_epi64(top, 3));
    s = _mm256_add_epi64(s, _mm256_srli_epi64(mid, 29));
    s = _mm256_add_epi64(s, _mm256_and_si256(_mm256_slli_epi64(mid, 32), p));
    s = _mm256_add_epi64(s, _mm256_and_si256(low, p));
    s = _mm256_add_epi64(s, _mm256_srli_epi64(low, 61));
    s = _mm256_add_epi64(_mm256_and_si256(s, p), _mm256_srli_epi64(s, 61));  // < p + 8
    // Values are below 2^62, so the signed compare is an unsigned one.
    __m256i over = _mm256_cmpgt_epi64(s, _mm256_set1_epi64x((long long)(P - 1)));
    return _mm256_sub_epi64(s, _mm256_and_si256(over, p));
}

AVX2_TARGET static inline __m256i min_avx2(__m256i m, __m256i h) {
    return _mm256_blendv_epi8(m, h, _mm256_cmpgt_epi64(m, h));
}

AVX2_TARGET static void minhash_avx2(const uint64_t *a, const uint64_t *b, size_t perms,
                                     const uint64_t *tokens, size_t count, uint64_t *mins) {
    uint64_t x[CHUNK];
    size_t vector_perms = perms & ~(size_t)7;
    for (size_t start = 0; start < count; start += CHUNK) {
        size_t n = count - start < CHUNK ? count - start : CHUNK;
        residues(tokens + start, n, x);
        for (size_t j = 0; j < vector_perms; j += 8) {
            __m256i a0 = _mm256_loadu_si256((const __m256i *)(a + j));
            __m256i a1 = _mm256_loadu_si256((const __m256i *)(a + j + 4));
            __m256i ah0 = _mm256_srli_epi64(a0, 32), ah1 = _mm256_srli_epi64(a1, 32);
            __m256i b0 = _mm256_loadu_si256((const __m256i *)(b + j));
            __m256i b1 = _mm256_loadu_si256((const __m256i *)(b + j + 4));
            __m256i m0 = _mm256_loadu_si256((const __m256i *)(mins + j));
            __m256i m1 = _mm256_loadu_si256((const __m256i *)(mins + j + 4));
            for (size_t i = 0; i < n; i++) {
                __m256i xv = _mm256_set1_epi64x((long long)x[i]);
                __m256i xh = _mm256_srli_epi64(xv, 32);
                m0 = min_avx2(m0, permute_avx2(a0, ah0, b0, xv, xh));
                m1 = min_avx2(m1, permute_avx2(a1, ah1, b1, xv, xh));
            }
            _mm256_storeu_si256((__m256i *)(mins + j), m0);
            _mm256_storeu_si256((__m256i *)(mins + j + 4), m1);
        }
        for (size_t j = vector_perms; j < perms; j++) {
            uint64_t m = mins[j];
            for (size_t i = 0; i < n; i++) {
                uint64_t h = permute_scalar(a[j], b[j], x[i]);
                m = h < m ? h : m;
            }
            mins[j] = m;
        }
    }
}

// MARK: - AVX-512F

#define AVX512_TARGET __attribute__((target("avx512f")))

/// (a·x + b) mod p in each of 8 lanes; `ah` = a >> 32, `ah8` = 8·ah (< 2^32), `xh` = x >> 32
/// (broadcast).
AVX512_TARGET static inline __m512i permute_avx512(__m512i a, __m512i ah, __m512i ah8, __m512i b, __m512i x,
                                                   __m512i xh) {
    const __m512i p = _mm512_set1_epi64((long long)P);
    __m512i low = _mm512_mul_epu32(a, x);
    __m512i mid = _mm512_add_epi64(_mm512_mul_epu32(ah, x), _mm512_mul_epu32(a, xh));
    __m512i s = _mm512_add_epi64(b, _mm512_mul_epu32(ah8, xh));  // ah·xh·2^64 ≡ 8·ah·xh
    s = _mm512_add_epi64(s, _mm512_srli_epi64(mid, 29));
    s = _mm512_add_epi64(s, _mm512_and_si512(_mm512_slli_epi64(mid, 32), p));
    s = _mm512_add_epi64(s, _mm512_and_si512(low, p));
    s = _mm512_add_epi64(s, _mm512_srli_epi64(low, 61));
    s = _mm512_add_epi64(_mm512_and_si512(s, p), _mm512_srli_epi64(s, 61));  // < p + 8
    return _mm512_min_epu64(s, _mm512_sub_epi64(s, p));
}

/// Folds the chunk `x[0..<n]` into 8·V permutations starting at `j`, all minima in registers.
#define AVX512_BLOCK(V)                                                                        \
    do {                                                                                       \
        __m512i av[V], ahv[V], ah8v[V], bv[V], mv[V];                                          \
        for (int v = 0; v < V; v++) {                                                          \
            av[v] = _mm512_loadu_si512(a + j + 8 * v);                                         \
            ahv[v] = _mm512_srli_epi64(av[v], 32);                                             \
            ah8v[v] = _mm512_slli_epi64(ahv[v], 3);                                            \
            bv[v] = _mm512_loadu_si512(b + j + 8 * v);                                         \
            mv[v] = _mm512_loadu_si512(mins + j + 8 * v);                                      \
        }                                                                                      \
        for (size_t i = 0; i < n; i++) {                                                       \
            __m512i xv = _mm512_set1_epi64((long long)x[i]);                                   \
            __m512i xh = _mm512_srli_epi64(xv, 32);                                            \
            for (int v = 0; v < V; v++)                                                        \
                mv[v] = _mm512_min_epu64(mv[v], permute_avx512(av[v], ahv[v], ah8v[v], bv[v], xv, xh)); \
        }                                                                                      \
        for (int v = 0; v < V; v++) _mm512_storeu_si512(mins + j + 8 * v, mv[v]);              \
    } while (0)

AVX512_TARGET static void minhash_avx512(const uint64_t *a, const uint64_t *b, size_t perms,
                                         const uint64_t *tokens, size_t count, uint64_t *mins) {
    uint64_t x[CHUNK];
    for (size_t start = 0; start < count; start += CHUNK) {
        size_t n = count - start < CHUNK ? count - start : CHUNK;
        residues(tokens + start, n, x);
        size_t j = 0;
        for (; j + 32 <= perms; j += 32) AVX512_BLOCK(4);
        for (; j + 8 <= perms; j += 8) AVX512_BLOCK(1);
        if (j < perms) {
            __mmask8 mask = (__mmask8)((1u << (perms - j)) - 1u);
            __m512i av = _mm512_maskz_loadu_epi64(mask, a + j), ahv = _mm512_srli_epi64(av, 32);
            __m512i ah8v = _mm512_slli_epi64(ahv, 3);
            __m512i bv = _mm512_maskz_loadu_epi64(mask, b + j);
            __m512i mv = _mm512_maskz_loadu_epi64(mask, mins + j);
            for (size_t i = 0; i < n; i++) {
                __m512i xv = _mm512_set1_epi64((long long)x[i]);
                mv = _mm512_min_epu64(mv, permute_avx512(av, ahv, ah8v, bv, xv, _mm512_srli_epi64(xv, 32)));
            }
            _mm512_mask_storeu_epi64(mins + j, mask, mv);
        }
    }
}

#endif

// MARK: - Dispatch

void loupe_minhash_update(int level, const uint64_t *a, const uint64_t *b, size_t perms,
                          const uint64_t *tokens, size_t token_count, uint64_t *mins) {
    if (token_count == 0 || perms == 0) return;
    int best = (int)loupe_simd_best_level();
    if (level > best) level = best;
#if LOUPE_X86
    if (level >= LOUPE_SIMD_AVX512) {
        minhash_avx512(a, b, perms, tokens, token_count, mins);
        return;
    }
    if (level >= LOUPE_SIMD_AVX2) {
        minhash_avx2(a, b, perms, tokens, token_count, mins);
        return;
    }
#endif
    minhash_scalar(a, b, perms, tokens, token_count, mins);
}

size_t loupe_count_equal_u64(const uint64_t *x, const uint64_t *y, size_t count) {
    size_t equal = 0;
    for (size_t i = 0; i < count; i++) equal += x[i] == y[i];
    return equal;
}
