import Foundation
import VectorMath

/// Streams a vector file into a space: read a block, parse and check it (on several threads),
/// resolve its keys to row slots, commit it — parsing the next block while the previous one
/// commits.
struct VectorImporter {
    let catalog: Catalog
    let space: EmbeddingSpace
    let progress: ProgressHandler?

    /// Bytes of NDJSON per block (and per commit).
    var ndjsonBlockBytes = 24 << 20
    /// Bytes of .npy data per block.
    var npyBlockBytes = 24 << 20

    init(catalog: Catalog, space: EmbeddingSpace, progress: ProgressHandler?) {
        self.catalog = catalog
        self.space = space
        self.progress = progress
    }

    /// The checked vectors of one block, ready to commit: keys with the lines they came from,
    /// their values, and the lines that failed.
    struct Chunk: Sendable {
        var lines: [Int] = []
        var keys: [String] = []
        var byGlobalKey: [Bool] = []
        /// `lines.count × dimensions` values.
        var values = VectorValues([])
        var errors: [LineError] = []
        /// Lines (or rows) read.
        var read = 0
        /// Lines (or rows) the block spans: `lines` and `errors` count from 1 at its first line
        /// until `run` renumbers them.
        var lineCount = 0

        init() {}

        init(_ block: NDJSONVectorParser.Block) {
            (lines, keys, byGlobalKey, errors, read, lineCount) = (block.lines, block.keys, block.byGlobalKey, block.errors, block.read, block.lineCount)
            values = VectorValues(block.values)
        }

        /// Numbers the lines from the file's start, `before` lines preceding the block.
        mutating func renumber(after before: Int) {
            guard before > 0 else { return }
            for i in lines.indices { lines[i] += before }
            for i in errors.indices { errors[i].line += before }
        }
    }

    // MARK: NDJSON

    func importNDJSON(path: String) async throws -> ImportReport {
        let start = ContinuousClock.now
        let file = try InputFile(path: path)
        let parser = NDJSONVectorParser(dimensions: space.dimensions, threads: catalog.configuration.threads,
                                        rejectsZeroVectors: space.metric.normalizesVectors)
        var offset = 0
        /// Finds the block at `offset` cut after its last newline, and starts parsing it (from the
        /// file's mapping: no copy).
        func nextBlock() throws -> Task<(Chunk, Int), any Error>? {
            guard offset < file.size else { return nil }
            let length = try file.withBytes(at: offset, count: ndjsonBlockBytes) { bytes -> Int in
                guard offset + bytes.count < file.size else { return bytes.count }
                guard let lastNewline = bytes.lastIndex(of: 0x0A) else {
                    throw CatalogError.invalid("the line at byte \(offset) of '\(path)' is longer than \(ndjsonBlockBytes >> 10) KiB")
                }
                return lastNewline + 1
            }
            let start = offset
            offset += length
            let done = offset
            return Task.detached {
                let block = try file.withBytes(at: start, count: length) { parser.parse($0, atFileStart: start == 0) }
                file.release(start..<start + length)
                return (Chunk(block), done)
            }
        }
        return try await run(start: start, total: file.size, byGlobalKey: false, nextBlock: nextBlock)
    }

    // MARK: .npy

