/// BERT's uncased WordPiece tokenizer, as Hugging Face `tokenizers` runs it for
/// sentence-transformers (all-MiniLM-L6-v2): `[CLS]` + word pieces + `[SEP]`, at most `maxLength` ids.
///
/// The pipeline, in order:
/// 1. Literal special tokens in the raw text (`[SEP]`, `[MASK]`, …) become their ids, as HF's
///    added-token matching does; the text between them goes through the steps below.
/// 2. Clean: U+0000, U+FFFD and every Cc, Cf and Co character are removed, except `\t`, `\n`, `\r`;
///    every other White_Space character becomes a space.
/// 3. Spaces are put around CJK ideographs.
/// 4. Accents are stripped (NFD, then Mn characters dropped) and the text is lowercased,
///    scalar by scalar with no context (a final capital sigma becomes `σ`, as in HF).
/// 5. The text is split on whitespace, and every punctuation character (ASCII non-alphanumerics,
///    Unicode P*) becomes a word of its own.
/// 6. WordPiece: greedy longest match, with `##` before pieces that continue a word. A word longer
///    than 100 scalars, or one with a piece not in the vocabulary, becomes `[UNK]`.
///
/// A `BertTokenizer` is an immutable value: share it between threads freely.
public struct BertTokenizer: Sendable {
    /// How text is normalized and split. The defaults are all-MiniLM-L6-v2's.
    public struct Options: Sendable, Equatable {
        /// Lowercase the text.
        public var lowercase = true
        /// Strip accents (NFD, then drop Mn). `nil` follows `lowercase`, as BERT's normalizer does.
        public var stripAccents: Bool? = nil
        /// Remove control and format characters and turn other whitespace into spaces.
        public var cleanText = true
        /// Put spaces around CJK ideographs, so each becomes a word.
        public var handleChineseCharacters = true
        /// The most ids `encode` returns, `[CLS]` and `[SEP]` included (sentence-transformers'
        /// `max_seq_length`, 256 for all-MiniLM-L6-v2). At least 2.
        public var maxLength = 256
        /// A word with more scalars than this becomes `[UNK]` without being looked at.
        public var maxInputCharactersPerWord = 100
        /// The prefix of vocabulary entries that continue a word.
        public var continuingSubwordPrefix = "##"
        /// The unknown-word token.
        public var unknownToken = "[UNK]"
        /// The token that starts every sequence.
        public var classToken = "[CLS]"
        /// The token that ends every sequence.
        public var separatorToken = "[SEP]"
        /// The token that pads a batch.
        public var paddingToken = "[PAD]"
        /// Strings matched literally in the raw text and replaced by their ids before any other
        /// step. `nil` means `[PAD]`, `[UNK]`, `[CLS]`, `[SEP]` and `[MASK]`, those in the vocabulary.
        public var specialTokens: [String]? = nil

        /// The defaults of all-MiniLM-L6-v2.
        public init() {}
    }

    /// The options this tokenizer was made with.
    public let options: Options
    /// The id of `[CLS]`.
    public let classID: Int32
    /// The id of `[SEP]`.
    public let separatorID: Int32
    /// The id of `[UNK]`.
    public let unknownID: Int32
    /// The id that pads a batch (`[PAD]`, 0 for BERT).
    public let paddingID: Int32
    /// One more than the largest id in the vocabulary (its size, for BERT's dense ids).
    public let vocabularySize: Int

    /// The vocabulary, looked up byte for byte (`UTF8Key`).
    let vocabulary: [UTF8Key: Int32]
    /// The token of each id.
    let tokens: [Int32: String]
    /// The literal special tokens, longest first.
    let literals: [(scalars: [Unicode.Scalar], id: Int32)]
    /// The most scalars a vocabulary entry has, not counting the continuation prefix.
    let longestEntry: Int
    let stripsAccents: Bool

    /// Creates a tokenizer from a token → id vocabulary.
    ///
    /// A `[String: Int32]` merges canonically equivalent tokens (Swift's `String` equality); the
    /// file loaders keep every entry byte for byte, as Hugging Face does.
    /// - Throws: `TokenizerError` `.missingToken` if `[CLS]`, `[SEP]`, `[UNK]` or `[PAD]` is not in
    ///   the vocabulary; `.invalidArgument` if `options.maxLength < 2`.
    public init(vocabulary: [String: Int32], options: Options = Options()) throws {
        try self.init(entries: Dictionary(vocabulary.map { (UTF8Key($0.key), $0.value) }, uniquingKeysWith: { a, _ in a }),
            options: options)
    }

