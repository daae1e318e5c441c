import Testing
import TestSupport
import VectorMath

@Suite struct MaxHeapTests {
    @Test(arguments: [1, 3, 10, 100])
    func keepLowestKeepsTheKSmallestKeys(k: Int) {
        var generator = SeededGenerator(seed: UInt64(k))
        let keys = (0..<1000).map { _ in Float.random(in: -10...10, using: &generator) }
        var heap = MaxHeap(capacity: k)
        defer { heap.deallocate() }
        for (i, key) in keys.enumerated() { heap.keepLowest(key, UInt32(i)) }
        let drained = heap.drainAscending()
        let expected = keys.enumerated().sorted { $0.element < $1.element }.prefix(k)
        #expect(drained.map(\.key) == expected.map(\.element))
        #expect(drained.map(\.id) == expected.map { UInt32($0.offset) })
        #expect(heap.isEmpty)
    }

    @Test func pushAndPopOrderTheHeap() {
        var heap = MaxHeap(capacity: 8)
        defer { heap.deallocate() }
        for (i, key) in [3, 1, 4, 1, 5, 9, 2, 6].enumerated() { heap.push(Float(key), UInt32(i)) }
        var popped: [Float] = []
        while !heap.isEmpty {
            popped.append(heap.topKey)
            heap.pop()
        }
        #expect(popped == [9, 6, 5, 4, 3, 2, 1, 1])
    }
}

@Suite struct BatchScoringTests {
    @Test func sgemmMatchesPairwiseDots() {
        let dimensions = 33, queries = 7, rows = 19
        let q = TestData.uniform(count: queries, dimensions: dimensions, seed: 1)
        let r = TestData.uniform(count: rows, dimensions: dimensions, seed: 2)
        var out = [Float](repeating: 0, count: queries * rows)
        BatchScoring.innerProducts(queries: q, queryCount: queries, rows: r, rowCount: rows, rowStride: dimensions,
                                   dimensions: dimensions, into: &out, outStride: rows)
        for i in 0..<queries {
            for j in 0..<rows {
                let expected = Reference.dot(q[i * dimensions..<(i + 1) * dimensions], r[j * dimensions..<(j + 1) * dimensions])
                #expect(approximatelyEqual(Double(out[i * rows + j]), expected, absolute: 1e-4))
            }
        }
    }
}

@Suite struct MetricTests {
    @Test(arguments: Metric.allCases)
    func scoreAndDistanceFollowTheContract(metric: Metric) {
        // A closer pair has a lower ordering key, a higher score and a lower distance.
        let near = metric.orderingKey(fromKernelValue: metric == .l2 ? 0.25 : 0.9)
        let far = metric.orderingKey(fromKernelValue: metric == .l2 ? 4 : 0.1)
        #expect(near < far)
        #expect(metric.score(fromOrderingKey: near) > metric.score(fromOrderingKey: far))
        #expect(metric.distance(fromOrderingKey: near) < metric.distance(fromOrderingKey: far))
        for key in [near, far] {
            #expect(approximatelyEqual(Double(metric.orderingKey(fromScore: metric.score(fromOrderingKey: key))), Double(key)))
        }
    }

    @Test func cosineAndL2ValuesAreTheRawOnes() {
        #expect(Metric.cosine.score(fromOrderingKey: -0.8) == 0.8)
        #expect(approximatelyEqual(Double(Metric.cosine.distance(fromOrderingKey: -0.8)), 0.2))
        #expect(Metric.l2.distance(fromOrderingKey: 9) == 3)
        #expect(Metric.l2.score(fromOrderingKey: 9) == -3)
    }

    @Test func vectorProblemsAreNamed() {
        let nan: [Float] = [1, .nan, 2]
        let problem = nan.withUnsafeBufferPointer { Vectors.problem(with: $0, dimensions: 3, metric: .l2) }
        #expect(problem == .nonFinite(index: 1))
        let short = [Float](repeating: 1, count: 2).withUnsafeBufferPointer { Vectors.problem(with: $0, dimensions: 3, metric: .l2) }
        #expect(short == .wrongDimensions(expected: 3, actual: 2))
        let zero = [Float](repeating: 0, count: 3).withUnsafeBufferPointer { Vectors.problem(with: $0, dimensions: 3, metric: .cosine) }
        #expect(zero == .zeroVector)
        let zeroL2 = [Float](repeating: 0, count: 3).withUnsafeBufferPointer { Vectors.problem(with: $0, dimensions: 3, metric: .l2) }
        #expect(zeroL2 == nil)
    }

    @Test("Huge but finite components pass although their squares overflow; the first bad one is named")
    func vectorChecksSurviveOverflow() {
        func problem(_ vector: [Float], _ metric: Metric) -> Vectors.Problem? {
            vector.withUnsafeBufferPointer { Vectors.problem(with: $0, dimensions: vector.count, metric: metric) }
        }
        let huge: [Float] = [3e38, -3e38, 1]
        #expect(problem(huge, .cosine) == nil && problem(huge, .l2) == nil)
        #expect(problem([1, 2, .infinity, .nan], .innerProduct) == .nonFinite(index: 2))
        #expect(problem([3e38, 3e38, -.infinity], .cosine) == .nonFinite(index: 2))
        #expect(problem([-0.0, 0, -0.0], .cosine) == .zeroVector)
        #expect(problem([1e-30, 0, 0], .l2) == nil)
    }
}

@Suite struct PreFilterTests {
    @Test(arguments: VectorKernels.Level.allCases)
    func indicesAboveFindsExactlyTheLargerValues(level: VectorKernels.Level) {
        let kernels = VectorKernels(level: level)
        for count in [0, 1, 7, 8, 15, 16, 17, 100, 257] {
            let values = TestData.uniform(count: 1, dimensions: count, seed: UInt64(count))
            var out = [UInt32](repeating: 0, count: max(count, 1))
            let found = kernels.indices(of: values, count: count, above: 0.25, into: &out)
            let expected = values.indices.filter { values[$0] > 0.25 }.map(UInt32.init)
            #expect(Array(out.prefix(found)) == expected, "\(level), \(count)")
        }
    }

    @Test(arguments: [Metric.innerProduct, .l2])
    func offerKeepsTheSameTopKAsOneByOne(metric: Metric) {
        let values = TestData.uniform(count: 1, dimensions: 5000, seed: 21)
        var fast = MaxHeap(capacity: 10), slow = MaxHeap(capacity: 10)
        let scratch = UnsafeMutablePointer<UInt32>.allocate(capacity: MaxHeap.offerChunk)
        defer {
            fast.deallocate()
            slow.deallocate()
            scratch.deallocate()
        }
        values.withUnsafeBufferPointer { values in
            fast.offer(kernelValues: values.baseAddress!, count: values.count, metric: metric,
                       kernels: .active, scratch: scratch) { UInt32($0 + 100) }
        }
        for (i, value) in values.enumerated() { slow.keepLowest(metric.orderingKey(fromKernelValue: value), UInt32(i + 100)) }
        let a = fast.drainAscending(), b = slow.drainAscending()
        #expect(a.map(\.id) == b.map(\.id))
        #expect(a.map(\.key) == b.map(\.key))
    }
}
