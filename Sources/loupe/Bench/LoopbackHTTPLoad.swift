import Foundation
import Synchronization

/// The benchmark's own HTTP load generator: each client is one thread holding one blocking
/// keep-alive HTTP/1.1 connection (TCP_NODELAY) that posts the next body as soon as the previous
/// answer has been read in full, until the deadline.
///
/// It shares the machine's cores with the server it measures, so it spends as little as it can
/// per request: the request bytes are prepared once, a request is one `send` and usually one
/// `recv`, and nothing is parsed but the status line and `Content-Length`.
enum LoopbackHTTPLoad {
    /// Runs `clients` connections to `127.0.0.1:port` posting `bodies` (cycled, each client from
    /// its own offset) to `path` for `duration` seconds; returns every request's latency.
    /// `check` sees each client's first answer.
    /// - Throws: a `BenchError` on a status other than 200 (with the answer), or a socket error.
    static func run(
        port: Int, path: String, bodies: [[UInt8]], clients: Int, duration: Double,
        check: @escaping @Sendable ([UInt8]) throws -> Void = { _ in }
    ) async throws -> HTTPBenchmark.LoadResult {
        let requests = bodies.map { request(port: port, path: path, body: $0) }
        let start = BenchClock.now()
        let deadline = start + duration
        let parts = try await onThreads(clients) { client in
            let connection = try LoopbackConnection(port: port)
            defer { connection.close() }
            var latencies: [Double] = []
            latencies.reserveCapacity(Int(duration * 4000))
            var number = client * 7919
            while BenchClock.now() < deadline {
                let begin = BenchClock.now()
                let answer = try connection.exchange(requests[number % requests.count])
                latencies.append(BenchClock.now() - begin)
                if number == client * 7919 { try check(answer) }
                number += 1
            }
            return latencies
        }
        return HTTPBenchmark.LoadResult(latencies: parts.flatMap { $0 }, seconds: BenchClock.now() - start)
    }

    /// Posts every body once, in order, on one connection; returns the answers' bodies.
    static func answers(port: Int, path: String, bodies: [[UInt8]]) async throws -> [[UInt8]] {
        try await onThreads(1) { _ in
            let connection = try LoopbackConnection(port: port)
            defer { connection.close() }
            return try bodies.map { try connection.exchange(request(port: port, path: path, body: $0)) }
        }[0]
    }

    /// The bytes of one `POST path` with a JSON body.
    static func request(port: Int, path: String, body: [UInt8]) -> [UInt8] {
        Array("POST \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nContent-Type: application/json\r\nContent-Length: \(body.count)\r\n\r\n".utf8) + body
    }

    /// Runs `body(0..<count)` on `count` threads of their own (blocking calls stay off Swift's
    /// cooperative pool) and returns their results in order.
    static func onThreads<T: Sendable>(_ count: Int, _ body: @escaping @Sendable (Int) throws -> T) async throws -> [T] {
        let results = Mutex<[Int: Result<T, any Error>]>([:])
        return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<[T], any Error>) in
            for index in 0..<count {
                let thread = Thread {
                    let result = Result { try body(index) }
                    let finished: [Int: Result<T, any Error>]? = results.withLock { results in
                        results[index] = result
                        return results.count == count ? results : nil
                    }
                    guard let finished else { return }
                    continuation.resume(with: Result {
                        try (0..<count).map { index in
                            guard let result = finished[index] else { throw BenchError("load thread \(index) left no result") }
                            return try result.get()
                        }
                    })
                }
                thread.stackSize = 1 << 20
                thread.start()
            }
        }
    }
}

/// One blocking HTTP/1.1 keep-alive connection to a loopback port.
final class LoopbackConnection {
    private let fd: Int32
    /// Bytes read past the answer being parsed (none while requests are not pipelined).
    private var buffer: [UInt8] = []
    private var scratch = [UInt8](repeating: 0, count: 1 << 16)

    init(port: Int) throws {
        guard let fd = Self.connectedSocket(port: port) else { throw BenchError("cannot connect to 127.0.0.1:\(port): errno \(errno)") }
        self.fd = fd
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
    }

    /// A TCP socket connected to `127.0.0.1:port`, or nil.
    static func connectedSocket(port: Int) -> Int32? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
        guard connected else {
            Glibc.close(fd)
            return nil
        }
        return fd
    }

    func close() { Glibc.close(fd) }

    /// Sends one request (complete bytes) and returns the answer's body.
    /// - Throws: `BenchError` on a closed connection, a status other than 200, or an answer
    ///   without `Content-Length`.
    func exchange(_ request: [UInt8]) throws -> [UInt8] {
        try request.withUnsafeBytes { bytes in
            var sent = 0
            while sent < bytes.count {
                let n = send(fd, bytes.baseAddress! + sent, bytes.count - sent, Int32(MSG_NOSIGNAL))
                guard n > 0 else { throw BenchError("send failed: errno \(errno)") }
                sent += n
            }
        }
        var headEnd: Int?
        while true {
            if let end = Self.headEnd(buffer) {
                headEnd = end
                break
            }
            try fill()
        }
        guard let headEnd else { throw BenchError("no answer") }
        let head = String(decoding: buffer[..<headEnd], as: UTF8.self)
        let lines = head.split(separator: "\r\n")
        let status = lines.first.flatMap { $0.split(separator: " ").dropFirst().first }.flatMap { Int($0) }
        guard let length = lines.dropFirst().lazy.compactMap(Self.contentLength).first else {
            throw BenchError("an answer without Content-Length: \(head)")
        }
        while buffer.count < headEnd + length { try fill() }
        let body = Array(buffer[headEnd..<headEnd + length])
        buffer.removeFirst(headEnd + length)
        guard status == 200 else { throw BenchError("HTTP \(status.map(String.init) ?? "?"): \(String(decoding: body, as: UTF8.self))") }
        return body
    }

    private func fill() throws {
        let n = scratch.withUnsafeMutableBytes { recv(fd, $0.baseAddress!, $0.count, 0) }
        guard n > 0 else { throw BenchError(n == 0 ? "the server closed the connection" : "recv failed: errno \(errno)") }
        buffer.append(contentsOf: scratch[..<n])
    }

    /// The offset just past `\r\n\r\n`, if the head is complete.
    private static func headEnd(_ bytes: [UInt8]) -> Int? {
        guard bytes.count >= 4 else { return nil }
        for i in 3..<bytes.count where bytes[i] == 0x0A && bytes[i - 1] == 0x0D && bytes[i - 2] == 0x0A && bytes[i - 3] == 0x0D {
            return i + 1
        }
        return nil
    }

    private static func contentLength(_ line: Substring) -> Int? {
        guard let colon = line.firstIndex(of: ":"), line[..<colon].lowercased() == "content-length" else { return nil }
        return Int(line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
    }
}
