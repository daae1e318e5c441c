import Foundation

/// Where `loupe embed` writes its vectors: NDJSON lines `{"id": …, "vector": […]}` (the format
/// `loupe import vectors` reads back), or a `.npy` float32 matrix plus an ids file beside it
/// (`NAME.ids.txt`, one id a line).
protocol EmbeddingWriter: AnyObject {
    /// Appends one embedded item.
    func write(id: String, vector: [Float]) throws
    /// Completes the file(s); nothing is visible at the destination before this.
    func finish() throws
}

/// NDJSON output, written to a temporary file and renamed into place on `finish`.
final class NDJSONEmbeddingWriter: EmbeddingWriter {
    private let destination: URL
    private let temporary: URL
    private let handle: FileHandle
    private var buffer = Data()

    init(destination: URL) throws {
        self.destination = destination
        temporary = destination.deletingLastPathComponent()
            .appendingPathComponent(".\(destination.lastPathComponent).partial-\(ProcessInfo.processInfo.processIdentifier)")
        guard FileManager.default.createFile(atPath: temporary.path, contents: nil) else {
            throw CLIError("cannot create \(temporary.path)")
        }
        handle = try FileHandle(forWritingTo: temporary)
    }

    func write(id: String, vector: [Float]) throws {
        let idJSON = String(decoding: try JSONSerialization.data(withJSONObject: [id], options: [.withoutEscapingSlashes]), as: UTF8.self).dropFirst().dropLast()
        var line = "{\"id\":\(idJSON),\"vector\":["
        line.reserveCapacity(vector.count * 12 + 40)
        for (index, value) in vector.enumerated() {
            if index > 0 { line += "," }
            // Shortest text that reads back to the same Float32.
            line += value.description
        }
        line += "]}\n"
        buffer.append(contentsOf: line.utf8)
        if buffer.count >= 1 << 20 { try flush() }
    }

    func finish() throws {
        try flush()
        try handle.synchronize()
        try handle.close()
        _ = try? FileManager.default.removeItem(at: destination)
        try FileManager.default.moveItem(at: temporary, to: destination)
    }

    private func flush() throws {
        try handle.write(contentsOf: buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    deinit { try? FileManager.default.removeItem(at: temporary) }
}

/// `.npy` (format 1.0, `<f4`, C order) output with an ids file; the row count is only known at
/// the end, so rows are buffered in a temporary file and the header written last.
final class NPYEmbeddingWriter: EmbeddingWriter {
    private let destination: URL
    private let idsDestination: URL
    private let rows: URL
    private let rowHandle: FileHandle
    private var ids: [String] = []
    private var dimensions: Int?

    init(destination: URL) throws {
        self.destination = destination
        idsDestination = destination.deletingPathExtension().appendingPathExtension("ids.txt")
        rows = destination.deletingLastPathComponent()
            .appendingPathComponent(".\(destination.lastPathComponent).rows-\(ProcessInfo.processInfo.processIdentifier)")
        guard FileManager.default.createFile(atPath: rows.path, contents: nil) else {
            throw CLIError("cannot create \(rows.path)")
        }
        rowHandle = try FileHandle(forWritingTo: rows)
    }

    func write(id: String, vector: [Float]) throws {
        if let dimensions, dimensions != vector.count {
            throw CLIError("'\(id)' has \(vector.count) dimensions, the others \(dimensions)")
        }
        guard !id.contains("\n") else { throw CLIError("id '\(id)' contains a line break; an ids file cannot hold it (use NDJSON)") }
        dimensions = vector.count
        ids.append(id)
        try vector.withUnsafeBytes { try rowHandle.write(contentsOf: Data($0)) }
    }

    func finish() throws {
        try rowHandle.close()
        let header = Self.header(rows: ids.count, dimensions: dimensions ?? 0)
        let temporary = destination.deletingLastPathComponent()
            .appendingPathComponent(".\(destination.lastPathComponent).partial-\(ProcessInfo.processInfo.processIdentifier)")
        guard FileManager.default.createFile(atPath: temporary.path, contents: header) else {
            throw CLIError("cannot create \(temporary.path)")
        }
        let output = try FileHandle(forWritingTo: temporary)
        try output.seekToEnd()
        let input = try FileHandle(forReadingFrom: rows)
        while let chunk = try input.read(upToCount: 1 << 22), !chunk.isEmpty { try output.write(contentsOf: chunk) }
        try input.close()
        try output.synchronize()
        try output.close()
        try (ids.joined(separator: "\n") + (ids.isEmpty ? "" : "\n")).write(to: idsDestination, atomically: true, encoding: .utf8)
        _ = try? FileManager.default.removeItem(at: destination)
        try FileManager.default.moveItem(at: temporary, to: destination)
    }

    /// The NPY 1.0 header for a `rows × dimensions` little-endian float32 matrix, padded so the
    /// data starts at a multiple of 64 bytes.
    static func header(rows: Int, dimensions: Int) -> Data {
        var dictionary = "{'descr': '<f4', 'fortran_order': False, 'shape': (\(rows), \(dimensions)), }"
        let unpadded = 10 + dictionary.utf8.count + 1
        dictionary += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        var data = Data([0x93] + Array("NUMPY".utf8) + [1, 0])
        let length = UInt16(dictionary.utf8.count)
        data.append(contentsOf: [UInt8(length & 0xFF), UInt8(length >> 8)])
        data.append(contentsOf: dictionary.utf8)
        return data
    }

    deinit { try? FileManager.default.removeItem(at: rows) }
}
