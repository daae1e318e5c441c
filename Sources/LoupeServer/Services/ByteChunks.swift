import NIOCore

/// A request body (or one part of it) as a one-pass sequence of byte chunks, whatever produced
/// it: the raw body, a part of a multipart body, a spooled file. Iterating throws
/// ``APIError`` 413 once more than the route's limit arrived.
public struct ByteChunks: AsyncSequence, Sendable {
    public typealias Element = ByteBuffer

    private let makeNext: @Sendable () -> (@Sendable () async throws -> ByteBuffer?)

    /// Chunks from a function that returns the next chunk, or `nil` at the end.
    public init(_ makeNext: @escaping @Sendable () -> (@Sendable () async throws -> ByteBuffer?)) {
        self.makeNext = makeNext
    }

    /// `sequence`'s chunks, refusing more than `limit` bytes in all.
    public init<S: AsyncSequence & Sendable>(_ sequence: S, limit: Int) where S.Element == ByteBuffer {
        self.init {
            let iterator = SendableIterator(sequence.makeAsyncIterator())
            return {
                guard let chunk = try await iterator.next() else { return nil }
                if iterator.count(chunk.readableBytes) > limit { throw APIError.tooLarge(limit: limit) }
                return chunk
            }
        }
    }

    /// The chunks of a buffer already in memory.
    public init(_ buffer: ByteBuffer) {
        self.init {
            let iterator = SendableIterator(OnceIterator(value: buffer))
            return { try await iterator.next() }
        }
    }

    public struct AsyncIterator: AsyncIteratorProtocol {
        let next: @Sendable () async throws -> ByteBuffer?
        public mutating func next() async throws -> ByteBuffer? { try await next() }
    }

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(next: makeNext()) }

    /// All bytes, refusing more than `limit`.
    public func collect(upTo limit: Int) async throws -> ByteBuffer {
        var all = ByteBuffer()
        for try await var chunk in self {
            guard all.readableBytes + chunk.readableBytes <= limit else { throw APIError.tooLarge(limit: limit) }
            all.writeBuffer(&chunk)
        }
        return all
    }
}

/// Yields one buffer, then ends.
struct OnceIterator: AsyncIteratorProtocol {
    var value: ByteBuffer?
    mutating func next() async throws -> ByteBuffer? {
        defer { value = nil }
        return value
    }
}

/// An async iterator driven from `@Sendable` closures: a body is read by one task, one chunk at
/// a time, by the route that owns the request.
final class SendableIterator<Base: AsyncIteratorProtocol>: @unchecked Sendable {
    // @unchecked: `base` and `total` are only touched inside `next()`/`count(_:)`, which the
    // single consumer calls one at a time (the iterator is never shared between tasks).
    private var base: Base
    private var total = 0

    init(_ base: Base) { self.base = base }

    func next() async throws -> Base.Element? { try await base.next() }

    /// Adds `bytes` to the running total and returns it.
    func count(_ bytes: Int) -> Int {
        total += bytes
        return total
    }
}
