import Crypto

/// The SHA-256 of `bytes` as 64 lowercase hex digits (swift-crypto), for comparing against the
/// digests in the reference fixtures.
public func sha256Hex<Bytes: Collection>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
    SHA256.hash(data: Array(bytes)).map { String(format: "%02x", $0) }.joined()
}
