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
        table.remapSlots { $0 &+ 1 }
        for (id, slot) in reference { #expect(table[id] == slot &+ 1) }
    }

    /// Dense ids go to the array, sparse ones to the hash table, and growing the array moves the
    /// hashed ids it comes to cover.
    @Test func denseAndSparseIdsMix() {
        var table = IDSlotTable()
        defer { table.deallocate() }
        table.set(5000, 1)            // beyond the array at first: hashed
        table.set(4_000_000_000, 2)   // sparse: stays hashed
        for id in UInt32(0)..<6000 where id != 5000 { table.set(id, id + 10) }  // the array grows past 5000
        #expect(table.count == 6001)
        #expect(table[5000] == 1 && table[4_000_000_000] == 2 && table[5999] == 6009 && table[6000] == nil)
        #expect(table.remove(5000) == 1 && table[5000] == nil && table.count == 6000)
        var total = 0
        table.forEach { _, _ in total += 1 }
        #expect(total == 6000)
        var bulk = IDSlotTable()
        defer { bulk.deallocate() }
        bulk.reserve(100_000)
        for id in UInt32(0)..<100_000 { bulk.set(id, 99_999 - id) }
        #expect(bulk.count == 100_000 && bulk[0] == 99_999 && bulk[99_999] == 0)
    }
}
