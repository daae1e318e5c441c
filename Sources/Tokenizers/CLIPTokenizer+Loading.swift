import Foundation

// Reading a CLIP tokenizer from `vocab.json` + `merges.txt`, or from a Hugging Face
// `tokenizer.json`.

extension CLIPTokenizer {
    /// Reads a `vocab.json` (token → id) and a `merges.txt` (an optional `#version` line, then one
    /// merge a line: two tokens separated by a space, highest priority first).
    /// - Throws: `TokenizerError` if a file cannot be read or is malformed, or the two do not match.
    public init(vocabularyFile: URL, mergesFile: URL, contextLength: Int = 77) throws {
        let vocabulary = try TokenizerFiles.vocabulary(
            TokenizerFiles.jsonObject(at: vocabularyFile, what: "CLIP vocabulary"), in: vocabularyFile, what: "CLIP vocabulary")
        let text = try TokenizerFiles.text(at: mergesFile, what: "BPE merges")
        var merges: [(String, String)] = []
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if number == 0, line.hasPrefix("#version") { continue }
            let parts = line.split(whereSeparator: \.isWhitespace)
            if parts.isEmpty { continue }
            guard parts.count == 2 else {
                throw TokenizerError(
                    .malformedFile, "BPE merges \(mergesFile.path) line \(number + 1) is not two tokens separated by a space")
            }
            merges.append((String(parts[0]), String(parts[1])))
        }
        try self.init(vocabulary: vocabulary, merges: merges, contextLength: contextLength)
    }

    /// Reads a Hugging Face `tokenizer.json` whose model is BPE (its `model.vocab` and
    /// `model.merges`, as `"a b"` strings or `["a", "b"]` pairs). Only the vocabulary and merges are
    /// used: the text is cleaned and split the open_clip way whatever the file's normalizer says,
    /// and the literal `<|endoftext|>` in a prompt is ordinary text (HF would make it id 49407).
    /// - Throws: `TokenizerError` if the file cannot be read or is not a BPE tokenizer.
    public init(tokenizerJSON url: URL, contextLength: Int = 77) throws {
        let what = "tokenizer.json"
        let root = try TokenizerFiles.jsonObject(at: url, what: what)
        guard let model = root["model"] as? [String: Any], (model["type"] as? String) == "BPE",
            let rawMerges = model["merges"] as? [Any]
        else {
            throw TokenizerError(.malformedFile, "\(what) \(url.path) does not hold a BPE model with merges")
        }
        let vocabulary = try TokenizerFiles.vocabulary(model["vocab"], in: url, what: what)
        var merges: [(String, String)] = []
        merges.reserveCapacity(rawMerges.count)
        for (number, merge) in rawMerges.enumerated() {
            if let pair = merge as? [String], pair.count == 2 {
                merges.append((pair[0], pair[1]))
            } else if let line = merge as? String, case let parts = line.split(separator: " "), parts.count == 2 {
                merges.append((String(parts[0]), String(parts[1])))
            } else {
                throw TokenizerError(.malformedFile, "\(what) \(url.path): merge \(number + 1) is not a pair of tokens")
            }
        }
        try self.init(vocabulary: vocabulary, merges: merges, contextLength: contextLength)
    }
}
