import Testing
import TestSupport
@testable import VectorIndex

@Suite struct IDSlotTableTests {
    /// Random sets, replaces and removes (with many collisions), against a Dictionary.
    @Test func behavesLikeADictionary() {
        var table = IDSlotTable()
        defer { table.deallocate() }
        var reference: [UInt32: UInt32] = [:]
        var generator = SeededGenerator(seed: 3)
        for step in 0..<60_000 {
            // Few distinct ids, some at the extremes, so probes collide and clusters wrap.
            let id = [UInt32.random(in: 0..<3000, using: &generator), UInt32.max - UInt32.random(in: 0..<5, using: &generator),
                      UInt32.random(in: 0..<3000, using: &generator) << 20][step % 3]
            switch Int.random(in: 0..<10, using: &generator) {
            case 0..<6:
                let slot = UInt32(step)
                table.set(id, slot)
                reference[id] = slot
            case 6..<9:
                #expect(table.remove(id) == reference.removeValue(forKey: id))
            default:
                #expect(table[id] == reference[id])
            }
            #expect(table.count == reference.count)
        }
        for (id, slot) in reference { #expect(table[id] == slot) }
        var seen = 0
        table.forEach { id, slot in
            #expect(reference[id] == slot)
            seen += 1
        }
        #expect(seen == reference.count)
        table.reserve(100_000)
        for (id, slot) in reference { #expect(table[id] == slot) }
    }
}
