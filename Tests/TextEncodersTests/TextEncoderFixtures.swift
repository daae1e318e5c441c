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
