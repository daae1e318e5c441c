// CVectorKernels: the few hot loops of Loupe's vector search, written once per instruction set
// (portable scalar, AVX2+FMA, AVX-512F) and chosen at run time from CPUID, so one binary is fast on
// this machine and still runs on a CPU without AVX-512. Swift code reaches them through
// `VectorMath.VectorKernels`; nothing else in Loupe should call this header directly.
//
// Every function takes raw pointers and lengths and never allocates.

#ifndef LOUPE_CVECTORKERNELS_H
#define LOUPE_CVECTORKERNELS_H

#include <stddef.h>
#include <stdint.h>

#include "loupe_minhash.h"

#ifdef __cplusplus
extern "C" {
#endif

/// Instruction-set levels, lowest first.
typedef enum {
    LOUPE_SIMD_SCALAR = 0,
    LOUPE_SIMD_AVX2 = 1,
    LOUPE_SIMD_AVX512 = 2,
} loupe_simd_level;

/// The similarity a scoring kernel computes.
typedef enum {
    /// a·b (used for inner product and for cosine on normalised vectors).
    LOUPE_SCORE_DOT = 0,
    /// Σ(a−b)².
    LOUPE_SCORE_L2SQ = 1,
} loupe_score_kind;

/// The kernels of one instruction-set level.
typedef struct {
    loupe_simd_level level;
    float (*dot)(const float *a, const float *b, size_t n);
    float (*l2sq)(const float *a, const float *b, size_t n);
    /// out[i] = score(query, base + ids[i]*stride) for i < count; prefetches the next rows.
    void (*score_ids)(loupe_score_kind kind, const float *query, const float *base, size_t dims,
                      size_t stride, const uint32_t *ids, size_t count, float *out);
    /// out[i] = score(query, base + i*stride) for i < count.
    void (*score_rows)(loupe_score_kind kind, const float *query, const float *base, size_t dims,
                       size_t stride, size_t count, float *out);
    /// Σ q[i]·codes[i] with codes read as unsigned bytes.
    float (*dot_u8)(const float *q, const uint8_t *codes, size_t n);
    /// IEEE binary16 conversions.
    void (*f32_to_f16)(const float *src, uint16_t *dst, size_t n);
    void (*f16_to_f32)(const uint16_t *src, float *dst, size_t n);
    float (*dot_f16)(const float *q, const uint16_t *v, size_t n);
    /// Sum of n floats read sequentially: a probe of memory read bandwidth.
    float (*sum)(const float *a, size_t n);
    /// out[i] = Σ scaled[j]·codes[ids[i]*stride + j] over j < dims (codes as unsigned bytes):
    /// the asymmetric int8 distance of a graph search; prefetches the next rows.
    void (*score_ids_u8)(const float *scaled, const uint8_t *codes, size_t dims, size_t stride,
                         const uint32_t *ids, size_t count, float *out);
    /// Writes, in order, every i < n with values[i] > threshold to out; returns how many.
    /// The pre-filter of top-k selection: once the heap is full, few values pass.
    size_t (*indices_above)(const float *values, size_t n, float threshold, uint32_t *out);

    // Binary codes (SimHash) are stored in blocks of 8 codes of `words` 64-bit words each,
    // interleaved so that one 512-bit load holds the same word of 8 codes: word w of code
    // 8·b + r lives at codes[(b·words + w)·8 + r]. Distances come out negated, as floats, so that
    // higher is more similar and top-k selection can share the pre-filter of dot products.

    /// out[i] = −popcount(query ⊕ code i) for the 8·blocks codes of `blocks` whole blocks.
    void (*hamming_blocks)(const uint64_t *query, const uint64_t *codes, size_t words,
                           size_t blocks, float *out);
    /// out[i] = −popcount(query ⊕ code ids[i]) for i < count.
    void (*hamming_ids)(const uint64_t *query, const uint64_t *codes, size_t words,
                        const uint32_t *ids, size_t count, float *out);
    /// out[i] = Σ weights[j] over the set bits j of code ids[i] (weights has 64·words entries):
    /// the asymmetric score of a binary code against a real-valued query projection.
    void (*bit_weight_sums)(const float *weights, const uint64_t *codes, size_t words,
                            const uint32_t *ids, size_t count, float *out);
} loupe_kernels;

/// Whether this CPU runs the AVX-512 VPOPCNTDQ Hamming kernel (the AVX-512 level falls back to
/// the AVX2 Hamming kernel without it).
int loupe_has_vpopcntdq(void);

/// The best level this CPU and OS support.
loupe_simd_level loupe_simd_best_level(void);

/// The kernels of `level`, clamped to what the CPU supports. Never NULL.
const loupe_kernels *loupe_kernels_for(loupe_simd_level level);

/// The kernels in use: the best level, or the one named by the environment variable
/// `LOUPE_SIMD` (`scalar`, `avx2`, `avx512`), clamped to what the CPU supports.
const loupe_kernels *loupe_active_kernels(void);

/// XXH64 (Collet) of `length` bytes: the checksum of Loupe's on-disk formats.
uint64_t loupe_xxh64(const void *data, size_t length, uint64_t seed);

/// Prefetch the cache line holding `address` into all cache levels.
static inline void loupe_prefetch(const void *address) {
    __builtin_prefetch(address, 0, 3);
}

/// A one-byte spin lock (0 = free). Held only for a few hundred nanoseconds while a graph node's
/// neighbour list is read or rewritten during a parallel build.
static inline void loupe_spin_lock(uint8_t *lock) {
    while (__atomic_exchange_n(lock, (uint8_t)1, __ATOMIC_ACQUIRE)) {
        while (__atomic_load_n(lock, __ATOMIC_RELAXED)) {
#if defined(__x86_64__)
            __builtin_ia32_pause();
#endif
        }
    }
}

static inline void loupe_spin_unlock(uint8_t *lock) {
    __atomic_store_n(lock, (uint8_t)0, __ATOMIC_RELEASE);
}

/// Atomically adds `delta` to `*value` and returns the old value: a work counter shared by build
/// threads.
static inline size_t loupe_atomic_fetch_add(size_t *value, size_t delta) {
    return __atomic_fetch_add(value, delta, __ATOMIC_RELAXED);
}

#ifdef __cplusplus
}
#endif

// Bounds against boxes (the k-d tree's pruning test), in their own header.
#include "CBoxKernels.h"

#endif
