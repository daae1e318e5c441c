import Curation
import Foundation
import Testing
import TestSupport

@Suite struct PCATests {
    /// Eigenpairs of a symmetric matrix by cyclic Jacobi rotations in Double, descending.
    static func jacobi(_ matrix: [[Double]]) -> (values: [Double], vectors: [[Double]]) {
        let n = matrix.count
        var a = matrix
        var v = (0..<n).map { i in (0..<n).map { $0 == i ? 1.0 : 0.0 } }
        for _ in 0..<100 {
            var off = 0.0
            for p in 0..<n { for q in (p + 1)..<n { off += a[p][q] * a[p][q] } }
            if off < 1e-22 { break }
            for p in 0..<n {
                for q in (p + 1)..<n where abs(a[p][q]) > 1e-300 {
                    let theta = (a[q][q] - a[p][p]) / (2 * a[p][q])
                    let t = (theta >= 0 ? 1 : -1) / (abs(theta) + (theta * theta + 1).squareRoot())
                    let c = 1 / (t * t + 1).squareRoot(), s = t * c
                    for k in 0..<n {
                        let akp = a[k][p], akq = a[k][q]
                        a[k][p] = c * akp - s * akq
                        a[k][q] = s * akp + c * akq
                    }
                    for k in 0..<n {
                        let apk = a[p][k], aqk = a[q][k]
                        a[p][k] = c * apk - s * aqk
                        a[q][k] = s * apk + c * aqk
                    }
                    for k in 0..<n {
                        let vkp = v[k][p], vkq = v[k][q]
                        v[k][p] = c * vkp - s * vkq
                        v[k][q] = s * vkp + c * vkq
                    }
                }
            }
        }
        let order = (0..<n).sorted { a[$0][$0] > a[$1][$1] }
        return (order.map { a[$0][$0] }, order.map { column in (0..<n).map { v[$0][column] } })
    }

    /// Correlated seeded data: x = z · L with distinct scales per direction.
    static func data(count: Int, dimensions: Int, seed: UInt64) -> [Float] {
        var generator = SeededGenerator(seed: seed)
        let mixing = (0..<dimensions * dimensions).map { _ in generator.nextGaussian() }
        var out: [Float] = []
        for _ in 0..<count {
            let z = (0..<dimensions).map { Float(dimensions - $0) * generator.nextGaussian() }
            out += (0..<dimensions).map { j in (0..<dimensions).reduce(Float(3)) { $0 + z[$1] * mixing[$1 * dimensions + j] } }
        }
        return out
    }

    @Test func matchesADoublePrecisionReference() throws {
        let n = 400, d = 9
        let points = Self.data(count: n, dimensions: d, seed: 12)
        let model = try PCA.fit(points, dimensions: d, components: 4, threads: 2)
        // Reference covariance and eigenpairs in Double.
        var mean = [Double](repeating: 0, count: d)
        for i in 0..<n { for j in 0..<d { mean[j] += Double(points[i * d + j]) / Double(n) } }
        var covariance = [[Double]](repeating: [Double](repeating: 0, count: d), count: d)
        for i in 0..<n {
            for p in 0..<d {
                for q in 0..<d {
                    covariance[p][q] += (Double(points[i * d + p]) - mean[p]) * (Double(points[i * d + q]) - mean[q]) / Double(n - 1)
                }
            }
        }
        let (values, vectors) = Self.jacobi(covariance)
        for c in 0..<4 {
            #expect(approximatelyEqual(model.explainedVariance[c], values[c], relative: 1e-4))
            let axis = TestData.row(model.axes, c, dimensions: d).map(Double.init)
            let cosine = zip(axis, vectors[c]).reduce(0) { $0 + $1.0 * $1.1 }
            #expect(abs(abs(cosine) - 1) < 1e-4, "axis \(c) differs from the reference (|cos| = \(abs(cosine)))")
            // Sign convention: the largest-magnitude component is positive.
            #expect(axis.max(by: { abs($0) < abs($1) })! > 0)
        }
        let total = values.reduce(0, +)
        #expect(approximatelyEqual(model.explainedVarianceRatio[0], values[0] / total, relative: 1e-4))
    }

    @Test func transformIsTheProjectionOfCentredRows() throws {
        let points = Self.data(count: 200, dimensions: 6, seed: 3)
        let model = try PCA.fit(points, dimensions: 6, components: 2)
        let fresh = TestData.uniform(count: 5, dimensions: 6, seed: 4)
        let projected = try model.transform(fresh)
        for i in 0..<5 {
            for c in 0..<2 {
                let expected = (0..<6).reduce(0.0) {
                    $0 + (Double(fresh[i * 6 + $1]) - Double(model.mean[$1])) * Double(model.axes[c * 6 + $1])
                }
                #expect(approximatelyEqual(Double(projected[i * 2 + c]), expected, absolute: 1e-4, relative: 1e-4))
            }
        }
        // The training rows' coordinates are centred and have the explained variances.
        let own = try model.transform(points)
        for c in 0..<2 {
            let column = stride(from: c, to: own.count, by: 2).map { Double(own[$0]) }
            let mean = column.reduce(0, +) / 200
            let variance = column.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / 199
            #expect(abs(mean) < 1e-3 * variance.squareRoot())
            #expect(approximatelyEqual(variance, model.explainedVariance[c], relative: 1e-3))
        }
    }

    @Test func badInputIsAClearError() {
        let points = TestData.uniform(count: 10, dimensions: 3, seed: 1)
        expectCurationError(.invalidArgument, "components 0") { _ = try PCA.fit(points, dimensions: 3, components: 0) }
        expectCurationError(.invalidArgument, "components > d") { _ = try PCA.fit(points, dimensions: 3, components: 4) }
        expectCurationError(.notEnoughRows, "one row") { _ = try PCA.fit([1, 2, 3], dimensions: 3) }
        expectCurationError(.notEnoughRows, "no rows") { _ = try PCA.fit([], dimensions: 3) }
        expectCurationError(.invalidVector, "NaN") { _ = try PCA.fit([1, 2, .nan, 4, 5, 6], dimensions: 3) }
        do {
            let model = try PCA.fit(points, dimensions: 3)
            expectCurationError(.invalidVector, "transform dims") { _ = try model.transform([1, 2]) }
        } catch {
            Issue.record("fit failed: \(error)")
        }
    }
}
