/// Where the sequences of a batch lie when they are packed end to end, with no padding: sequence
/// `i` is rows `offsets[i] ..< offsets[i + 1]` of a `[tokenCount × width]` activation.
///
/// Packing is how NeuralNet batches sequences of different lengths: linear layers, norms and
/// activations run over every real token at once, and only attention looks at the boundaries.
/// The result equals a padded batch whose padded keys are masked out (their attention weights are
/// exactly zero there) and whose padded positions are ignored by pooling, without computing them.
public struct SequenceLayout: Sendable, Equatable {
    /// The length of each sequence, in tokens.
    public let lengths: [Int]
    /// `lengths.count + 1` row offsets: sequence `i` starts at `offsets[i]`; the last is `tokenCount`.
    public let offsets: [Int]

    /// Sequences of `lengths` tokens (each ≥ 0), packed in that order.
    public init(lengths: [Int]) {
        precondition(lengths.allSatisfy { $0 >= 0 }, "negative sequence length")
        self.lengths = lengths
        var offsets = [0]
        offsets.reserveCapacity(lengths.count + 1)
        for length in lengths { offsets.append(offsets[offsets.count - 1] + length) }
        self.offsets = offsets
    }

    /// The number of sequences.
    public var count: Int { lengths.count }
    /// The number of tokens in all sequences.
    public var tokenCount: Int { offsets[offsets.count - 1] }
    /// The length of the longest sequence (0 when there is none).
    public var longest: Int { lengths.max() ?? 0 }
    /// The rows of sequence `index`.
    public func rows(of index: Int) -> Range<Int> { offsets[index]..<offsets[index + 1] }
}
