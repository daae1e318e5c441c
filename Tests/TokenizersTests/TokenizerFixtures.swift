// Fixture loading for the tokenizer tests: the golden files copied from shared/reference, and the
// BERT vocabulary that `loupe models fetch` puts in the model cache.

import Foundation
import TestSupport
import Tokenizers

enum TokenizerFixtures {
    /// A file in this target's `Fixtures` folder.
    static func url(_ name: String) throws -> URL {
        try Fixtures.url(name, in: Bundle.module, target: "TokenizersTests")
    }

    /// A fixture decoded as JSON.
    static func decode<T: Decodable>(_ type: T.Type, from name: String) throws -> T {
        try Fixtures.decode(type, name, in: Bundle.module, target: "TokenizersTests")
    }

    /// A file of all-MiniLM-L6-v2 from the model cache; throws (the test fails) when it is missing.
    static func minilmFile(_ name: String) throws -> URL {
        try Fixtures.minilmFolder(requiring: [name]).appendingPathComponent(name)
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
