// VectorMath: the arithmetic under Loupe's vector search.
//
// It owns the similarity metrics and the score contract, the SIMD distance kernels (through
// `CVectorKernels`, chosen at run time for the CPU), normalisation, batched scoring through
// OpenBLAS, top-k selection, and compact storage codes (fp16, int8). It knows nothing about
// indexes, storage, or HTTP.

import CVectorKernels

/// How two vectors are compared.
///
/// Every index reports results with one contract (DESIGN.md): `score` is higher for more similar
/// vectors — cosine similarity in [-1, 1], the inner product, or `-distance` for L2 — and
/// `distance` is the metric's raw distance (1 − cosine, −inner product, Euclidean distance).
///
/// Internally, kernels compare vectors by an *ordering key* where lower is better: `-dot` for
/// cosine and inner product, squared Euclidean distance for L2.
public enum Metric: String, Sendable, Codable, CaseIterable, Hashable {
    /// Cosine similarity. Vectors are L2-normalised when they enter an index.
    case cosine
    /// The raw inner product.
    case innerProduct = "inner_product"
    /// Euclidean distance.
    case l2

    /// Whether vectors (and queries) are normalised to unit length before they are compared.
    @inlinable public var normalizesVectors: Bool { self == .cosine }

    /// The kernel that computes this metric's raw value.
    @inlinable public var scoreKind: loupe_score_kind {
        self == .l2 ? LOUPE_SCORE_L2SQ : LOUPE_SCORE_DOT
    }

    /// Converts a kernel's raw output (a dot product or a squared L2 distance) to an ordering key.
    @inlinable public func orderingKey(fromKernelValue value: Float) -> Float {
        self == .l2 ? value : -value
    }

    /// The score (higher is more similar) for an ordering key.
    @inlinable public func score(fromOrderingKey key: Float) -> Float {
        self == .l2 ? -max(key, 0).squareRoot() : -key
    }

    /// The raw distance for an ordering key.
    @inlinable public func distance(fromOrderingKey key: Float) -> Float {
        switch self {
        case .cosine: 1 - (-key)
        case .innerProduct: key
        case .l2: max(key, 0).squareRoot()
        }
    }

    /// The ordering key for a score: the inverse of `score(fromOrderingKey:)`, used for thresholds.
    @inlinable public func orderingKey(fromScore score: Float) -> Float {
        self == .l2 ? score * score * (score <= 0 ? 1 : -1) : -score
    }
}
