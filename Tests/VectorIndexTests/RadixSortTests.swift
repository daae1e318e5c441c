import Testing
import TestSupport
@testable import VectorIndex

@Suite struct RadixSortTests {
    /// Keys of every sign, zeros of both signs, infinities and many repeats sort as `Float`s do,
    /// and equal keys keep their order.
    @Test(arguments: [0, 1, 2, 1000, 70_000])
    func sortsLikeFloatsAndIsStable(count: Int) {
        var generator = SeededGenerator(seed: UInt64(count))
        let special: [Float] = [0, -0.0, .infinity, -.infinity, .leastNonzeroMagnitude, -.greatestFiniteMagnitude]
        let keys = (0..<count).map { i -> Float in
            i % 7 == 0 ? special[i % special.count] : Float(Int.random(in: -50...50, using: &generator)) / 4
        }
        var packed = keys.enumerated().map { RadixSort.pack($0.element, UInt32($0.offset)) }
        var scratch = [UInt64](repeating: 0, count: count)
        packed.withUnsafeMutableBufferPointer { values in
            scratch.withUnsafeMutableBufferPointer { scratch in
                if let values = values.baseAddress, let scratch = scratch.baseAddress {
                    RadixSort.sortByKey(values, count: count, scratch: scratch)
                }
            }
        }
        let order = packed.map { Int(RadixSort.payload($0)) }
        let expected = keys.indices.sorted { keys[$0] != keys[$1] || keys[$0].sign != keys[$1].sign
            ? (keys[$0] < keys[$1] || (keys[$0] == keys[$1] && keys[$0].sign == .minus)) : $0 < $1 }
        #expect(order == expected)
    }
}
