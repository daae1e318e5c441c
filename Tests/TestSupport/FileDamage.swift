import Foundation
import VectorIndex

/// Damaged copies of a good index file, to check that loaders refuse them.
public enum FileDamage {
    /// Ways a good index file goes bad, each with the error code a loader must throw: truncated
    /// anywhere, `flips` random bit flips past the magic number (each fails a checksum or a
    /// header check), a bad magic number, a newer format version, trailing bytes, and plain text.
    public static func variants(of good: Data, flips: Int = 20, seed: UInt64)
        -> [(label: String, bytes: Data, code: VectorIndexError.Code)] {
        var variants: [(label: String, bytes: Data, code: VectorIndexError.Code)] = []
        let n = good.count
        for length in Set([0, 5, 15, 40, n / 4, n / 3, n / 2, n - 30, n - 1]).sorted() where length >= 0 && length < n {
            variants.append(("truncated-\(length)", good.prefix(length), .corruptFile))
        }
        var generator = SeededGenerator(seed: seed)
        for _ in 0..<flips {
            var flipped = good
            let offset = Int.random(in: 16..<n, using: &generator)
            flipped[offset] ^= 0x10
            variants.append(("flip-\(offset)", flipped, .corruptFile))
        }
        var badMagic = good
        badMagic[0] = UInt8(ascii: "X")
        variants.append(("magic", badMagic, .corruptFile))
        var newerVersion = good
        newerVersion[8] = 99
        variants.append(("version", newerVersion, .incompatibleFile))
        variants.append(("trailing-bytes", good + Data([1, 2, 3]), .corruptFile))
        variants.append(("text", Data("not an index at all, just some text".utf8), .corruptFile))
        return variants
    }
}
