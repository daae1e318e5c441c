import Foundation
import NIOCore

/// Streamed bodies written to a file the catalog's importers read: memory stays at one chunk
/// whatever the body's size, and the file is removed when the import is done.
struct Spool: Sendable {
    /// The folder spooled bodies go to (`<data-dir>/uploads`).
    let directory: URL

    /// Writes `body` to a new file named `prefix-<uuid>.<suffix>` and returns it.
    /// - Throws: what reading the body throws (413 past the limit), or a 500 when the file can't
    ///   be written; the partial file is removed either way.
    func write(_ body: ByteChunks, prefix: String, suffix: String) async throws -> URL {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let url = directory.appendingPathComponent("\(prefix)-\(UUID().uuidString).\(suffix)")
        guard FileManager.default.createFile(atPath: url.path, contents: nil), let handle = FileHandle(forWritingAtPath: url.path) else {
            throw APIError(.internalServerError, .internalError, "Can't create the spool file \(url.path).")
        }
        do {
            for try await chunk in body { try handle.write(contentsOf: chunk.readableBytesView) }
            try handle.close()
        } catch {
            try? handle.close()
            try? FileManager.default.removeItem(at: url)
            throw error
        }
        return url
    }

    /// Runs `body` with `body`'s bytes in a spooled file, then removes the file.
    func withFile<T>(
        _ chunks: ByteChunks, prefix: String, suffix: String, _ body: (URL) async throws -> T
    ) async throws -> T {
        let url = try await write(chunks, prefix: prefix, suffix: suffix)
        defer { try? FileManager.default.removeItem(at: url) }
        return try await body(url)
    }
}
