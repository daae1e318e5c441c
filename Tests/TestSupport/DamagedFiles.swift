/// Damaged copies of a good file, each with a label: truncations anywhere, flipped bits after the
/// 16-byte header, a bad magic number, trailing bytes and plain text. Loading any of them must
/// fail with `corrupt_file`, never crash.
public enum DamagedFiles {
    public static func variants(of good: [UInt8], seed: UInt64 = 4, flips: Int = 20) -> [(label: String, bytes: [UInt8])] {
        var variants: [(String, [UInt8])] = []
        for length in Set([0, 5, 15, 40, good.count / 3, good.count / 2, good.count - 30, good.count - 1]) where length >= 0 && length < good.count {
            variants.append(("truncated-\(length)", Array(good.prefix(length))))
        }
        var generator = SeededGenerator(seed: seed)
        for _ in 0..<flips {
            var flipped = good
            let offset = Int.random(in: 16..<good.count, using: &generator)
            flipped[offset] ^= 0x10
            variants.append(("flip-\(offset)", flipped))
        }
        var badMagic = good
        badMagic[0] = UInt8(ascii: "X")
        variants.append(("magic", badMagic))
        variants.append(("trailing-bytes", good + [1, 2, 3]))
        variants.append(("text", Array("not an index at all, just some text".utf8)))
        return variants
    }
}
