import Foundation

// Reading a BERT tokenizer from `vocab.txt` or from a Hugging Face `tokenizer.json`.

extension BertTokenizer {
    /// Reads a `vocab.txt`: one token a line, the id being the line number from 0.
    /// - Throws: `TokenizerError` `.fileUnreadable` if the file cannot be read, `.malformedFile`
    ///   if it is not UTF-8 or is empty, `.missingToken` if it lacks a special token.
    public init(vocabularyFile url: URL, options: Options = Options()) throws {
        let text = try TokenizerFiles.text(at: url, what: "BERT vocabulary")
        var vocabulary: [UTF8Key: Int32] = [:]
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        if lines.last?.isEmpty == true { lines.removeLast() }
        guard !lines.isEmpty else {
            throw TokenizerError(.malformedFile, "BERT vocabulary \(url.path) is empty")
        }
        vocabulary.reserveCapacity(lines.count)
        for (index, line) in lines.enumerated() {
            // Like HF's reader: trailing whitespace (a `\r`) is not part of the token; a later
            // duplicate line wins.
            var token = line
            while let last = token.unicodeScalars.last, last.isWhiteSpace { token.unicodeScalars.removeLast() }
            vocabulary[UTF8Key(String(token))] = Int32(index)
        }
        try self.init(entries: vocabulary, options: options)
    }

    /// Reads a Hugging Face `tokenizer.json` whose model is WordPiece: its vocabulary, unknown
    /// token, continuation prefix, word-length limit, `BertNormalizer` flags and non-normalized
    /// added tokens.
    ///
    /// The file's `truncation` and `padding` sections are **ignored**: all-MiniLM-L6-v2's file says
    /// `max_length` 128 and `Fixed(128)` padding, which sentence-transformers overrides with its
    /// `max_seq_length` of 256. Pass that limit as `maxLength`.
    /// - Throws: `TokenizerError` if the file cannot be read, is not a WordPiece tokenizer, or
    ///   lacks a special token.
    public init(tokenizerJSON url: URL, maxLength: Int = 256) throws {
        let what = "tokenizer.json"
        let root = try TokenizerFiles.jsonObject(at: url, what: what)
        guard let model = root["model"] as? [String: Any], (model["type"] as? String) == "WordPiece" else {
            throw TokenizerError(.malformedFile, "\(what) \(url.path) does not hold a WordPiece model")
        }
        let vocabulary = try TokenizerFiles.vocabulary(model["vocab"], in: url, what: what)

        var options = Options()
        options.maxLength = maxLength
        if let unknown = model["unk_token"] as? String { options.unknownToken = unknown }
        if let prefix = model["continuing_subword_prefix"] as? String { options.continuingSubwordPrefix = prefix }
        if let limit = model["max_input_chars_per_word"] as? Int { options.maxInputCharactersPerWord = limit }
        if let normalizer = root["normalizer"] as? [String: Any], (normalizer["type"] as? String) == "BertNormalizer" {
            if let lowercase = normalizer["lowercase"] as? Bool { options.lowercase = lowercase }
            options.stripAccents = normalizer["strip_accents"] as? Bool
            if let clean = normalizer["clean_text"] as? Bool { options.cleanText = clean }
            if let chinese = normalizer["handle_chinese_chars"] as? Bool { options.handleChineseCharacters = chinese }
        }
        if let added = root["added_tokens"] as? [[String: Any]] {
            options.specialTokens = added.compactMap { token in
                (token["normalized"] as? Bool) == true ? nil : token["content"] as? String
            }
        }
        try self.init(vocabulary: vocabulary, options: options)
    }
}
