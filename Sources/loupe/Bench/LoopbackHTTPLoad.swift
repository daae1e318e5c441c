import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// The benchmark's own HTTP load generator on plain SwiftNIO: each client holds one keep-alive
/// HTTP/1.1 connection and posts the next body as soon as the previous answer has been read in
/// full, until the deadline.
enum LoopbackHTTPLoad {
    /// Runs `clients` connections to `host:port` posting `bodies` (cycled, each client from its
    /// own offset) to `path` for `duration` seconds; returns every request's latency.
    /// - Throws: a `BenchError` on a status other than 200 (with the answer), or a connection error.
    static func run(
        host: String, port: Int, path: String, bodies: [ByteBuffer], clients: Int, duration: Double,
        check: @escaping @Sendable (ByteBuffer) throws -> Void = { _ in }
    ) async throws -> HTTPBenchmark.LoadResult {
        let start = BenchClock.now()
        let deadline = start + duration
        let latencies = try await withThrowingTaskGroup(of: [Double].self) { group in
            for client in 0..<clients {
                group.addTask {
                    try await connection(host: host, port: port) { post in
                        var latencies: [Double] = []
                        var number = client * 7919
                        while BenchClock.now() < deadline {
                            let begin = BenchClock.now()
                            let answer = try await post(path, bodies[number % bodies.count])
                            latencies.append(BenchClock.now() - begin)
                            if number == client * 7919 { try check(answer) }
                            number += 1
                        }
                        return latencies
                    }
                }
            }
            var all: [Double] = []
            for try await part in group { all += part }
            return all
        }
        return HTTPBenchmark.LoadResult(latencies: latencies, seconds: BenchClock.now() - start)
    }

    /// A function that posts a JSON body to a path and returns the answer's body.
    typealias Post = (String, ByteBuffer) async throws -> ByteBuffer

    /// Opens one connection and runs `body` with a `Post` over it, then closes it.
    static func connection<T: Sendable>(host: String, port: Int, _ body: (Post) async throws -> T) async throws -> T {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .connect(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    return try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(wrappingChannelSynchronously: channel)
                }
            }
        return try await channel.executeThenClose { inbound, outbound in
            var responses = inbound.makeAsyncIterator()
            let authority = "\(host):\(port)"
            return try await body { path, payload in
                var head = HTTPRequestHead(version: .http1_1, method: .POST, uri: path)
                head.headers.add(name: "Host", value: authority)
                head.headers.add(name: "Content-Type", value: "application/json")
                head.headers.add(name: "Content-Length", value: String(payload.readableBytes))
                try await outbound.write(contentsOf: [.head(head), .body(.byteBuffer(payload)), .end(nil)])
                var status: HTTPResponseStatus?
                var answer = ByteBuffer()
                reading: while let part = try await responses.next() {
                    switch part {
                    case .head(let response): status = response.status
                    case .body(var chunk): answer.writeBuffer(&chunk)
                    case .end: break reading
                    }
                }
                guard status == .ok else {
                    throw BenchError("HTTP \(status.map { String($0.code) } ?? "no answer"): \(String(buffer: answer))")
                }
                return answer
            }
        }
    }
}
