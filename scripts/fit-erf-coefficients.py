#!/usr/bin/env python3
"""Derives the coefficients of NeuralNet's fast erf (Sources/NeuralNet/Ops/SIMDMath.swift) and
checks them the way the Swift code evaluates them (float32, no FMA).

    python3 scripts/fit-erf-coefficients.py      # needs numpy

|x| < 0.921875:           erf(x) = x + x * P(x^2),   P of degree 5, weighted by x
0.921875 <= |x| < 3.925:  erf(x) = 1 - exp(Q(|x|)),  Q ~ log(erfc) of degree 6, weighted by erfc
Both fits are near-minimax: Lawson's iteratively reweighted least squares on a dense grid.
Prints the coefficients (lowest degree first) and the max |error| against math.erf.
"""
import math
import numpy as np

f32 = np.float32
SPLIT, SATURATION = 0.921875, 3.925


def lawson(x, y, degree, weight, iterations=200):
    basis = np.vstack([x ** k for k in range(degree + 1)]).T
    u = np.ones_like(x) / len(x)
    for _ in range(iterations):
        w = np.sqrt(u) * weight
        c, *_ = np.linalg.lstsq(basis * w[:, None], y * w, rcond=None)
        e = np.abs(basis @ c - y) * weight
        u = u * e
        u /= u.sum()
    return c, e.max()


def estrin7(c, t):
    """c0..c6 as (c0 + c1 t) + t^2 (c2 + c3 t) + t^4 ((c4 + c5 t) + t^2 c6), as the Swift code."""
    t2 = (t * t).astype(f32)
    q01 = (f32(c[0]) + t * f32(c[1])).astype(f32)
    q23 = (f32(c[2]) + t * f32(c[3])).astype(f32)
    q46 = ((f32(c[4]) + t * f32(c[5])) + t2 * f32(c[6])).astype(f32)
    return (q01 + t2 * (q23 + t2 * q46)).astype(f32)


def horner(c, v):
    r = np.full_like(v, f32(c[-1]))
    for k in range(len(c) - 2, -1, -1):
        r = (r * v + f32(c[k])).astype(f32)
    return r


def exp32(v):
    v = np.clip(v, f32(-87.3), f32(88.3)).astype(f32)
    magic = f32(12582912.0)
    shifted = (v * f32(1.44269504) + magic).astype(f32)
    n = (shifted - magic).astype(f32)
    r = (v - n * f32(0.693145751953125)).astype(f32)
    r = (r - n * f32(1.428606765330187e-06)).astype(f32)
    # Estrin's scheme, as the Swift code evaluates it.
    r2 = (r * r).astype(f32)
    a = (f32(0.5) + r * f32(1 / 6)).astype(f32)
    b = (f32(1 / 24) + r * f32(1 / 120)).astype(f32)
    c = (f32(1 / 720) + r * f32(1 / 5040)).astype(f32)
    p = (a + r2 * (b + r2 * c)).astype(f32)
    p = (p * r2 + r + f32(1)).astype(f32)
    scale = ((n.astype(np.int32) + 127) << 23).astype(np.int32).view(f32)
    return (p * scale).astype(f32)


def main():
    erf = np.vectorize(math.erf)
    erfc = np.vectorize(math.erfc)
    x = np.linspace(1e-4, SPLIT, 4000)
    small, small_error = lawson(x * x, erf(x) / x - 1, 5, x)
    t = np.linspace(SPLIT, SATURATION, 6000)
    large, large_error = lawson(t, np.log(erfc(t)), 6, erfc(t))
    small, large = small.astype(f32), large.astype(f32)
    print("P (x^2), fit error %.2e:" % small_error, [repr(float(c)) for c in small])
    print("Q (|x|), fit error %.2e:" % large_error, [repr(float(c)) for c in large])

    xs = np.linspace(-8, 8, 4_000_001).astype(f32)
    a = np.abs(xs)
    near = (xs + xs * horner(small, (xs * xs).astype(f32))).astype(f32)
    far = (f32(1) - exp32(estrin7(large, np.minimum(a, f32(SATURATION))))).astype(f32)
    far = np.copysign(np.where(a >= f32(SATURATION), f32(1), far), xs)
    ours = np.where(a < f32(SPLIT), near, far)
    error = np.abs(ours.astype(np.float64) - erf(xs.astype(np.float64)))
    print("max |erf error| %.3e at x = %r" % (error.max(), float(xs[error.argmax()])))


if __name__ == "__main__":
    main()
