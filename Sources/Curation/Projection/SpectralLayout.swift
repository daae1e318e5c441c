import CBLAS
import Foundation
import VectorMath

/// UMAP's spectral initialisation: the eigenvectors of the normalised graph Laplacian
/// I − D^(−1/2) W D^(−1/2) with the smallest non-trivial eigenvalues (umap-learn's
/// `spectral_layout`), i.e. the largest eigenvectors of M = D^(−1/2) W D^(−1/2) after its trivial
/// one, √degree.
///
/// Found by Lanczos iteration with full reorthogonalisation against the Lanczos basis and the
/// trivial vector (Lanczos 1950; Golub & Van Loan §10.1), a single run of up to a few hundred
/// steps, then Ritz vectors from the tridiagonal matrix's eigenpairs (LAPACK `dsyevr`). A graph
/// of several components is laid out as umap-learn's `multi_component_layout` does: each
/// component's own spectral layout, scaled to half the distance to the nearest other component
/// and placed at a meta-position (PCA of the components' data centroids when there are more than
/// 2·dim components, else ±unit vectors).
enum SpectralLayout {
    /// A `dim`-column layout (row-major `graph.count × dim`) of the whole graph.
    static func layout(
        _ graph: FuzzyGraph, dim: Int, points: UnsafePointer<Float>, dimensions: Int, seed: UInt64, threads: Int
    ) throws(CurationError) -> [Float] {
        let (labels, components) = graph.components()
        if components == 1 {
            return try componentLayout(graph, vertices: Array(0..<graph.count), dim: dim, seed: seed, threads: threads)
        }
        var random = SplitMix64(seed: seed ^ 0x5350_4543)
        let members = (0..<components).map { _ in [Int]() }
        var groups = members
        for (vertex, label) in labels.enumerated() { groups[Int(label)].append(vertex) }
        let meta = try metaPositions(groups, dim: dim, points: points, dimensions: dimensions)
        var result = [Float](repeating: 0, count: graph.count * dim)
        for (c, vertices) in groups.enumerated() {
            var nearest = Double.infinity
            for other in 0..<components where other != c {
                var squared = 0.0
                for j in 0..<dim { squared += (meta[c * dim + j] - meta[other * dim + j]) * (meta[c * dim + j] - meta[other * dim + j]) }
                if squared > 0 { nearest = min(nearest, squared.squareRoot()) }
            }
            let range = nearest.isFinite ? nearest / 2 : 1
            if vertices.count < 2 * dim || vertices.count <= dim + 1 {
                for v in vertices {
                    for j in 0..<dim { result[v * dim + j] = Float(meta[c * dim + j] + (random.nextUnitInterval() * 2 - 1) * range) }
                }
                continue
            }
            let sub = subgraph(graph, vertices: vertices)
            let local = try componentLayout(sub, vertices: Array(0..<vertices.count), dim: dim, seed: seed &+ UInt64(c), threads: threads)
            let largest = local.map { abs(Double($0)) }.max() ?? 0
            let expansion = largest > 0 ? range / largest : 0
            for (row, v) in vertices.enumerated() {
                for j in 0..<dim { result[v * dim + j] = Float(Double(local[row * dim + j]) * expansion + meta[c * dim + j]) }
            }
        }
        return result
    }

    /// The induced subgraph on `vertices` (renumbered in their order).
    static func subgraph(_ graph: FuzzyGraph, vertices: [Int]) -> FuzzyGraph {
        var position = [Int32](repeating: -1, count: graph.count)
        for (i, v) in vertices.enumerated() { position[v] = Int32(i) }
        var rows: [Int32] = [], columns: [Int32] = [], weights: [Float] = []
        for (i, v) in vertices.enumerated() {
            for e in graph.rowStart[v]..<graph.rowStart[v + 1] where position[Int(graph.columns[e])] >= 0 {
                rows.append(Int32(i))
                columns.append(position[Int(graph.columns[e])])
                weights.append(graph.weights[e])
            }
        }
        return FuzzyGraph(count: vertices.count, rows: rows, columns: columns, weights: weights)
    }