    func importNPY(path: String, idsPath: String, byGlobalKey: Bool) async throws -> ImportReport {
        let start = ContinuousClock.now
        let file = try InputFile(path: path)
        let header = try NpyHeader.read(file)
        guard header.columns == space.dimensions else {
            throw CatalogError(.dimensionMismatch, "'\(path)' holds \(header.columns)-d vectors; space '\(space.name)' holds \(space.dimensions)-d")
        }
        let idLines = try Self.countIDLines(idsPath)
        guard idLines == header.rows else {
            throw CatalogError(.invalidArgument, "'\(idsPath)' has \(idLines) ids for the \(header.rows) rows of '\(path)'; they must match line for row")
        }
        var ids = try LineReader(path: idsPath)
        let rowsPerBlock = max(1, npyBlockBytes / (header.columns * header.itemSize))
        var row = 0
        let metric = space.metric
        let buffers = VectorBufferPool(capacity: rowsPerBlock * header.columns)
        func nextBlock() throws -> Task<(Chunk, Int), any Error>? {
            guard row < header.rows else { return nil }
            let count = min(rowsPerBlock, header.rows - row)
            var keys: [String] = []
            keys.reserveCapacity(count)
            for _ in 0..<count { keys.append(Self.trimmed(try ids.nextString() ?? "")) }
            let first = row
            row += count
            return Task.detached {
                let chunk = try Self.withRows(of: file, header: header, first: first, count: count) { rows in
                    Self.check(rows: rows, keys: keys, metric: metric, byGlobalKey: byGlobalKey, dimensions: header.columns, into: buffers.take())
                }
                if !header.fortranOrder { file.release(header.byteRange(rows: first..<first + count)) }
                return (chunk, first + count)
            }
        }
        return try await run(start: start, total: header.rows, byGlobalKey: byGlobalKey, nextBlock: nextBlock)
    }

    /// `text` without the white space around it. An id that starts and ends with a visible ASCII
    /// character (nearly every id) is returned as it is, without Foundation's trimming.
    static func trimmed(_ text: String) -> String {
        func isVisibleASCII(_ byte: UInt8?) -> Bool { byte.map { $0 > 0x20 && $0 < 0x7F } ?? false }
        if isVisibleASCII(text.utf8.first) && isVisibleASCII(text.utf8.last) { return text }
        return text.trimmingCharacters(in: .whitespaces)
    }

    /// Lines in an ids file, a last line without a newline included.
    static func countIDLines(_ path: String) throws -> Int {
        let file = try InputFile(path: path)
        var count = 0
        var offset = 0
        var last: UInt8 = 0x0A
        while offset < file.size {
            let bytes = try file.bytes(at: offset, count: 8 << 20)
            count += bytes.withUnsafeBufferPointer(NDJSONVectorParser.countLines)
            last = bytes.last ?? last
            offset += bytes.count
        }
        return count + (last == 0x0A ? 0 : 1)
    }

    /// Calls `body` with rows `first..<first + count` of the array as row-major little-endian
    /// Float32 bytes: the file's mapping itself when it holds them so (C order, `<f4`: the usual
    /// case), else the rows read and converted.
    static func withRows<T>(of file: InputFile, header: NpyHeader, first: Int, count: Int,
                            _ body: (UnsafeRawBufferPointer) throws -> T) throws -> T {
        let columns = header.columns
        if !header.fortranOrder && header.itemSize == 4 && !header.bigEndian && file.mapping != nil {
            return try file.withBytes(at: header.dataOffset + first * columns * 4, count: count * columns * 4) { bytes in
                guard bytes.count == count * columns * 4 else { throw CatalogError(.corruptData, "'\(file.path)' ends inside row \(first + count)") }
                return try body(UnsafeRawBufferPointer(bytes))
            }
        }
        return try readRows(file: file, header: header, first: first, count: count).withUnsafeBytes(body)
    }

    /// Rows `first..<first + count` of the array read into row-major Float32.
    static func readRows(file: InputFile, header: NpyHeader, first: Int, count: Int) throws -> [Float] {
        let columns = header.columns
        var values: [Float]
        if !header.fortranOrder && header.itemSize == 4 {
            // Straight from the file (its mapping) into the array, with no zero-fill first.
            values = try [Float](unsafeUninitializedCapacity: count * columns) { out, initialized in
                try file.withBytes(at: header.dataOffset + first * columns * 4, count: count * columns * 4) { bytes in
                    guard bytes.count == out.count * 4 else { throw CatalogError(.corruptData, "'\(file.path)' ends inside row \(first + count)") }
                    UnsafeMutableRawBufferPointer(out).copyMemory(from: UnsafeRawBufferPointer(bytes))
                }
                initialized = out.count
            }
            if header.bigEndian { for i in values.indices { values[i] = Float(bitPattern: values[i].bitPattern.byteSwapped) } }
            return values
        }
        values = [Float](repeating: 0, count: count * columns)
        var raw = [UInt8](repeating: 0, count: count * header.itemSize * (header.fortranOrder ? 1 : columns))
        try values.withUnsafeMutableBufferPointer { out in
            try raw.withUnsafeMutableBytes { buffer in
                if header.fortranOrder {
                    // Column c of rows first..<first+count is contiguous at (c · rows + first) · size.
                    for column in 0..<columns {
                        try file.read(into: buffer.baseAddress!, count: count * header.itemSize,
                                      at: header.dataOffset + (column * header.rows + first) * header.itemSize)
                        for r in 0..<count { out[r * columns + column] = decode(buffer, r, header) }
                    }
                } else {
                    try file.read(into: buffer.baseAddress!, count: count * columns * header.itemSize,
                                  at: header.dataOffset + first * columns * header.itemSize)
                    for i in 0..<count * columns { out[i] = decode(buffer, i, header) }
                }
            }
        }
        return values
    }

