import Testing
import TestSupport
import VectorMath

/// The box bounds of every instruction-set level against plain Double loops, at every length
/// (16- and 8-wide bodies with masked or scalar tails), for queries inside, outside and across boxes.
@Suite struct BoxKernelsTests {
    static let lengths = Array(1...40) + [63, 64, 65, 128]

    @Test(arguments: VectorKernels.Level.allCases)
    func boundsMatchDoubleReference(level: VectorKernels.Level) {
        let box = BoxKernels(VectorKernels(level: level))
        for length in Self.lengths {
            let a = TestData.uniform(count: 1, dimensions: length, seed: UInt64(length))
            let b = TestData.uniform(count: 1, dimensions: length, seed: UInt64(length) + 500)
            let lower = zip(a, b).map { min($0, $1) }, upper = zip(a, b).map { max($0, $1) }
            let query = TestData.uniform(count: 1, dimensions: length, seed: UInt64(length) + 900).map { $0 * 1.5 }
            var squared = 0.0, best = 0.0, magnitude = 0.0
            for i in 0..<length {
                let gap = max(Double(lower[i]) - Double(query[i]), Double(query[i]) - Double(upper[i]), 0)
                squared += gap * gap
                let low = Double(query[i]) * Double(lower[i]), high = Double(query[i]) * Double(upper[i])
                best += max(low, high)
                magnitude += max(abs(low), abs(high))
            }
            let distance = box.squaredDistance(query, lower: lower, upper: upper, count: length)
            let dot = box.maximumDot(query, lower: lower, upper: upper, count: length)
            #expect(approximatelyEqual(Double(distance), squared, absolute: 1e-4), "l2, length \(length), \(level)")
            #expect(approximatelyEqual(Double(dot.value), best, absolute: 1e-4), "dot, length \(length), \(level)")
            #expect(approximatelyEqual(Double(dot.magnitude), magnitude, absolute: 1e-4), "magnitude, length \(length), \(level)")
            // A point of the box is at distance 0 and its dot product is at most the maximum.
            #expect(box.squaredDistance(lower, lower: lower, upper: upper, count: length) == 0)
            #expect(Reference.dot(query[...], upper[...]) <= Double(dot.value) + 1e-4)
        }
    }
}
