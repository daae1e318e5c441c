extension MinHashLSHIndex {
    static let fileKind = "MHLS"

    /// Writes the index to `path` atomically, in Loupe's checksummed format:
    /// META (permutations, seed, bands, rows, options, shingling, count), PERM (a then b),
    /// IDS_ (u32 per set), SIGS (k × u64 per set), and when sets are kept SETO (u64 offsets,
    /// count + 1) and SETS (the tokens). Buckets are rebuilt on load.
    /// - Complexity: O(n · k + total tokens) bytes written.
    public func save(to path: String) throws {
        try lock.withReadLock {
            let writer = try IndexFile.Writer(path: path, kind: Self.fileKind)
            let k = hasher.numPermutations
            var meta = IndexFile.Encoder()
            meta.append(UInt32(k))
            meta.append(hasher.seed)
            meta.append(UInt32(banding.bands))
            meta.append(UInt32(banding.rows))
            meta.append(UInt8(keepsSets ? 1 : 0))
            meta.append(shingling.unit.rawValue)
            meta.append(UInt32(shingling.size))
            meta.append(UInt64(slotIDs.count))
            try writer.section("META", meta.bytes)
            try (hasher.multipliers + hasher.offsets).withUnsafeBytes { try writer.section("PERM", $0) }
            try slotIDs.withUnsafeBytes { try writer.section("IDS_", $0) }
            try writer.section("SIGS", UnsafeRawBufferPointer(start: signatures.base, count: slotIDs.count * k * 8))
            if keepsSets {
                var offsets: [UInt64] = [0]
                offsets.reserveCapacity(sets.count + 1)
                for set in sets { offsets.append(offsets.last! + UInt64(set.count)) }
                try offsets.withUnsafeBytes { try writer.section("SETO", $0) }
                try sets.flatMap { $0 }.withUnsafeBytes { try writer.section("SETS", $0) }
            }
            try writer.finish()
        }
    }

    /// Reads an index written by `save(to:)`.
    /// - Throws: `corruptFile` for a truncated, damaged or foreign file, `incompatibleFile` for
    ///   another index kind or format version, `io` when the file cannot be read.
    /// - Complexity: O(n · (k + bands)) to read and re-bucket.
    public static func load(from path: String) throws -> MinHashLSHIndex {
        let reader = try IndexFile.Reader(path: path)
        try reader.expect(kind: fileKind)
        var meta = IndexFile.Decoder(try reader.section("META"), section: "META")
        let k = Int(try meta.read(UInt32.self))
        let seed = try meta.read(UInt64.self)
        let bands = Int(try meta.read(UInt32.self)), rows = Int(try meta.read(UInt32.self))
        let keepSetsCode = try meta.read(UInt8.self)
        let unitCode = try meta.read(UInt8.self)
        let shingleSize = Int(try meta.read(UInt32.self))
        let count = try meta.read(UInt64.self)
        func corrupt(_ message: String) -> VectorIndexError { VectorIndexError(.corruptFile, "'\(path)': \(message)") }
        guard (1...65_536).contains(k) else { throw corrupt("claims \(k) permutations") }
        guard bands >= 1, rows >= 1, bands * rows <= k else { throw corrupt("claims \(bands) bands × \(rows) rows for \(k) permutations") }
        guard keepSetsCode <= 1, let unit = Shingling.Unit(rawValue: unitCode), (1...64).contains(shingleSize) else {
            throw corrupt("has unknown options (sets \(keepSetsCode), shingles \(unitCode)/\(shingleSize))")
        }
        guard count <= UInt64(UInt32.max) else { throw corrupt("claims \(count) sets") }
        let n = Int(count)

        var permutations = [UInt64](repeating: 0, count: 2 * k)
        try permutations.withUnsafeMutableBytes { try reader.section("PERM", into: $0) }
        let a = Array(permutations[..<k]), b = Array(permutations[k...])
        guard a.allSatisfy({ $0 >= 1 && $0 < MinHasher.prime }), b.allSatisfy({ $0 < MinHasher.prime }) else {
            throw corrupt("has permutation parameters outside [0, 2^61 − 1)")
        }
        let index = try MinHashLSHIndex(
            hasher: MinHasher(seed: seed, multipliers: a, offsets: b),
            banding: LSHBanding(unchecked: bands, rows: rows), keepSets: keepSetsCode == 1,
            shingling: Shingling(unchecked: unit, size: shingleSize))

        var ids = [UInt32](repeating: 0, count: n)
        try ids.withUnsafeMutableBytes { try reader.section("IDS_", into: $0) }
        index.signatures.reserve(rows: n, keeping: 0)
        let values = UnsafeMutableBufferPointer(start: index.signatures.base, count: n * k)
        try reader.section("SIGS", into: UnsafeMutableRawBufferPointer(values))
        guard !values.contains(where: { $0 > MinHasher.prime }) else { throw corrupt("has signature values above 2^61 − 1") }

        if index.keepsSets {
            var offsets = [UInt64](repeating: 0, count: n + 1)
            try offsets.withUnsafeMutableBytes { try reader.section("SETO", into: $0) }
            guard offsets[0] == 0, zip(offsets, offsets.dropFirst()).allSatisfy({ $0 <= $1 }) else {
                throw corrupt("has set offsets that are not ascending from 0")
            }
            guard offsets[n] <= UInt64(Int.max / 8) else { throw corrupt("claims \(offsets[n]) tokens") }
            var tokens = [UInt64](repeating: 0, count: Int(offsets[n]))
            try tokens.withUnsafeMutableBytes { try reader.section("SETS", into: $0) }
            index.sets = (0..<n).map { Array(tokens[Int(offsets[$0])..<Int(offsets[$0 + 1])]) }
            guard index.sets.allSatisfy({ zip($0, $0.dropFirst()).allSatisfy { $0 < $1 } }) else {
                throw corrupt("has a kept set that is not ascending")
            }
        }
        try reader.finish()

        index.slotOfID.reserveCapacity(n)
        for (slot, id) in ids.enumerated() {
            guard index.slotOfID.updateValue(slot, forKey: id) == nil else { throw corrupt("stores id \(id) twice") }
        }
        index.slotIDs = ids
        index.relinkAll()
        return index
    }
}