    /// Where each component goes: ±unit vectors for few components, else the PCA of their data
    /// centroids scaled to a largest coordinate of 1.
    static func metaPositions(_ groups: [[Int]], dim: Int, points: UnsafePointer<Float>, dimensions: Int) throws(CurationError) -> [Double] {
        let components = groups.count
        var meta = [Double](repeating: 0, count: components * dim)
        if components <= 2 * dim {
            let half = (components + 1) / 2
            for c in 0..<components {
                let axis = c % half
                if axis < dim { meta[c * dim + axis] = c < half ? 1 : -1 }
            }
            return meta
        }
        var centroids = [Float](repeating: 0, count: components * dimensions)
        for (c, vertices) in groups.enumerated() {
            var sums = [Double](repeating: 0, count: dimensions)
            for v in vertices { for j in 0..<dimensions { sums[j] += Double(points[v * dimensions + j]) } }
            for j in 0..<dimensions { centroids[c * dimensions + j] = Float(sums[j] / Double(vertices.count)) }
        }
        let pca = try PCA.fit(centroids, dimensions: dimensions, components: min(dim, dimensions), threads: 1)
        let projected = try pca.transform(centroids)
        let m = pca.components
        let largest = projected.map { abs(Double($0)) }.max() ?? 0
        for c in 0..<components {
            for j in 0..<m { meta[c * dim + j] = largest > 0 ? Double(projected[c * m + j]) / largest : 0 }
        }
        return meta
    }

    /// The spectral layout of one connected graph: `dim` unit eigenvectors as columns.
    static func componentLayout(
        _ graph: FuzzyGraph, vertices: [Int], dim: Int, seed: UInt64, threads: Int
    ) throws(CurationError) -> [Float] {
        let n = graph.count
        var degree = [Double](repeating: 0, count: n)
        for i in 0..<n { for e in graph.rowStart[i]..<graph.rowStart[i + 1] { degree[i] += Double(graph.weights[e]) } }
        let inverseRoot = degree.map { $0 > 0 ? 1 / $0.squareRoot() : 0 }
        // M's entries: w_ij / √(d_i d_j).
        var scaled = [Double](repeating: 0, count: graph.edgeCount)
        for i in 0..<n {
            for e in graph.rowStart[i]..<graph.rowStart[i + 1] {
                scaled[e] = Double(graph.weights[e]) * inverseRoot[i] * inverseRoot[Int(graph.columns[e])]
            }
        }
        var trivial = degree.map { $0.squareRoot() }
        let norm = trivial.reduce(0) { $0 + $1 * $1 }.squareRoot()
        if norm > 0 { trivial = trivial.map { $0 / norm } }
        // About 3√n steps (umap-learn's ARPACK uses √n Lanczos vectors with restarts), at most
        // 300, and a basis of at most 400 MB.
        let steps = min(n - 1, max(4 * dim + 20, min(300, Int(3 * Double(n).squareRoot()))), max(2 * dim + 2, 50_000_000 / max(n, 1)))
        let vectors = try Lanczos.largest(
            count: dim, n: n, steps: steps, deflating: trivial, seed: seed
        ) { x, y in
            graph.rowStart.withUnsafeBufferPointer { start in
                graph.columns.withUnsafeBufferPointer { columns in
                    scaled.withUnsafeBufferPointer { values in
                        for i in 0..<n {
                            var sum = 0.0
                            for e in start[i]..<start[i + 1] { sum += values[e] * x[Int(columns[e])] }
                            y[i] = sum
                        }
                    }
                }
            }
        }
        var result = [Float](repeating: 0, count: n * dim)
        for c in 0..<dim { for i in 0..<n { result[i * dim + c] = Float(vectors[c * n + i]) } }
        return result
    }
}

