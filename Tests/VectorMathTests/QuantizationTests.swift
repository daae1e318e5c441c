import Testing
import TestSupport
import VectorMath

@Suite struct HalfPrecisionTests {
    @Test func knownBitPatterns() {
        let values: [Float] = [0, -0.0, 1, -2, 0.5, 65504, 1e6, -1e6, 5.9604645e-8, 6.1035156e-5, .infinity]
        let expected: [UInt16] = [0x0000, 0x8000, 0x3C00, 0xC000, 0x3800, 0x7BFF, 0x7C00, 0xFC00, 0x0001, 0x0400, 0x7C00]
        for level in VectorKernels.Level.allCases {
            var codes = [UInt16](repeating: 0, count: values.count)
            VectorKernels(level: level).convertToHalf(values, &codes, count: values.count)
            #expect(codes == expected, "\(level)")
        }
        #expect(HalfPrecision.decode([0x3C00, 0x0001, 0x7C00]) == [1, 5.9604645e-8, .infinity])
        #expect(HalfPrecision.decode(HalfPrecision.encode([.nan]))[0].isNaN)
    }

    @Test func roundTripKeepsThreeDigitsAndLevelsAgree() {
        let values = TestData.uniform(count: 1, dimensions: 4096, seed: 3).map { $0 * 100 }
        let decoded = HalfPrecision.decode(HalfPrecision.encode(values))
        for (value, back) in zip(values, decoded) {
            #expect(abs(value - back) <= abs(value) * 0.0005 + 1e-7)
        }
        // Round-to-nearest-even: every level gives the same bits as the portable path.
        var scalar = [UInt16](repeating: 0, count: values.count)
        VectorKernels(level: .scalar).convertToHalf(values, &scalar, count: values.count)
        for level in VectorKernels.Level.allCases {
            var codes = [UInt16](repeating: 0, count: values.count)
            VectorKernels(level: level).convertToHalf(values, &codes, count: values.count)
            #expect(codes == scalar, "\(level)")
        }
    }
}

@Suite struct ScalarQuantizerTests {
    @Test func reconstructionErrorIsAtMostHalfAStep() {
        let dimensions = 24, count = 500
        let vectors = TestData.uniform(count: count, dimensions: dimensions, seed: 11)
        let quantizer = ScalarQuantizer(training: vectors, count: count, dimensions: dimensions)
        var codes = [UInt8](repeating: 0, count: dimensions)
        var decoded = [Float](repeating: 0, count: dimensions)
        for row in 0..<count {
            let vector = TestData.row(vectors, row, dimensions: dimensions)
            quantizer.encode(vector, into: &codes)
            quantizer.decode(codes, into: &decoded)
            for d in 0..<dimensions {
                #expect(abs(decoded[d] - vector[d]) <= quantizer.steps[d] * 0.5001)
            }
        }
    }

    @Test func asymmetricDotMatchesDecodedDot() {
        let dimensions = 100, count = 50
        let vectors = TestData.uniform(count: count, dimensions: dimensions, seed: 12)
        let quantizer = ScalarQuantizer(training: vectors, count: count, dimensions: dimensions)
        let query = TestData.uniform(count: 1, dimensions: dimensions, seed: 13)
        let prepared = quantizer.prepare(query: query)
        var codes = [UInt8](repeating: 0, count: dimensions)
        var decoded = [Float](repeating: 0, count: dimensions)
        for row in 0..<count {
            quantizer.encode(TestData.row(vectors, row, dimensions: dimensions), into: &codes)
            quantizer.decode(codes, into: &decoded)
            let expected = Reference.dot(query[...], decoded[...])
            #expect(approximatelyEqual(Double(quantizer.approximateDot(prepared, codes: codes)), expected, absolute: 1e-3))
        }
    }

    @Test func valuesOutsideTheTrainedRangeAreClamped() {
        let quantizer = ScalarQuantizer(training: [0, 0, 1, 1], count: 2, dimensions: 2)
        var codes = [UInt8](repeating: 0, count: 2)
        quantizer.encode([-5, 7], into: &codes)
        #expect(codes == [0, 255])
    }
}
