import Foundation
import VectorIndex

/// Damaged copies of a good index file, for the rule that a bad file is an error, never a crash.
public enum DamagedFiles {
    /// One damaged copy and the error code loading it must raise.
    public typealias Variant = (label: String, bytes: Data, code: VectorIndexError.Code)

    /// Truncations anywhere (header, sections, end marker), `flips` seeded bit flips past the
    /// magic number (each fails a checksum or a header check), a bad magic number, a newer format
    /// version, trailing bytes, and plain text.
    public static func variants(of good: Data, flips: Int = 20, seed: UInt64 = 4) -> [Variant] {
        var variants: [Variant] = []
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

    /// Writes each variant to `folder` and loads it with `load`; returns a description of every
    /// variant that loaded or failed with another error code (empty when all were rejected
    /// properly).
    public static func misbehaviours(
        of good: Data, in folder: TemporaryFolder, flips: Int = 20, seed: UInt64 = 4, load: (String) throws -> Void
    ) -> [String] {
        var problems: [String] = []
        for variant in variants(of: good, flips: flips, seed: seed) {
            let path = folder.file("bad-\(variant.label)")
            _ = FileManager.default.createFile(atPath: path, contents: variant.bytes)
            do {
                try load(path)
                problems.append("\(variant.label): loaded a damaged file")
            } catch let error as VectorIndexError {
                if error.code != variant.code || error.message.isEmpty {
                    problems.append("\(variant.label): \(error), expected \(variant.code)")
                }
            } catch {
                problems.append("\(variant.label): unexpected error \(error)")
            }
        }
        return problems
    }
}
