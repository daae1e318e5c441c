import Foundation
import VectorIndex

/// Damaged copies of a good index file, for the rule that a bad file is an error, never a crash.
public enum DamagedFiles {
    /// One damaged copy and the error code loading it must raise.
    public struct Variant {
        public let label: String
        public let bytes: Data
        public let code: VectorIndexError.Code
    }

    /// Truncations anywhere (header, sections, end marker), 20 seeded bit flips past the magic
    /// number, a bad magic number, a newer format version, trailing bytes, and plain text.
    public static func variants(of good: Data, seed: UInt64 = 4) -> [Variant] {
        var result: [Variant] = []
        for length in [0, 5, 15, 40, good.count / 3, good.count / 2, good.count - 30, good.count - 1] where length < good.count {
            result.append(Variant(label: "truncated-\(length)", bytes: good.prefix(max(length, 0)), code: .corruptFile))
        }
        var generator = SeededGenerator(seed: seed)
        for _ in 0..<20 {
            var flipped = good
            let offset = Int.random(in: 16..<good.count, using: &generator)
            flipped[offset] ^= 0x10
            result.append(Variant(label: "flip-\(offset)", bytes: flipped, code: .corruptFile))
        }
        var badMagic = good
        badMagic[0] = UInt8(ascii: "X")
        result.append(Variant(label: "magic", bytes: badMagic, code: .corruptFile))
        var newerVersion = good
        newerVersion[8] = 99
        result.append(Variant(label: "version", bytes: newerVersion, code: .incompatibleFile))
        result.append(Variant(label: "trailing-bytes", bytes: good + Data([1, 2, 3]), code: .corruptFile))
        result.append(Variant(label: "text", bytes: Data("not an index at all, just some text".utf8), code: .corruptFile))
        return result
    }

    /// Writes each variant to `folder` and loads it with `load`; returns a description of every
    /// variant that loaded or failed with another error code (empty when all were rejected
    /// properly).
    public static func misbehaviours(of good: Data, in folder: TemporaryFolder, load: (String) throws -> Void) -> [String] {
        var problems: [String] = []
        for variant in variants(of: good) {
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
