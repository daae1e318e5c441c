import Foundation
import NIOCore
import Testing

@testable import LoupeServer

@Suite("Multipart reader")
struct MultipartReaderTests {
    /// `data` delivered in chunks of the given sizes, cycling.
    static func chunks(_ data: Data, sizes: [Int]) -> ByteChunks {
        var buffers: [ByteBuffer] = []
        var offset = 0
        var turn = 0
        while offset < data.count {
            let size = min(sizes[turn % sizes.count], data.count - offset)
            buffers.append(ByteBuffer(bytes: data[offset..<offset + size]))
            offset += size
            turn += 1
        }
        let all = buffers
        return ByteChunks {
            let queue = ChunkQueue(all)
            return { queue.next() }
        }
    }

    static func body(_ parts: [(String, Data)], boundary: String, preamble: String = "") -> Data {
        var body = Data(preamble.utf8)
        for (name, data) in parts {
            body += Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"; filename=\"\(name).bin\"\r\n\r\n".utf8)
            body += data
            body += Data("\r\n".utf8)
        }
        return body + Data("--\(boundary)--\r\n".utf8)
    }

    @Test("Parts come back whole whatever the chunk sizes, even with delimiter-like bytes inside", arguments: [[1], [2, 3], [7], [64 * 1024], [5, 1, 13]])
    func chunkBoundaries(sizes: [Int]) async throws {
        var random = SystemRandomNumberGenerator()
        let boundary = "b0undary-XYZ"
        // Bytes that start like the delimiter but are not it.
        let tricky = Data("\r\n--b0undary-XY\r\n--b0und\r\n-".utf8) + Data((0..<300_000).map { _ in UInt8.random(in: 0...255, using: &random) })
        let ids = Data("r1\nr2\n".utf8)
        let data = Self.body([("ids", ids), ("vectors", tricky)], boundary: boundary, preamble: "ignored preamble\r\n")
        let reader = try MultipartReader(body: Self.chunks(data, sizes: sizes), contentType: "multipart/form-data; boundary=\"\(boundary)\"")
        let first = try #require(try await reader.nextPart())
        #expect(first.name == "ids" && first.filename == "ids.bin")
        #expect(Data(try await reader.collectPart(upTo: 1 << 20).readableBytesView) == ids)
        let second = try #require(try await reader.nextPart())
        #expect(second.name == "vectors")
        var received = Data()
        for try await chunk in reader.currentPartChunks() { received += Data(chunk.readableBytesView) }
        #expect(received == tricky)
        #expect(try await reader.nextPart() == nil)
    }

    @Test("A part skipped unread is drained; an empty part is empty")
    func skippingAndEmpty() async throws {
        let data = Self.body([("a", Data("skip me".utf8)), ("b", Data()), ("c", Data("c".utf8))], boundary: "x")
        let reader = try MultipartReader(body: Self.chunks(data, sizes: [3]), contentType: "multipart/form-data; boundary=x")
        #expect(try await reader.nextPart()?.name == "a")
        #expect(try await reader.nextPart()?.name == "b")
        #expect(try await reader.collectPart(upTo: 10).readableBytes == 0)
        #expect(try await reader.nextPart()?.name == "c")
        #expect(String(buffer: try await reader.collectPart(upTo: 10)) == "c")
        #expect(try await reader.nextPart() == nil)
    }

    @Test("Missing boundary, missing name, truncated body and oversized headers are 400s")
    func malformed() async throws {
        #expect(throws: APIError.self) { try MultipartReader(body: ByteChunks(ByteBuffer()), contentType: "multipart/form-data") }
        let noName = Data("--x\r\nContent-Disposition: form-data\r\n\r\nbody\r\n--x--\r\n".utf8)
        await #expect(throws: APIError.self) {
            _ = try await MultipartReader(body: Self.chunks(noName, sizes: [4]), contentType: "multipart/form-data; boundary=x").nextPart()
        }
        let truncated = Data("--x\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nbody without end".utf8)
        let reader = try MultipartReader(body: Self.chunks(truncated, sizes: [4]), contentType: "multipart/form-data; boundary=x")
        _ = try await reader.nextPart()
        await #expect(throws: APIError.self) { _ = try await reader.collectPart(upTo: 1000) }
        let hugeHeaders = Data("--x\r\nX-Pad: \(String(repeating: "p", count: 20_000))\r\n\r\n".utf8)
        await #expect(throws: APIError.self) {
            _ = try await MultipartReader(body: Self.chunks(hugeHeaders, sizes: [512]), contentType: "multipart/form-data; boundary=x").nextPart()
        }
    }
}

/// Hands out buffers one by one; used by one reader task at a time.
final class ChunkQueue: @unchecked Sendable {
    // @unchecked: the reader calls `next()` from one task, one call at a time.
    private var buffers: [ByteBuffer]
    private var index = 0
    init(_ buffers: [ByteBuffer]) { self.buffers = buffers }
    func next() -> ByteBuffer? {
        guard index < buffers.count else { return nil }
        defer { index += 1 }
        return buffers[index]
    }
}