    init(entries vocabulary: [UTF8Key: Int32], options: Options) throws {
        guard options.maxLength >= 2 else {
            throw TokenizerError(.invalidArgument, "maxLength is \(options.maxLength); it must be at least 2, for [CLS] and [SEP]")
        }
        guard options.maxInputCharactersPerWord >= 1 else {
            throw TokenizerError(.invalidArgument, "maxInputCharactersPerWord must be at least 1")
        }
        func id(of token: String) throws -> Int32 {
            guard let id = vocabulary[UTF8Key(token)] else {
                throw TokenizerError(.missingToken, "the vocabulary has no \(token); is this a BERT vocab.txt?")
            }
            return id
        }
        classID = try id(of: options.classToken)
        separatorID = try id(of: options.separatorToken)
        unknownID = try id(of: options.unknownToken)
        paddingID = try id(of: options.paddingToken)

        let specials = options.specialTokens ?? ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
        literals = specials.compactMap { token in
            guard !token.isEmpty, let id = vocabulary[UTF8Key(token)] else { return nil }
            return (Array(token.unicodeScalars), id)
        }.sorted { $0.scalars.count > $1.scalars.count }

        var tokens: [Int32: String] = [:]
        tokens.reserveCapacity(vocabulary.count)
        var longest = 1
        for (key, id) in vocabulary {
            let token = key.string
            tokens[id] = token
            let body = token.hasPrefix(options.continuingSubwordPrefix)
                ? token.dropFirst(options.continuingSubwordPrefix.count) : Substring(token)
            longest = max(longest, body.unicodeScalars.count)
        }
        self.tokens = tokens
        self.vocabulary = vocabulary
        vocabularySize = Int(vocabulary.values.max() ?? -1) + 1
        self.options = options
        longestEntry = longest
        stripsAccents = options.stripAccents ?? options.lowercase
    }

    /// The ids of `text`: `[CLS]`, the word pieces, `[SEP]`, cut to `options.maxLength` ids
    /// (the pieces past `maxLength - 2` are dropped; `[SEP]` is always last).
    /// - Complexity: O(n · w) for n scalars and the longest vocabulary entry w.
    public func encode(_ text: String) -> [Int32] {
        var ids: [Int32] = [classID]
        appendWordPieces(of: text, to: &ids, limit: options.maxLength - 2)
        ids.append(separatorID)
        return ids
    }

    /// The ids of several texts, each as `encode` gives it, right-padded with `paddingID` to the
    /// longest, with attention masks.
    public func encode(batch texts: [String]) -> TokenBatch {
        TokenBatch(rows: texts.map(encode), paddingID: paddingID)
    }

    /// The word-piece ids of `text`, without `[CLS]`/`[SEP]` and without truncation.
    public func wordPieceIDs(_ text: String) -> [Int32] {
        var ids: [Int32] = []
        appendWordPieces(of: text, to: &ids, limit: .max)
        return ids
    }

    /// The vocabulary entry of `id` (`"##ing"`, `"[CLS]"`), or `nil` for an id outside it.
    public func token(for id: Int32) -> String? {
        tokens[id]
    }

    /// Appends the word pieces of `text` to `ids` until `limit` pieces have been appended.
    private func appendWordPieces(of text: String, to ids: inout [Int32], limit: Int) {
        let scalars = Array(text.unicodeScalars)
        var appended = 0
        var segmentStart = 0
        var index = 0
        while index < scalars.count, appended < limit {
            if let (length, id) = literal(at: index, in: scalars) {
                appendPieces(of: scalars[segmentStart..<index], to: &ids, appended: &appended, limit: limit)
                if appended < limit {
                    ids.append(id)
                    appended += 1
                }
                index += length
                segmentStart = index
            } else {
                index += 1
            }
        }
        if segmentStart < scalars.count {
            appendPieces(of: scalars[segmentStart...], to: &ids, appended: &appended, limit: limit)
        }
    }

    /// The longest literal special token that starts at `index`, as (length, id).
    private func literal(at index: Int, in scalars: [Unicode.Scalar]) -> (Int, Int32)? {
        for literal in literals where literal.scalars.first == scalars[index] {
            let end = index + literal.scalars.count
            if end <= scalars.count, scalars[index..<end].elementsEqual(literal.scalars) {
                return (literal.scalars.count, literal.id)
            }
        }
        return nil
    }

    /// Normalizes, splits and WordPiece-tokenizes a stretch of text with no special tokens in it.
    private func appendPieces(
        of segment: ArraySlice<Unicode.Scalar>, to ids: inout [Int32], appended: inout Int, limit: Int
    ) {
        guard !segment.isEmpty, appended < limit else { return }
        let normalized = normalize(segment)
        var pieces: [Int32] = []
        forEachWord(in: normalized) { word in
            pieces.removeAll(keepingCapacity: true)
            wordPieces(of: word, into: &pieces)
            let taken = min(pieces.count, limit - appended)
            ids.append(contentsOf: pieces[..<taken])
            appended += taken
            return appended < limit
        }
    }

    /// Greedy longest-match-first WordPiece of one word.
    func wordPieces(of word: ArraySlice<Unicode.Scalar>, into pieces: inout [Int32]) {
        if word.count > options.maxInputCharactersPerWord {
            pieces.append(unknownID)
            return
        }
        let firstPiece = pieces.count
        var start = word.startIndex
        var candidate = String()
        while start < word.endIndex {
            var end = min(word.endIndex, start + longestEntry)
            var found: Int32?
            while start < end {
                candidate.removeAll(keepingCapacity: true)
                if start > word.startIndex { candidate += options.continuingSubwordPrefix }
                candidate.unicodeScalars.append(contentsOf: word[start..<end])
                if let id = vocabulary[UTF8Key(candidate)] {
                    found = id
                    break
                }
                end -= 1
            }
            guard let id = found else {
                pieces.removeSubrange(firstPiece...)
                pieces.append(unknownID)
                return
            }
            pieces.append(id)
            start = end
        }
    }
}
