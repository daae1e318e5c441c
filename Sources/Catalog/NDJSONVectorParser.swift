import Dispatch
import Foundation
import VectorMath

/// Parses the lines `{"id"|"global_key": …, "vector": […]}` of a block of NDJSON into row keys
/// and row-major floats, on several threads. Other keys are skipped; blank lines are ignored.
struct NDJSONVectorParser: Sendable {
    let dimensions: Int
    let threads: Int
    /// Whether an all-zero vector is a bad line (under cosine, which cannot normalise it).
    var rejectsZeroVectors = false

    /// One parsed block: per good line its key and values; per bad line its reason.
    struct Block: Sendable {
        /// Line numbers of the good lines, in order, counted from 1 at the block's first line.
        var lines: [Int] = []
        /// Their keys: the `id`, or the `global_key` when `byGlobalKey`.
        var keys: [String] = []
        var byGlobalKey: [Bool] = []
        /// `lines.count × dimensions` floats.
        var values: [Float] = []
        /// Lines that failed, in order (numbered like `lines`).
        var errors: [LineError] = []
        /// Lines read, blank ones excluded.
        var read = 0
        /// Lines the block's text spans, blank ones included.
        var lineCount = 0

        /// Appends the block of the text that follows this one.
        mutating func append(_ other: Block) {
            lines += other.lines.map { $0 + lineCount }
            keys += other.keys
            byGlobalKey += other.byGlobalKey
            values += other.values
            errors += other.errors.map { LineError(line: $0.line + lineCount, reason: $0.reason) }
            read += other.read
            lineCount += other.lineCount
        }
    }

    /// Parses whole lines in `bytes` (which ends at a line end or at the end of the file),
    /// numbering them from 1; `atFileStart` says whether a byte order mark may come first.
    /// Lines are not counted ahead: each part of the text is numbered from its own start, and
    /// the parts are renumbered as they are put together.
    func parse(_ bytes: UnsafeBufferPointer<UInt8>, atFileStart: Bool) -> Block {
        let parts = max(1, min(threads, bytes.count / (1 << 20)))
        guard parts > 1 else { return parseLines(bytes, atFileStart: atFileStart) }
        // Split at line ends into `parts` ranges.
        var bounds = [0]
        for part in 1..<parts {
            var cut = max(bounds[bounds.count - 1], bytes.count * part / parts)
            while cut < bytes.count && bytes[cut] != 0x0A { cut += 1 }
            bounds.append(min(cut + 1, bytes.count))
        }
        bounds.append(bytes.count)
        let results = UnsafeMutableBufferPointer<Block>.allocate(capacity: parts)
        results.initialize(repeating: Block())
        defer { results.deinitialize(); results.deallocate() }
        let shared = UncheckedSendableBox((bytes, results, bounds))
        DispatchQueue.concurrentPerform(iterations: parts) { part in
            let (bytes, results, bounds) = shared.value
            // The first part's values get room for the whole block's, so that the others append
            // to it without a reallocation.
            results[part] = parseLines(UnsafeBufferPointer(rebasing: bytes[bounds[part]..<bounds[part + 1]]), atFileStart: atFileStart && part == 0,
                                       capacityBytes: part == 0 ? bytes.count : bounds[part + 1] - bounds[part])
        }
        var block = results[0]
        results[0] = Block()  // so that `block` holds the only reference and appends in place
        for part in 1..<parts { block.append(results[part]) }
        return block
    }

    /// Newlines in `bytes`.
    static func countLines(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        guard var cursor = bytes.baseAddress else { return 0 }
        let end = cursor + bytes.count
        var count = 0
        while cursor < end, let found = memchr(cursor, 0x0A, end - cursor) {
            count += 1
            cursor = UnsafePointer(found.assumingMemoryBound(to: UInt8.self)) + 1
        }
        return count
    }

    /// - Parameter capacityBytes: the bytes of text to reserve room for (a value takes at least
    ///   two bytes, `0,`; they take eight or more in practice).
    private func parseLines(_ bytes: UnsafeBufferPointer<UInt8>, atFileStart: Bool, capacityBytes: Int? = nil) -> Block {
        var block = Block()
        block.values.reserveCapacity((capacityBytes ?? bytes.count) / 8)
        var line = 1
        var start = 0
        // A UTF-8 byte order mark before the first line is not part of it.
        if atFileStart && bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF { start = 3 }
        var row = [Float](repeating: 0, count: dimensions)
        while start < bytes.count {
            var end = start
            if let base = bytes.baseAddress, let found = memchr(base + start, 0x0A, bytes.count - start) {
                end = UnsafePointer(found.assumingMemoryBound(to: UInt8.self)) - base
            } else {
                end = bytes.count
            }
            let text = UnsafeBufferPointer(rebasing: bytes[start..<end])
            if !Self.isBlank(text) {
                block.read += 1
                switch parseLine(text, into: &row) {
                case .success(let key):
                    block.lines.append(line)
                    block.keys.append(key.text)
                    block.byGlobalKey.append(key.isGlobalKey)
                    block.values.append(contentsOf: row)
                case .failure(let reason):
                    block.errors.append(LineError(line: line, reason: reason.message))
                }
            }
            start = end + 1
            line += 1
        }
        block.lineCount = line - 1
        return block
    }