/// Lanczos iteration with full reorthogonalisation for the largest eigenpairs of a symmetric
/// operator.
enum Lanczos {
    /// The `count` eigenvectors (rows of the result, each `n` long) of the operator `apply`
    /// (y ← A·x) with the largest eigenvalues, in the orthogonal complement of `deflating`.
    static func largest(
        count: Int, n: Int, steps requested: Int, deflating: [Double], seed: UInt64,
        apply: (UnsafePointer<Double>, UnsafeMutablePointer<Double>) -> Void
    ) throws(CurationError) -> [Double] {
        let steps = max(min(requested, n - 1), count)
        guard steps >= count, n > count else {
            throw CurationError(.notEnoughRows, "a spectral layout in \(count) dimensions needs more than \(count + 1) connected rows (got \(n))")
        }
        var random = SplitMix64(seed: seed)
        // Basis rows q_0 … q_steps.
        var basis = [Double](repeating: 0, count: (steps + 1) * n)
        var alpha = [Double](repeating: 0, count: steps), beta = [Double](repeating: 0, count: steps)
        var w = [Double](repeating: 0, count: n)
        var coefficients = [Double](repeating: 0, count: steps + 1)
        var used = 0
        basis.withUnsafeMutableBufferPointer { basis in
            let q = basis.baseAddress!
            for i in 0..<n { q[i] = Double(random.nextGaussian()) }
            orthogonalize(q, against: deflating, n: n)
            normalize(q, n: n)
            w.withUnsafeMutableBufferPointer { w in
                let w = w.baseAddress!
                for j in 0..<steps {
                    let current = q + j * n
                    apply(current, w)
                    alpha[j] = cblas_ddot(Int32(n), current, 1, w, 1)
                    orthogonalize(w, against: deflating, n: n)
                    // Full reorthogonalisation, twice (Kahan–Parlett "twice is enough").
                    for _ in 0..<2 {
                        coefficients.withUnsafeMutableBufferPointer { c in
                            cblas_dgemv(CblasRowMajor, CblasNoTrans, Int32(j + 1), Int32(n), 1, q, Int32(n), w, 1, 0, c.baseAddress!, 1)
                            cblas_dgemv(CblasRowMajor, CblasTrans, Int32(j + 1), Int32(n), -1, q, Int32(n), c.baseAddress!, 1, 1, w, 1)
                        }
                    }
                    used = j + 1
                    let b = cblas_dnrm2(Int32(n), w, 1)
                    beta[j] = b
                    if b < 1e-10 || j == steps - 1 { break }
                    let next = q + (j + 1) * n
                    for i in 0..<n { next[i] = w[i] / b }
                }
            }
        }
        guard used >= count else {
            throw CurationError(.computationFailed, "the Lanczos iteration stopped after \(used) steps, before finding \(count) eigenvectors")
        }
        var tridiagonal = [Double](repeating: 0, count: used * used)
        for j in 0..<used {
            tridiagonal[j * used + j] = alpha[j]
            if j + 1 < used { tridiagonal[j * used + j + 1] = beta[j] }
        }
        let (_, ritz) = try SymmetricEigen.largest(tridiagonal, n: used, count: count)
        var vectors = [Double](repeating: 0, count: count * n)
        basis.withUnsafeBufferPointer { basis in
            ritz.withUnsafeBufferPointer { ritz in
                vectors.withUnsafeMutableBufferPointer { out in
                    // Y = S · Q: each Ritz vector is its coefficients times the basis rows.
                    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(count), Int32(n), Int32(used),
                                1, ritz.baseAddress!, Int32(used), basis.baseAddress!, Int32(n), 0, out.baseAddress!, Int32(n))
                }
            }
        }
        return vectors
    }

    private static func orthogonalize(_ x: UnsafeMutablePointer<Double>, against v: [Double], n: Int) {
        guard !v.isEmpty else { return }
        v.withUnsafeBufferPointer { v in
            let projection = cblas_ddot(Int32(n), v.baseAddress!, 1, x, 1)
            cblas_daxpy(Int32(n), -projection, v.baseAddress!, 1, x, 1)
        }
    }

    private static func normalize(_ x: UnsafeMutablePointer<Double>, n: Int) {
        let norm = cblas_dnrm2(Int32(n), x, 1)
        if norm > 0 { cblas_dscal(Int32(n), 1 / norm, x, 1) }
    }
}
