import VectorMath

/// A 2-D projection by principal component analysis: the data, centred, onto its two directions of
/// largest variance, found by block power (subspace) iteration (Golub & Van Loan, "Matrix
/// Computations", §8.2.4) without forming the d×d covariance.
///
/// A stopgap for the cluster map until the Curation module's PCA/UMAP are merged; it lives here so
/// the integrator can swap it out in one place.
enum PrincipalComponents {
    /// The first two principal coordinates of `count` rows of `dimensions` floats (row-major).
    /// - Returns: `count × 2` floats, x then y for each row. A single dimension gives y = 0.
    /// - Complexity: O(iterations · count · dimensions).
    static func project(_ vectors: [Float], count: Int, dimensions: Int, iterations: Int = 40, seed: UInt64 = 7) -> [Float] {
        guard count > 0, dimensions > 0 else { return [] }
        var mean = [Float](repeating: 0, count: dimensions)
        var sums = [Double](repeating: 0, count: dimensions)
        vectors.withUnsafeBufferPointer { data in
            for row in 0..<count {
                let base = row * dimensions
                for d in 0..<dimensions { sums[d] += Double(data[base + d]) }
            }
        }
        for d in 0..<dimensions { mean[d] = Float(sums[d] / Double(count)) }
        let components = min(2, dimensions)
        // Q: `components` orthonormal columns of length `dimensions`, stored one after another.
        var random = SplitMix64(seed: seed)
        var basis = (0..<(components * dimensions)).map { _ in random.nextGaussian() }
        orthonormalise(&basis, columns: components, length: dimensions)
        var scores = [Float](repeating: 0, count: count * components)
        for _ in 0..<iterations {
            scoresOf(vectors, count: count, dimensions: dimensions, mean: mean, basis: basis, components: components, into: &scores)
            // Z = Xcᵀ Y, accumulated row by row, then orthonormalised into the next basis.
            var next = [Float](repeating: 0, count: components * dimensions)
            vectors.withUnsafeBufferPointer { data in
                next.withUnsafeMutableBufferPointer { z in
                    for row in 0..<count {
                        let x = data.baseAddress! + row * dimensions
                        for c in 0..<components {
                            let weight = scores[row * components + c]
                            let column = z.baseAddress! + c * dimensions
                            for d in 0..<dimensions { column[d] += weight * (x[d] - mean[d]) }
                        }
                    }
                }
            }
            orthonormalise(&next, columns: components, length: dimensions)
            basis = next
        }
        scoresOf(vectors, count: count, dimensions: dimensions, mean: mean, basis: basis, components: components, into: &scores)
        if components == 2 { return scores }
        var padded = [Float](repeating: 0, count: count * 2)
        for row in 0..<count { padded[row * 2] = scores[row] }
        return padded
    }

    /// Y = (X − mean) Q: each row's coordinates on the basis columns.
    private static func scoresOf(
        _ vectors: [Float], count: Int, dimensions: Int, mean: [Float], basis: [Float], components: Int, into scores: inout [Float]
    ) {
        let kernels = VectorKernels.active
        let offsets = (0..<components).map { c in
            mean.withUnsafeBufferPointer { m in basis.withUnsafeBufferPointer { q in kernels.dot(m.baseAddress!, q.baseAddress! + c * dimensions, count: dimensions) } }
        }
        vectors.withUnsafeBufferPointer { data in
            basis.withUnsafeBufferPointer { q in
                scores.withUnsafeMutableBufferPointer { y in
                    for row in 0..<count {
                        for c in 0..<components {
                            y[row * components + c] = kernels.dot(data.baseAddress! + row * dimensions, q.baseAddress! + c * dimensions, count: dimensions) - offsets[c]
                        }
                    }
                }
            }
        }
    }

    /// Gram–Schmidt on `columns` vectors of `length` stored one after another; a column that
    /// vanishes is replaced by a unit axis.
    private static func orthonormalise(_ matrix: inout [Float], columns: Int, length: Int) {
        for c in 0..<columns {
            for previous in 0..<c {
                var dot: Float = 0
                for d in 0..<length { dot += matrix[c * length + d] * matrix[previous * length + d] }
                for d in 0..<length { matrix[c * length + d] -= dot * matrix[previous * length + d] }
            }
            var norm: Float = 0
            for d in 0..<length { norm += matrix[c * length + d] * matrix[c * length + d] }
            norm = norm.squareRoot()
            if norm > 1e-20 {
                for d in 0..<length { matrix[c * length + d] /= norm }
            } else {
                for d in 0..<length { matrix[c * length + d] = d == c ? 1 : 0 }
            }
        }
    }
}
