import Testing
import TestSupport
@testable import VectorIndex

@Suite struct BandBucketsTests {
    /// Random pushes and deletions against a dictionary, with keys crowded onto a few home
    /// positions (long probe runs that wrap around the end of the table) and through growth.
    @Test func matchesADictionaryUnderCollisionsAndDeletes() {
        var table = BandBuckets(capacity: 8)
        defer { table.deallocate() }
        var model: [Pair: UInt32] = [:]
        var generator = SeededGenerator(seed: 12)
        for step in 0..<20_000 {
            // Top bits (which choose the home entry) from a tiny set that includes the last
            // entries of the table, low bits random.
            let top = [0, 1, 2, 77, 255, 254].randomElement(using: &generator)!
            let key = (UInt64(top) << 56) | UInt64.random(in: 0..<64, using: &generator)
            let pair = Pair(key: key, band: Int.random(in: 0..<3, using: &generator))
            if Bool.random(using: &generator) || model.isEmpty {
                let slot = UInt32(step)
                #expect(table.push(slot, key: pair.key, band: pair.band) == model[pair] ?? BandBuckets.noSlot)
                model[pair] = slot
            } else {
                let victim = model.keys.randomElement(using: &generator)!
                table.setHead(BandBuckets.noSlot, key: victim.key, band: victim.band)
                model[victim] = nil
            }
            if step % 997 == 0 {
                for (pair, slot) in model { #expect(table.head(key: pair.key, band: pair.band) == slot) }
                #expect(table.count == model.count)
            }
        }
        for (pair, slot) in model { #expect(table.head(key: pair.key, band: pair.band) == slot) }
        #expect(table.head(key: 12345, band: 9) == BandBuckets.noSlot)
    }

    struct Pair: Hashable {
        var key: UInt64
        var band: Int
    }
}
