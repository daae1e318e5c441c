/// Seeded sets of 64-bit tokens with a known Jaccard similarity, for the MinHash tests.
public enum TokenSets {
    /// Two sets sharing `common` tokens, with `onlyA` and `onlyB` tokens of their own: their
    /// Jaccard similarity is exactly common / (common + onlyA + onlyB) (random 64-bit tokens do not
    /// collide in practice).
    public static func pair(
        common: Int, onlyA: Int, onlyB: Int, using generator: inout SeededGenerator
    ) -> (a: [UInt64], b: [UInt64]) {
        let shared = (0..<common).map { _ in generator.next() }
        let a = shared + (0..<onlyA).map { _ in generator.next() }
        let b = (0..<onlyB).map { _ in generator.next() } + shared
        return (a.shuffled(using: &generator), b)
    }

    /// A pair of sets of about `size` tokens each with Jaccard similarity as close to `jaccard`
    /// as whole tokens allow; returns the exact similarity too.
    public static func pair(
        size: Int, jaccard: Double, using generator: inout SeededGenerator
    ) -> (a: [UInt64], b: [UInt64], jaccard: Double) {
        // |A ∩ B| = c, |A| = |B| = size: J = c / (2·size − c), so c = 2·size·J / (1 + J).
        let common = Int((2 * Double(size) * jaccard / (1 + jaccard)).rounded())
        let (a, b) = pair(common: common, onlyA: size - common, onlyB: size - common, using: &generator)
        return (a, b, Double(common) / Double(2 * size - common))
    }
}
