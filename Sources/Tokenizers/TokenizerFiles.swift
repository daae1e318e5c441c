import Foundation

/// Reading the files tokenizers are made from, with errors that name the file and say what to do.
enum TokenizerFiles {
    /// The whole of a UTF-8 text file.
    static func text(at url: URL, what: String) throws -> String {
        let data = try contents(of: url, what: what)
        guard let text = String(data: data, encoding: .utf8) else {
            throw TokenizerError(.malformedFile, "\(what) \(url.path) is not valid UTF-8")
        }
        return text
    }

    /// A JSON file whose top level is an object.
    static func jsonObject(at url: URL, what: String) throws -> [String: Any] {
        let data = try contents(of: url, what: what)
        let parsed: Any
        do {
            parsed = try JSONSerialization.jsonObject(with: data)
        } catch {
            throw TokenizerError(.malformedFile, "\(what) \(url.path) is not valid JSON", underlying: error)
        }
        guard let object = parsed as? [String: Any] else {
            throw TokenizerError(.malformedFile, "\(what) \(url.path) is not a JSON object")
        }
        return object
    }

    /// A `[String: id]` object (a `vocab.json`, or the `model.vocab` of a `tokenizer.json`).
    static func vocabulary(_ value: Any?, in url: URL, what: String) throws -> [String: Int32] {
        guard let object = value as? [String: Any] else {
            throw TokenizerError(.malformedFile, "\(what) \(url.path) has no token → id object")
        }
        var vocabulary: [String: Int32] = [:]
        vocabulary.reserveCapacity(object.count)
        for (token, id) in object {
            guard let number = id as? NSNumber, let value = Int32(exactly: number.doubleValue), value >= 0
            else {
                throw TokenizerError(
                    .malformedFile, "\(what) \(url.path) gives token \(token.debugDescription) the id \(id), not an integer ≥ 0")
            }
            vocabulary[token] = value
        }
        return vocabulary
    }

    private static func contents(of url: URL, what: String) throws -> Data {
        do {
            return try Data(contentsOf: url)
        } catch {
            throw TokenizerError(
                .fileUnreadable, "cannot read \(what) \(url.path); check the path (known models come from `loupe models fetch`)",
                underlying: error)
        }
    }
}
