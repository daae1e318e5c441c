// CBoxKernels: bounds of a query against an axis-aligned box, the pruning test of Loupe's k-d tree,
// one version per instruction-set level like CVectorKernels.h. Swift reaches them through
// `VectorMath.BoxKernels`.

#ifndef LOUPE_CBOXKERNELS_H
#define LOUPE_CBOXKERNELS_H

#include <stddef.h>

#include "CVectorKernels.h"

#ifdef __cplusplus
extern "C" {
#endif

/// The box kernels of one instruction-set level.
typedef struct {
    loupe_simd_level level;
    /// Σ max(lower[i] − q[i], q[i] − upper[i], 0)²: the squared Euclidean distance from q to the box.
    float (*l2sq)(const float *q, const float *lower, const float *upper, size_t n);
    /// Σ max(q[i]·lower[i], q[i]·upper[i]): the largest q·x over the box. Writes
    /// Σ max(|q[i]·lower[i]|, |q[i]·upper[i]|) to `magnitude`, the scale of its rounding error.
    float (*max_dot)(const float *q, const float *lower, const float *upper, size_t n, float *magnitude);
} loupe_box_kernels;

/// The box kernels of `level`, clamped to what the CPU supports. Never NULL.
const loupe_box_kernels *loupe_box_kernels_for(loupe_simd_level level);

#ifdef __cplusplus
}
#endif

#endif