    static func isBlank(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        bytes.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }
    }

    struct Reason: Error { var message: String }

    /// Reads numbers up to the closing `]` (the `[` already read) into `out`; values past its
    /// capacity are counted, not stored.
    /// - Returns: how many numbers there were, and the index of the first NaN or infinity.
    @inline(__always)
    static func parseVector(_ scanner: inout JSONScanner, into out: UnsafeMutableBufferPointer<Float>) throws(JSONScanner.Failure) -> (Int, Int?) {
        var count = 0
        var firstBad: Int?
        scanner.skipWhitespace()
        if scanner.peek() == UInt8(ascii: "]") {
            scanner.position += 1
            return (0, nil)
        }
        let capacity = out.count
        let destination = out.baseAddress
        while true {
            let value = try scanner.float()
            if count < capacity { destination.unsafelyUnwrapped[count] = value }
            if !value.isFinite && firstBad == nil { firstBad = count }
            count += 1
            scanner.skipWhitespace()
            guard let next = scanner.peek() else { throw scanner.fail("the line ends inside the vector") }
            if next == UInt8(ascii: ",") {
                scanner.position += 1
                continue
            }
            guard next == UInt8(ascii: "]") else { throw scanner.fail("expected ',' or ']' in the vector") }
            scanner.position += 1
            return (count, firstBad)
        }
    }

    /// Parses one line into `row`; returns its key.
    private func parseLine(_ bytes: UnsafeBufferPointer<UInt8>, into row: inout [Float]) -> Result<(text: String, isGlobalKey: Bool), Reason> {
        var scanner = JSONScanner(bytes)
        var id: String?
        var globalKey: String?
        var count = -1
        var firstBad: Int?
        do throws(JSONScanner.Failure) {
            try scanner.expect(UInt8(ascii: "{"), "'{' (each line must be one JSON object)")
            scanner.skipWhitespace()
            if scanner.peek() == UInt8(ascii: "}") { scanner.position += 1 } else {
                while true {
                    let key = try scanner.string()
                    try scanner.expect(UInt8(ascii: ":"), "':'")
                    switch key {
                    case "id": id = try scanner.identifier()
                    case "global_key", "globalKey": globalKey = try scanner.identifier()
                    case "vector", "embedding", "values":
                        try scanner.expect(UInt8(ascii: "["), "'[' starting the vector")
                        (count, firstBad) = try row.withUnsafeMutableBufferPointer { out throws(JSONScanner.Failure) in
                            try Self.parseVector(&scanner, into: out)
                        }
                    default:
                        try scanner.skipValue()
                    }
                    scanner.skipWhitespace()
                    if scanner.peek() == UInt8(ascii: ",") { scanner.position += 1; continue }
                    try scanner.expect(UInt8(ascii: "}"), "',' or '}'")
                    break
                }
            }
            scanner.skipWhitespace()
            guard scanner.atEnd else { throw scanner.fail("text after the object") }
        } catch {
            return .failure(Reason(message: error.message))
        }
        let key: (String, Bool)
        if let id { key = (id, false) } else if let globalKey { key = (globalKey, true) } else {
            return .failure(Reason(message: "missing \"id\" or \"global_key\""))
        }
        if key.0.isEmpty { return .failure(Reason(message: "the \(key.1 ? "global key" : "id") is empty")) }
        guard count >= 0 else { return .failure(Reason(message: "row '\(key.0)': missing \"vector\"")) }
        guard count == dimensions else { return .failure(Reason(message: "row '\(key.0)': expected \(dimensions) dimensions, got \(count)")) }
        if let firstBad { return .failure(Reason(message: "row '\(key.0)': component \(firstBad) is NaN or infinite")) }
        if rejectsZeroVectors && !row.contains(where: { $0 != 0 }) {
            return .failure(Reason(message: "row '\(key.0)': \(Vectors.Problem.zeroVector)"))
        }
        return .success(key)
    }
}

/// Carries values that are safe to share into `concurrentPerform` workers: each worker reads the
/// shared input and writes only its own element of the output.
struct UncheckedSendableBox<Value>: @unchecked Sendable {
    // @unchecked: used only where every worker writes a distinct element (see call sites).
    let value: Value
    init(_ value: Value) { self.value = value }
}