    @inline(__always)
    private static func decode(_ buffer: UnsafeMutableRawBufferPointer, _ index: Int, _ header: NpyHeader) -> Float {
        if header.itemSize == 4 {
            let bits = buffer.loadUnaligned(fromByteOffset: index * 4, as: UInt32.self)
            return Float(bitPattern: header.bigEndian ? bits.byteSwapped : bits)
        }
        let bits = buffer.loadUnaligned(fromByteOffset: index * 8, as: UInt64.self)
        return Float(Double(bitPattern: header.bigEndian ? bits.byteSwapped : bits))
    }

    /// Rows of an .npy block as a chunk, copied one by one into `buffer` and checked there
    /// while in cache: rows with NaN or infinity (also float64 values beyond Float32's range),
    /// empty ids, or all zeros under cosine become line errors and are left out.
    /// - Parameter rows: `keys.count × dimensions` little-endian Float32 values, any alignment.
    static func check(rows: UnsafeRawBufferPointer, keys: [String], metric: Metric, byGlobalKey: Bool,
                      dimensions: Int, into buffer: VectorBuffer) -> Chunk {
        var chunk = Chunk()
        chunk.read = keys.count
        chunk.lineCount = keys.count
        let rowBytes = dimensions * MemoryLayout<Float>.size
        precondition(buffer.capacity >= keys.count * dimensions && rows.count >= keys.count * rowBytes, "an .npy block larger than its buffer")
        var filled = 0
        for (r, key) in keys.enumerated() {
            let line = 1 + r
            guard !key.isEmpty else {
                chunk.errors.append(LineError(line: line, reason: "the ids file's line for this row is empty"))
                continue
            }
            let row = buffer.pointer + filled
            if let source = rows.baseAddress { UnsafeMutableRawPointer(row).copyMemory(from: source + r * rowBytes, byteCount: rowBytes) }
            if let problem = Vectors.problem(with: UnsafeBufferPointer(start: row, count: dimensions), dimensions: dimensions, metric: metric) {
                chunk.errors.append(LineError(line: line, reason: "row '\(key)': \(problem)"))
                continue
            }
            chunk.lines.append(line)
            chunk.keys.append(key)
            filled += dimensions
        }
        buffer.count = filled
        chunk.byGlobalKey = [Bool](repeating: byGlobalKey, count: chunk.keys.count)
        chunk.values = VectorValues(buffer)
        return chunk
    }

    // MARK: Committing

    /// The pipeline: while one block commits, the next is read and parsed (`nextBlock` starts
    /// its task); then the commits are made durable.
    /// - Parameter nextBlock: the task parsing the next block, which also says how far the
    ///   import has got (in units of `total`), or nil at the end.
    /// - Parameter byGlobalKey: which key map to start loading at once (NDJSON lines usually
    ///   name rows by id; a file that does not only costs the load).
    private func run(start: ContinuousClock.Instant, total: Int, byGlobalKey: Bool,
                     nextBlock: () throws -> Task<(Chunk, Int), any Error>?) async throws -> ImportReport {
        var resolver = KeyResolver(store: catalog.store, datasetID: space.datasetID)
        resolver.prefetch(globalKeys: byGlobalKey)
        var report = ImportReport()
        var pending = try nextBlock()
        var linesBefore = 0
        while let task = pending {
            // A cancelled import stops between blocks; the blocks committed so far stay.
            if Task.isCancelled {
                task.cancel()
                throw CancellationError()
            }
            var (chunk, done) = try await task.value
            pending = try nextBlock()
            chunk.renumber(after: linesBefore)
            linesBefore += chunk.lineCount
            try await commit(chunk, resolver: &resolver, report: &report)
            progress?(ImportProgress(done: done, total: total, stored: report.stored, rejected: report.rejected))
        }
        try await catalog.store.sync(catalog.configuration.durability)
        report.seconds = start.duration(to: .now).seconds - report.indexSeconds
        return report
    }

