/// The token ids of several texts, right-padded to one length and laid out row-major, with the
/// attention mask a transformer needs.
public struct TokenBatch: Sendable, Equatable {
    /// How many texts (rows).
    public let count: Int
    /// The length of every row: the longest text, or a fixed context length.
    public let sequenceLength: Int
    /// `count × sequenceLength` token ids, row-major; padding holds the tokenizer's pad id.
    public let inputIDs: [Int32]
    /// `count × sequenceLength` values, 1 where `inputIDs` holds a real token and 0 on padding.
    public let attentionMask: [Int32]
    /// The number of real (unpadded) tokens in each row.
    public let lengths: [Int]

    /// Pads `rows` on the right with `paddingID` to `sequenceLength`, or to the longest row.
    /// - Precondition: no row is longer than `sequenceLength`.
    init(rows: [[Int32]], paddingID: Int32, sequenceLength: Int? = nil) {
        let length = sequenceLength ?? rows.map(\.count).max() ?? 0
        var ids = [Int32](repeating: paddingID, count: rows.count * length)
        var mask = [Int32](repeating: 0, count: rows.count * length)
        for (index, row) in rows.enumerated() {
            precondition(row.count <= length, "a row is longer than the batch's sequence length")
            let start = index * length
            ids.replaceSubrange(start..<start + row.count, with: row)
            mask.replaceSubrange(start..<start + row.count, with: repeatElement(1, count: row.count))
        }
        count = rows.count
        self.sequenceLength = length
        inputIDs = ids
        attentionMask = mask
        lengths = rows.map(\.count)
    }

    /// The ids of row `index`, padding included.
    public func inputIDs(row index: Int) -> ArraySlice<Int32> {
        inputIDs[index * sequenceLength..<(index + 1) * sequenceLength]
    }

    /// The attention mask of row `index`.
    public func attentionMask(row index: Int) -> ArraySlice<Int32> {
        attentionMask[index * sequenceLength..<(index + 1) * sequenceLength]
    }
}
