import Crypto
import Foundation

/// A stored API key: its public id, a name for people, its scope, and the SHA-256 of the secret
/// key. The key itself is shown once when it is created and never stored.
public struct APIKey: Sendable, Codable, Equatable {
    /// The key's public id, also the part of the key after `loupe_` (8 lowercase hex digits).
    public var id: String
    /// A name for people ("ci", "alice's notebook").
    public var name: String
    /// What the key allows.
    public var scope: APIScope
    /// Lowercase hex SHA-256 of the whole key string.
    public var sha256: String
    /// When the key was created.
    public var created: Date
    /// When the key was revoked; a revoked key is refused.
    public var revoked: Date?

    /// Whether the key is still accepted.
    public var isActive: Bool { revoked == nil }

    /// Lowercase hex SHA-256 of `key`'s UTF-8 bytes.
    public static func hash(_ key: String) -> String {
        SHA256.hash(data: Array(key.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// The id part of a key of the form `loupe_<id>_<secret>`, or `nil` if it has another form.
    static func id(ofKey key: String) -> String? {
        let parts = key.split(separator: "_", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "loupe", parts[1].count == 8, parts[2].count >= 16 else { return nil }
        return String(parts[1])
    }

    /// Whether `key` hashes to this key's stored hash, compared in constant time.
    public func matches(_ key: String) -> Bool {
        let presented = Array(Self.hash(key).utf8)
        let stored = Array(sha256.utf8)
        guard presented.count == stored.count else { return false }
        var difference: UInt8 = 0
        for index in presented.indices { difference |= presented[index] ^ stored[index] }
        return difference == 0
    }

    /// A new random key `loupe_<8 hex id>_<32 base62 characters>` (about 190 bits) and its record.
    static func generate(name: String, scope: APIScope, existingIDs: Set<String>) -> (key: String, record: APIKey) {
        var generator = SystemRandomNumberGenerator()
        var id: String
        repeat {
            id = String(format: "%08x", UInt32.random(in: .min ... .max, using: &generator))
        } while existingIDs.contains(id)
        let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
        let secret = String((0..<32).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] })
        let key = "loupe_\(id)_\(secret)"
        return (key, APIKey(id: id, name: name, scope: scope, sha256: hash(key), created: Date(), revoked: nil))
    }
}
