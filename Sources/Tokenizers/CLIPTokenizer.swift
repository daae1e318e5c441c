/// CLIP's byte-level BPE tokenizer, giving the ids of open_clip's `SimpleTokenizer` (the OpenAI
/// CLIP tokenizer): `[49406] + ids + [49407]`, cut to the context length (77) with the end token
/// kept last, and padded with 0.
///
/// The pipeline, in order:
/// 1. Clean-up (`CLIPTextNormalizer`): a subset of ftfy, HTML unescaping, whitespace collapse,
///    lowercasing.
/// 2. Split with open_clip's pattern
///    `<start_of_text>|<end_of_text>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+`:
///    contractions, runs of letters, single digits, runs of other non-space characters. The two
///    literal markers (open_clip's own spelling, not `<|endoftext|>`) become the start and end ids,
///    as in open_clip.
/// 3. Each piece's UTF-8 bytes are mapped to the byte-level alphabet and byte-pair encoded with
///    `</w>` on the last symbol (`BytePairEncoder`).
///
/// A `CLIPTokenizer` is safe to share between threads; its BPE cache is behind a lock.
public struct CLIPTokenizer: Sendable {
    /// Ids per sequence, start and end included (77 for every CLIP model).
    public let contextLength: Int
    /// The id of `<|startoftext|>` (49406).
    public let startOfTextID: Int32
    /// The id of `<|endoftext|>` (49407).
    public let endOfTextID: Int32
    /// The id that pads a sequence to `contextLength` (0, as in open_clip).
    public let paddingID: Int32 = 0
    /// How many entries the vocabulary has.
    public let vocabularySize: Int

    let encoder: BytePairEncoder

    /// Creates a tokenizer from a byte-level vocabulary and its ranked merges.
    /// - Parameters:
    ///   - vocabulary: token → id, with `<|startoftext|>` and `<|endoftext|>`.
    ///   - merges: pairs of tokens, highest priority first (the lines of `merges.txt`).
    ///   - contextLength: ids per sequence; at least 2.
    /// - Throws: `TokenizerError` `.missingToken` if a special token or byte symbol is missing,
    ///   `.malformedFile` if the merges do not fit the vocabulary, `.invalidArgument` for a
    ///   context length below 2.
    public init(vocabulary: [String: Int32], merges: [(String, String)], contextLength: Int = 77) throws {
        guard contextLength >= 2 else {
            throw TokenizerError(.invalidArgument, "contextLength is \(contextLength); it must be at least 2, for the start and end tokens")
        }
        guard let start = vocabulary["<|startoftext|>"], let end = vocabulary["<|endoftext|>"] else {
            throw TokenizerError(.missingToken, "the CLIP vocabulary has no <|startoftext|> or <|endoftext|>; is it CLIP's vocab.json?")
        }
        self.contextLength = contextLength
        startOfTextID = start
        endOfTextID = end
        vocabularySize = vocabulary.count
        encoder = try BytePairEncoder(vocabulary: vocabulary, merges: merges, endOfWordSuffix: "</w>")
    }

    /// The ids of `text` as open_clip gives them, without padding: the start id, the BPE ids, the
    /// end id; at most `contextLength` ids, the last always the end id.
    /// - Complexity: O(n) for n scalars, plus BPE of words not in the cache (quadratic in the
    ///   length of the word).
    public func encode(_ text: String) -> [Int32] {
        var ids: [Int32] = [startOfTextID]
        ids.append(contentsOf: bpeIDs(text))
        ids.append(endOfTextID)
        if ids.count > contextLength {
            ids.removeSubrange(contextLength...)
            ids[contextLength - 1] = endOfTextID
        }
        return ids
    }

    /// The ids of several texts, each as `encode` gives it, padded with 0 to `contextLength`:
    /// exactly the tensor open_clip's tokenizer returns. The row lengths give the position of each
    /// end token (`lengths[i] - 1`), where CLIP pools.
    public func encode(batch texts: [String]) -> TokenBatch {
        TokenBatch(rows: texts.map(encode), paddingID: paddingID, sequenceLength: contextLength)
    }

    /// The BPE ids of `text`, without the start and end ids and without truncation.
    public func bpeIDs(_ text: String) -> [Int32] {
        let scalars = CLIPTextNormalizer.normalize(text)
        var ids: [Int32] = []
        ids.reserveCapacity(scalars.count / 3 + 4)
        forEachPiece(of: scalars) { piece in
            switch piece {
            case .word(let word): encoder.append(word: word, to: &ids)
            case .startMarker: ids.append(startOfTextID)
            case .endMarker: ids.append(endOfTextID)
            }
        }
        return ids
    }
}