    /// Resolves a chunk's keys to slots, drops unknown rows as line errors, and commits the rest
    /// (the parsers checked the values, all-zero vectors under cosine included, on their threads).
    private func commit(_ chunk: Chunk, resolver: inout KeyResolver, report: inout ImportReport) async throws {
        report.read += chunk.read
        let dimensions = space.dimensions
        try await resolver.load(ids: chunk.byGlobalKey.contains(false), globalKeys: chunk.byGlobalKey.contains(true))
        var errors = chunk.errors
        var kept: [Int] = []
        var slots: [UInt32] = []
        kept.reserveCapacity(chunk.keys.count)
        slots.reserveCapacity(chunk.keys.count)
        for index in chunk.keys.indices {
            let key = chunk.keys[index]
            let byGlobalKey = chunk.byGlobalKey[index]
            guard let slot = resolver.slot(key, byGlobalKey: byGlobalKey) else {
                errors.append(LineError(line: chunk.lines[index], reason: "unknown row \(byGlobalKey ? "global key" : "id") '\(key)'"))
                continue
            }
            kept.append(index)
            slots.append(slot)
        }
        let values = kept.count == chunk.keys.count ? chunk.values : chunk.values.rows(kept, dimensions: dimensions)
        errors.sort { $0.line < $1.line }
        for error in errors { report.reject(error) }
        try await catalog.commit(slots: slots, values: values, to: space, report: &report)
    }
}

/// Row keys to slots, loading the dataset's id (or global key) map once per import.
struct KeyResolver {
    let store: any Store
    let datasetID: String
    private var ids: [String: UInt32]?
    private var globalKeys: [String: UInt32]?

    init(store: any Store, datasetID: String) {
        self.store = store
        self.datasetID = datasetID
    }

    /// The id map being loaded ahead of the first chunk (see `prefetch`).
    private var pendingIDs: Task<[String: UInt32], any Error>?
    private var pendingGlobalKeys: Task<[String: UInt32], any Error>?

    /// Starts loading a map in the background, so that it loads while the first block parses.
    mutating func prefetch(globalKeys byGlobalKey: Bool) {
        let (store, datasetID) = (store, datasetID)
        let task = Task { try await store.slotsByKey(datasetID: datasetID, globalKeys: byGlobalKey) }
        if byGlobalKey { pendingGlobalKeys = task } else { pendingIDs = task }
    }

    /// Loads the maps a chunk needs, once.
    mutating func load(ids needsIDs: Bool, globalKeys needsGlobalKeys: Bool) async throws {
        if needsIDs && ids == nil { ids = try await Self.value(of: pendingIDs, store: store, datasetID: datasetID, globalKeys: false) }
        if needsGlobalKeys && globalKeys == nil {
            globalKeys = try await Self.value(of: pendingGlobalKeys, store: store, datasetID: datasetID, globalKeys: true)
        }
    }

    /// The prefetched map, or the map loaded now.
    private static func value(of pending: Task<[String: UInt32], any Error>?, store: any Store, datasetID: String,
                              globalKeys: Bool) async throws -> [String: UInt32] {
        if let pending { return try await pending.value }
        return try await store.slotsByKey(datasetID: datasetID, globalKeys: globalKeys)
    }

    /// The slot of a key (after `load`), or nil for an unknown row.
    func slot(_ key: String, byGlobalKey: Bool) -> UInt32? {
        byGlobalKey ? globalKeys?[key] : ids?[key]
    }
}
