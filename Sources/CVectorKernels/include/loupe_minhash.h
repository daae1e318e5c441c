// The hot loop of MinHash signatures (Broder, 1997): for every permutation j of a family
// h_j(x) = (a_j · x + b_j) mod p with p = 2^61 − 1, the minimum of h_j over a set of tokens.
// Included by CVectorKernels.h; Swift reaches it through `VectorIndex.MinHasher`.

#ifndef LOUPE_MINHASH_H
#define LOUPE_MINHASH_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// The Mersenne prime 2^61 − 1 of the permutation family; also the value of an empty signature
/// slot (no residue reaches it).
#define LOUPE_MINHASH_PRIME ((uint64_t)0x1FFFFFFFFFFFFFFFULL)

/// Folds `token_count` tokens into `mins[0..<perms]`:
///   x_i     = fmix64(tokens[i]) mod p              (MurmurHash3's 64-bit finalizer, a bijection)
///   mins[j] = min(mins[j], min_i (a[j] · x_i + b[j]) mod p)
/// `a[j]` must lie in [1, p) and `b[j]` in [0, p); `mins` values stay in [0, p]. The reduction
/// modulo p uses shifts and adds only (2^61 ≡ 1), and the permutations run 8 (AVX-512) or 4
/// (AVX2) at a time over the contiguous arrays. `level` is a `loupe_simd_level`, clamped to what
/// the CPU supports. Never allocates.
void loupe_minhash_update(int level, const uint64_t *a, const uint64_t *b, size_t perms,
                          const uint64_t *tokens, size_t token_count, uint64_t *mins);

/// The number of positions j < count with x[j] == y[j] (the numerator of the Jaccard estimate).
size_t loupe_count_equal_u64(const uint64_t *x, const uint64_t *y, size_t count);

#ifdef __cplusplus
}
#endif

#endif
