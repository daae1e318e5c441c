#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import VectorMath

/// A tree index file: `META` (dimensions, metric, tree rows), `OPTS` (parameters, search budget,
/// buffered rows), `VECS`/`IDS_`/`DEAD` (tree rows in tree order, their ids, tombstones),
/// `PVEC`/`PIDS` (the buffer), then the tree's own sections.
extension TreeIndexCore {
    /// Writes the index to `path` atomically.
    /// - Complexity: O(N·d) bytes written.
    func save(to path: String) throws {
        try lock.withReadLock {
            let writer = try IndexFile.Writer(path: path, kind: Tree.fileKind)
            var meta = IndexFile.Encoder()
            IndexHeader(dimensions: dimensions, metric: metric, count: rowIDs.count).encode(into: &meta)
            try writer.section("META", meta.bytes)
            var options = IndexFile.Encoder()
            options.append(UInt32(parameters.leafSize))
            options.append(parameters.rebuildFraction.bitPattern)
            options.append(parameters.compactionFraction.bitPattern)
            options.append(parameters.seed)
            options.append(UInt64(searchBudget ?? 0))
            options.append(UInt64(pendingIDs.count))
            try writer.section("OPTS", options.bytes)
            try writer.section("VECS", UnsafeRawBufferPointer(start: rows.base, count: rowIDs.count * dimensions * 4))
            try rowIDs.withUnsafeBytes { try writer.section("IDS_", $0) }
            try writer.section("DEAD", dead.map { $0 ? 1 : 0 } as [UInt8])
            try writer.section("PVEC", UnsafeRawBufferPointer(start: pending.base, count: pendingIDs.count * dimensions * 4))
            try pendingIDs.withUnsafeBytes { try writer.section("PIDS", $0) }
            try tree.write(to: writer)
            try writer.finish()
        }
    }

    /// Reads an index written by `save(to:)`.
    /// - Throws: `corruptFile` for a truncated, damaged or foreign file, `incompatibleFile` for
    ///   another index kind or format version, `io` when the file cannot be read.
    static func load(from path: String, kernels: VectorKernels) throws -> TreeIndexCore {
        let reader = try IndexFile.Reader(path: path)
        try reader.expect(kind: Tree.fileKind)
        var decoder = IndexFile.Decoder(try reader.section("META"), section: "META")
        let header = try IndexHeader.decode(from: &decoder, path: path)
        var options = IndexFile.Decoder(try reader.section("OPTS"), section: "OPTS")
        let leafSize = Int(try options.read(UInt32.self))
        let rebuildFraction = Double(bitPattern: try options.read(UInt64.self))
        let compactionFraction = Double(bitPattern: try options.read(UInt64.self))
        let seed = try options.read(UInt64.self)
        let budget = try options.read(UInt64.self)
        let pendingCount = try options.read(UInt64.self)
        let parameters = TreeParameters(leafSize: leafSize, rebuildFraction: rebuildFraction,
                                        compactionFraction: compactionFraction, seed: seed)
        let core: TreeIndexCore
        do {
            guard budget <= UInt64(Int32.max), pendingCount <= UInt64(UInt32.max) else {
                throw VectorIndexError(.invalidArgument, "budget \(budget), buffered rows \(pendingCount)")
            }
            core = try TreeIndexCore(dimensions: header.dimensions, metric: header.metric, parameters: parameters,
                                     searchBudget: budget == 0 ? nil : Int(budget), kernels: kernels)
        } catch let error as VectorIndexError {
            throw VectorIndexError(.corruptFile, "'\(path)' has invalid options: \(error.message)")
        }
        let treeCount = header.count, bufferCount = Int(pendingCount), d = header.dimensions
        // Claimed sizes must fit in the file before anything that large is allocated.
        guard (treeCount + bufferCount) * (d * 4 + 4) <= (try fileSize(path)) else {
            throw VectorIndexError(.corruptFile, "'\(path)' claims \(treeCount + bufferCount) vectors, more than it can hold")
        }
        core.rows.resize(rows: treeCount, keeping: 0)
        try reader.section("VECS", into: UnsafeMutableRawBufferPointer(start: core.rows.base, count: treeCount * d * 4))
        core.rowIDs = [UInt32](repeating: 0, count: treeCount)
        try core.rowIDs.withUnsafeMutableBytes { try reader.section("IDS_", into: $0) }
        var deadBytes = [UInt8](repeating: 0, count: treeCount)
        try deadBytes.withUnsafeMutableBytes { try reader.section("DEAD", into: $0) }
        guard deadBytes.allSatisfy({ $0 <= 1 }) else {
            throw VectorIndexError(.corruptFile, "'\(path)': tombstone flags must be 0 or 1")
        }
        core.dead = deadBytes.map { $0 == 1 }
        core.deadCount = core.dead.filter { $0 }.count
        core.pending.resize(rows: max(bufferCount, leafSize + 1), keeping: 0)
        try reader.section("PVEC", into: UnsafeMutableRawBufferPointer(start: core.pending.base, count: bufferCount * d * 4))
        core.pendingIDs = [UInt32](repeating: 0, count: bufferCount)
        try core.pendingIDs.withUnsafeMutableBytes { try reader.section("PIDS", into: $0) }
        core.tree = try Tree.read(from: reader, rowCount: treeCount, dimensions: d)
        try reader.finish()

        for (slot, id) in core.rowIDs.enumerated() where !core.dead[slot] {
            guard core.location.updateValue(slot, forKey: id) == nil else {
                throw VectorIndexError(.corruptFile, "'\(path)' stores id \(id) twice")
            }
        }
        for (slot, id) in core.pendingIDs.enumerated() {
            guard core.location.updateValue(-1 - slot, forKey: id) == nil else {
                throw VectorIndexError(.corruptFile, "'\(path)' stores id \(id) twice")
            }
        }
        return core
    }

    private static func fileSize(_ path: String) throws -> Int {
        var status = stat()
        guard stat(path, &status) == 0 else {
            throw VectorIndexError(.io, "cannot stat '\(path)': \(String(cString: strerror(errno)))")
        }
        return Int(status.st_size)
    }
}
