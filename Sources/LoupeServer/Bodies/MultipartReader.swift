import Foundation
import NIOCore

/// Reads a `multipart/form-data` body part by part without holding it in memory: a part's body
/// can be collected (small parts, like a list of ids) or streamed (large parts, like a `.npy`).
///
/// Follows RFC 7578 / RFC 2046: parts are separated by `CRLF--boundary`, the first delimiter may
/// follow a preamble, the last one is followed by `--`.
final class MultipartReader: @unchecked Sendable {
    // @unchecked: one route reads one request's body; every method is called by that task, in order.

    /// The headers of one part.
    struct Part: Sendable {
        /// `name` of the part's `Content-Disposition`.
        var name: String
        /// `filename` of the part's `Content-Disposition`, if any.
        var filename: String?
        var contentType: String?
    }

    private var source: ByteChunks.AsyncIterator
    private var buffer: [UInt8] = []
    private var start = 0
    private var sourceDone = false
    private let delimiter: [UInt8]
    private var inPart = false
    /// Whether the last thing read was a delimiter (so the next part's headers, or `--`, follow).
    private var atDelimiter = false
    private var finished = false

    /// - Parameters:
    ///   - body: the request body.
    ///   - contentType: the request's `Content-Type` header, which names the boundary.
    /// - Throws: ``APIError`` 400 if the header has no boundary.
    init(body: ByteChunks, contentType: String) throws {
        guard let range = contentType.range(of: "boundary=", options: .caseInsensitive) else {
            throw APIError.invalid("multipart/form-data needs a boundary parameter in Content-Type.")
        }
        var boundary = contentType[range.upperBound...].split(separator: ";").first.map(String.init) ?? ""
        boundary = boundary.trimmingCharacters(in: .whitespaces)
        if boundary.hasPrefix("\""), boundary.hasSuffix("\""), boundary.count >= 2 { boundary = String(boundary.dropFirst().dropLast()) }
        guard !boundary.isEmpty, boundary.utf8.count <= 70 else {
            throw APIError.invalid("The multipart boundary must be 1–70 characters.")
        }
        self.source = body.makeAsyncIterator()
        self.delimiter = Array("\r\n--\(boundary)".utf8)
        // The first delimiter may come at the very start, without the leading CRLF.
        self.buffer = Array("\r\n".utf8)
    }

    /// The next part's headers, or `nil` after the last part. Skips what is left of the current part.
    func nextPart() async throws -> Part? {
        if finished { return nil }
        if inPart {
            for try await _ in currentPartChunks() {}
        }
        if !atDelimiter {
            // Skip the preamble up to the first delimiter.
            guard try await skip(through: delimiter) else { throw Self.truncated }
        }
        atDelimiter = false
        // After a delimiter: `--` ends the body, CRLF starts a part.
        try await fill(2)
        guard buffer.count - start >= 2 else { throw Self.truncated }
        if buffer[start] == UInt8(ascii: "-"), buffer[start + 1] == UInt8(ascii: "-") {
            finished = true
            return nil
        }
        // Transport padding then CRLF.
        guard try await skip(through: Array("\r\n".utf8)) else { throw Self.truncated }
        guard let headerEnd = try await find(Array("\r\n\r\n".utf8), limit: 16 * 1024) else {
            throw APIError.invalid("A multipart part's headers are missing or longer than 16 KiB.")
        }
        let headerText = String(decoding: buffer[start..<headerEnd], as: UTF8.self)
        start = headerEnd + 4
        inPart = true
        return try Self.parseHeaders(headerText)
    }

    /// The current part's body, at most `limit` bytes.
    func collectPart(upTo limit: Int) async throws -> ByteBuffer {
        try await currentPartChunks().collect(upTo: limit)
    }

    /// The current part's body as chunks; ends at the next delimiter.
    func currentPartChunks() -> ByteChunks {
        ByteChunks { { try await self.nextPartChunk() } }
    }

    private func nextPartChunk() async throws -> ByteBuffer? {
        guard inPart else { return nil }
        while true {
            if let index = search(delimiter) {
                let chunk = ByteBuffer(bytes: buffer[start..<index])
                start = index + delimiter.count
                inPart = false
                atDelimiter = true
                return chunk.readableBytes > 0 ? chunk : nil
            }
            // Everything but a possible partial delimiter at the end can go out.
            let safe = buffer.count - (delimiter.count - 1)
            if safe - start >= 64 * 1024 || (sourceDone && safe > start) {
                let chunk = ByteBuffer(bytes: buffer[start..<safe])
                start = safe
                return chunk
            }
            guard try await readMore() else { throw Self.truncated }
        }
    }

    private static let truncated = APIError.invalid("The multipart body ended before its closing boundary.")

    /// The index of the first `needle` at or after `start`: memchr-speed scan for its first byte,
    /// then a compare.
    private func search(_ needle: [UInt8]) -> Int? {
        guard let first = needle.first, buffer.count - start >= needle.count else { return nil }
        return buffer.withUnsafeBufferPointer { haystack -> Int? in
            var index = start
            let last = haystack.count - needle.count
            while index <= last {
                guard let found = UnsafeRawPointer(haystack.baseAddress! + index)
                    .withMemoryRebound(to: UInt8.self, capacity: last - index + 1, { pointer in
                        memchr(pointer, Int32(first), last - index + 1)
                    })
                else { return nil }
                let candidate = UnsafePointer(found.assumingMemoryBound(to: UInt8.self)) - haystack.baseAddress!
                if memcmp(haystack.baseAddress! + candidate, needle, needle.count) == 0 { return candidate }
                index = candidate + 1
            }
            return nil
        }
    }

    private func find(_ needle: [UInt8], limit: Int) async throws -> Int? {
        while true {
            if let index = search(needle) { return index }
            if buffer.count - start > limit { return nil }
            guard try await readMore() else { return nil }
        }
    }

    private func skip(through needle: [UInt8]) async throws -> Bool {
        while true {
            if let index = search(needle) {
                start = index + needle.count
                return true
            }
            // Keep a possible partial match.
            start = max(start, buffer.count - needle.count + 1)
            guard try await readMore() else { return false }
        }
    }

    private func fill(_ count: Int) async throws {
        while buffer.count - start < count, try await readMore() {}
    }

    private func readMore() async throws -> Bool {
        guard !sourceDone else { return false }
        guard let chunk = try await source.next() else {
            sourceDone = true
            return false
        }
        if start > 0 && start >= buffer.count / 2 {
            buffer.removeFirst(start)
            start = 0
        }
        buffer.append(contentsOf: chunk.readableBytesView)
        return true
    }

    static func parseHeaders(_ text: String) throws -> Part {
        var name: String?
        var filename: String?
        var contentType: String?
        for line in text.split(separator: "\r\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let field = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            if field == "content-type" { contentType = value }
            guard field == "content-disposition" else { continue }
            for parameter in value.split(separator: ";").dropFirst() {
                let pair = parameter.split(separator: "=", maxSplits: 1)
                guard pair.count == 2 else { continue }
                let key = pair[0].trimmingCharacters(in: .whitespaces).lowercased()
                var quoted = pair[1].trimmingCharacters(in: .whitespaces)
                if quoted.hasPrefix("\""), quoted.hasSuffix("\""), quoted.count >= 2 { quoted = String(quoted.dropFirst().dropLast()) }
                if key == "name" { name = quoted }
                if key == "filename" { filename = quoted }
            }
        }
        guard let name else { throw APIError.invalid("A multipart part has no Content-Disposition name.") }
        return Part(name: name, filename: filename, contentType: contentType)
    }
}
