// Fixtures of the text-encoder tests: the golden files copied from shared/reference, the tiny
// CLIP model, and all-MiniLM-L6-v2 from the model cache that `loupe models fetch` fills.

import Encoders
import Foundation
import TestSupport

enum TextEncoderFixtures {
    /// A file or folder in this target's `Fixtures` folder.
    static func url(_ name: String) throws -> URL {
        try Fixtures.url(name, in: Bundle.module, target: "TextEncodersTests")
    }

    /// A fixture decoded as JSON.
    static func decode<T: Decodable>(_ type: T.Type, from name: String) throws -> T {
        try Fixtures.decode(type, name, in: Bundle.module, target: "TextEncodersTests")
    }

    /// The all-MiniLM-L6-v2 folder of the model cache; throws (the test fails) when it is missing.
    static func minilmFolder() throws -> URL {
        try Fixtures.minilmFolder()
    }

    /// all-MiniLM-L6-v2, loaded once for all tests.
    static let minilm = Result { try MiniLMEncoder(folder: minilmFolder()) }
}

/// How close two embeddings are: cosine and the largest absolute difference.
struct Agreement: CustomStringConvertible {
    var cosine: Double
    var maxAbsDiff: Double

    init(_ a: [Float], _ b: [Float]) {
        precondition(a.count == b.count)
        var dot = 0.0, aa = 0.0, bb = 0.0, worst = 0.0
        for (x, y) in zip(a, b) {
            dot += Double(x) * Double(y)
            aa += Double(x) * Double(x)
            bb += Double(y) * Double(y)
            worst = max(worst, abs(Double(x) - Double(y)))
        }
        cosine = aa == 0 || bb == 0 ? (aa == bb ? 1 : 0) : dot / (aa * bb).squareRoot()
        maxAbsDiff = worst
    }

    /// The reference README's tolerance for float32 embeddings.
    var withinTolerance: Bool { cosine >= 0.9999 && maxAbsDiff <= 1e-4 }

    var description: String { "cos \(cosine), max abs diff \(maxAbsDiff)" }
}

/// `minilm/minilm_golden.json`: the fields these tests use.
struct MiniLMGolden: Decodable {
    struct Case: Decodable {
        var name: String
        var text: String
        var token_ids: [Int32]
        var embedding: [Float]
    }

    struct Batch: Decodable {
        var case_names: [String]
        var texts: [String]
        var input_ids: [[Int32]]
        var attention_mask: [[Int32]]
        var embeddings: [[Float]]
    }

    var cases: [Case]
    var batch: Batch
}

/// `clip_tiny/clip_golden.json`: the fields these tests use.
struct CLIPGolden: Decodable {
    struct Text: Decodable {
        var name: String
        var text: String
        var ids_open_clip: [Int32]
        var ids_hf: [Int32]
        var eot_index: Int
        var text_embeds_unnormalized: [Float]
        var text_embeds: [Float]
        var text_embeds_for_ids_hf: [Float]?
        var hf_eot_index: Int?
    }

    struct Image: Decodable {
        var file: String
        var image_embeds_unnormalized: [Float]
        var image_embeds: [Float]
    }

    struct Logits: Decodable {
        var values: [[Float]]
    }

    var texts: [Text]
    var images: [Image]
    var logits_per_text: Logits
}
