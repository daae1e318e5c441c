import Catalog
import Foundation
import VectorMath

/// A deterministic stand-in for a real encoder, for tests only: a text's vector counts its
/// character trigrams hashed (FNV-1a) into `dimensions` buckets, so texts sharing words land
/// near each other; an image's vector hashes its bytes the same way. An optional delay per
/// batch lets tests catch a job while it runs.
public struct TrigramModel: EmbeddingModel {
    public let name: String
    public let dimensions: Int
    public let metric: Metric = .cosine
    public let mediaTypes: Set<MediaType>
    public let delayPerBatch: Duration

    public init(name: String = "trigram", dimensions: Int = 64, mediaTypes: Set<MediaType> = [.text, .image],
                delayPerBatch: Duration = .zero) {
        self.name = name
        self.dimensions = dimensions
        self.mediaTypes = mediaTypes
        self.delayPerBatch = delayPerBatch
    }

    public func embed(texts: [String]) async throws -> [[Float]] {
        guard mediaTypes.contains(.text) else { throw CatalogError(.unsupported, "model '\(name)' does not embed texts") }
        if delayPerBatch > .zero { try await Task.sleep(for: delayPerBatch) }
        return texts.map { vector(of: Array(" \($0.lowercased()) ".utf8)) }
    }

    public func embed(images: [[UInt8]]) async throws -> [[Float]] {
        guard mediaTypes.contains(.image) else { throw CatalogError(.unsupported, "model '\(name)' does not embed images") }
        if delayPerBatch > .zero { try await Task.sleep(for: delayPerBatch) }
        return images.map { vector(of: $0) }
    }

    public func classify(images: [[UInt8]], top: Int) async throws -> [[ClassScore]] {
        images.map { bytes in
            let even = bytes.reduce(0) { $0 &+ Int($1) } % 2 == 0
            return Array([ClassScore(className: even ? "even" : "odd", probability: 0.75),
                          ClassScore(className: even ? "odd" : "even", probability: 0.25)].prefix(top))
        }
    }

    /// Trigram counts hashed into buckets; one extra count in bucket 0 so no vector is all zeros.
    public func vector(of bytes: [UInt8]) -> [Float] {
        var vector = [Float](repeating: 0, count: dimensions)
        vector[0] = 0.01
        guard bytes.count >= 3 else { return vector }
        for start in 0...(bytes.count - 3) {
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            for byte in bytes[start..<start + 3] { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
            vector[Int(hash % UInt64(dimensions))] += 1
        }
        return vector
    }
}
