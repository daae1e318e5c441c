import Testing
import TestSupport
import VectorMath

/// Every instruction-set level must compute what a plain Double loop computes, at every length
/// (the AVX paths have 64-, 32-, 16- and 8-wide bodies and masked or scalar tails).
@Suite struct VectorKernelsTests {
    static let lengths = Array(1...70) + [127, 128, 129, 384, 784, 1280]

    @Test(arguments: VectorKernels.Level.allCases)
    func dotAndL2MatchDoubleReference(level: VectorKernels.Level) {
        let kernels = VectorKernels(level: level)
        for length in Self.lengths {
            let a = TestData.uniform(count: 1, dimensions: length, seed: UInt64(length))
            let b = TestData.uniform(count: 1, dimensions: length, seed: UInt64(length) + 1000)
            let dot = kernels.dot(a, b, count: length)
            let l2 = kernels.squaredL2(a, b, count: length)
            #expect(approximatelyEqual(Double(dot), Reference.dot(a[...], b[...]), absolute: 1e-4), "dot, length \(length), \(level)")
            #expect(approximatelyEqual(Double(l2), Reference.squaredL2(a[...], b[...]), absolute: 1e-4), "l2, length \(length), \(level)")
        }
    }

    @Test func bestLevelOnThisMachineIsUsedByDefault() {
        // The active kernels run at the best level unless LOUPE_SIMD asks for less.
        #expect(VectorKernels.active.level.rawValue <= VectorKernels.bestLevel.rawValue)
        #expect(VectorKernels(level: .avx512).level == VectorKernels.bestLevel)
    }

    @Test(arguments: VectorKernels.Level.allCases)
    func rowScoringMatchesPairwiseKernels(level: VectorKernels.Level) {
        let kernels = VectorKernels(level: level)
        let dimensions = 37, rows = 50
        let base = TestData.uniform(count: rows, dimensions: dimensions, seed: 7)
        let query = TestData.uniform(count: 1, dimensions: dimensions, seed: 8)
        let ids: [UInt32] = [49, 0, 17, 17, 3]
        for metric in [Metric.innerProduct, .l2] {
            var byID = [Float](repeating: 0, count: ids.count)
            kernels.scoreRows(metric, query: query, base: base, dimensions: dimensions, stride: dimensions,
                              ids: ids, count: ids.count, into: &byID)
            var consecutive = [Float](repeating: 0, count: rows)
            kernels.scoreConsecutiveRows(metric, query: query, base: base, dimensions: dimensions,
                                         stride: dimensions, count: rows, into: &consecutive)
            for (i, id) in ids.enumerated() {
                let row = TestData.row(base, Int(id), dimensions: dimensions)
                let expected = kernels.kernelValue(metric, query, row, count: dimensions)
                #expect(byID[i] == expected)
                #expect(consecutive[Int(id)] == expected)
            }
        }
    }

    @Test(arguments: VectorKernels.Level.allCases)
    func bytesAndHalvesDotProducts(level: VectorKernels.Level) {
        let kernels = VectorKernels(level: level)
        for length in Self.lengths {
            let q = TestData.uniform(count: 1, dimensions: length, seed: 99)
            let codes = (0..<length).map { UInt8(($0 * 37) % 256) }
            let expected = zip(q, codes).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
            #expect(approximatelyEqual(Double(kernels.dot(q, codes: codes, count: length)), expected, absolute: 1e-2, relative: 1e-5))

            let values = TestData.uniform(count: 1, dimensions: length, seed: 5)
            var halves = [UInt16](repeating: 0, count: length)
            kernels.convertToHalf(values, &halves, count: length)
            var decoded = [Float](repeating: 0, count: length)
            kernels.convertFromHalf(halves, &decoded, count: length)
            let halfDot = zip(q, decoded).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
            #expect(approximatelyEqual(Double(kernels.dot(q, halves: halves, count: length)), halfDot, absolute: 1e-4))
        }
    }

    @Test func sumReadsEveryElement() {
        let values = (0..<1000).map { Float($0 % 7) }
        let expected = values.reduce(0, +)
        for level in VectorKernels.Level.allCases {
            #expect(VectorKernels(level: level).sum(values, count: values.count) == expected)
        }
    }
}
