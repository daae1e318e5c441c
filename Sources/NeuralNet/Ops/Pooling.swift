import VectorMath

/// Reductions of a packed batch (`SequenceLayout`) to one vector per sequence.
public enum Pooling {
    /// The mean of each sequence's rows: `output[i] = Σ rows(i) / max(length, 1)`, as
    /// sentence-transformers' mean pooling over the attention mask (an empty sequence gives zeros).
    ///
    /// - Parameters:
    ///   - hidden: `layout.tokenCount × width` floats.
    ///   - output: `layout.count × width` floats, overwritten.
    /// - Complexity: O(tokenCount · width).
    public static func mean(
        _ hidden: UnsafePointer<Float>, layout: SequenceLayout, width: Int, into output: UnsafeMutablePointer<Float>
    ) {
        for sequence in 0..<layout.count {
            let target = output + sequence * width
            target.update(repeating: 0, count: width)
            let rows = layout.rows(of: sequence)
            for row in rows {
                transformInPlace(target, with: hidden + row * width, count: width) { $0 + $1 }
            }
            let inverse = Float8(repeating: 1 / Float(max(rows.count, 1)))
            transformInPlace(target, count: width) { $0 * inverse }
        }
    }

    /// The row of each sequence at `positions[i]` (relative to its start): CLIP's pooled token,
    /// BERT's `[CLS]`.
    /// - Precondition: each position lies inside its sequence.
    public static func select(
        _ hidden: UnsafePointer<Float>, layout: SequenceLayout, positions: [Int], width: Int,
        into output: UnsafeMutablePointer<Float>
    ) {
        for sequence in 0..<layout.count {
            precondition(positions[sequence] >= 0 && positions[sequence] < layout.lengths[sequence], "pooled position outside its sequence")
            (output + sequence * width).update(from: hidden + (layout.offsets[sequence] + positions[sequence]) * width, count: width)
        }
    }

    /// Scales each of `rows` rows of `width` floats to unit Euclidean length (a zero row stays
    /// zero), as `torch.nn.functional.normalize`.
    public static func normalizeRows(_ values: UnsafeMutablePointer<Float>, rows: Int, width: Int) {
        Vectors.normalizeRows(values, rows: rows, dimensions: width)
    }
}
