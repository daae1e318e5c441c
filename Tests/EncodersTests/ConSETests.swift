import Encoders
import Testing
import TestSupport

@Suite("ConSE")
struct ConSETests {
    /// Three classes along the axes of a 3-d text space, plus a fourth between the first two.
    static let classes: [Float] = [
        1, 0, 0,
        0, 2, 0,  // not unit norm: ConSE normalises
        0, 0, 1,
        1, 1, 0,
    ]

    @Test("combines the top-T class embeddings weighted by probability, then normalises")
    func combinesTopClasses() throws {
        let conse = try ConSE(classEmbeddings: Self.classes, classCount: 4, topT: 2)
        #expect(conse.dimensions == 3)
        // Top 2 are class 0 (0.6) and class 1 (0.3); class 2 (0.1) is left out.
        let vector = try conse.embed(probabilities: [0.6, 0.3, 0.1, 0])
        let expected: [Double] = [0.6, 0.3, 0].map { $0 / (0.36 + 0.09).squareRoot() }
        for (got, want) in zip(vector, expected) { #expect(approximatelyEqual(Double(got), want)) }
        // With T = 1 the image is exactly its top class's (normalised) name embedding.
        let top1 = try ConSE(classEmbeddings: Self.classes, classCount: 4, topT: 1)
        #expect(try top1.embed(probabilities: [0.1, 0.7, 0.1, 0.1]) == [0, 1, 0])
    }

    @Test("logits give the same vector as their softmax; only ratios of probabilities matter")
    func logitsAndScaling() throws {
        let conse = try ConSE(classEmbeddings: Self.classes, classCount: 4, topT: 3)
        let logits: [Float] = [2, 1, -1, 0.5]
        let fromLogits = try conse.embed(logits: logits)
        let fromProbabilities = try conse.embed(probabilities: ConSE.softmax(logits))
        let scaled = try conse.embed(probabilities: ConSE.softmax(logits).map { $0 * 7 })
        for i in 0..<3 {
            #expect(approximatelyEqual(Double(fromLogits[i]), Double(fromProbabilities[i])))
            #expect(approximatelyEqual(Double(scaled[i]), Double(fromProbabilities[i])))
        }
        let softmax = ConSE.softmax([1000, 1000])
        #expect(softmax == [0.5, 0.5])
    }

    @Test("rejects inconsistent sizes, zero class embeddings and bad probabilities")
    func rejectsBadInput() throws {
        #expect(throws: EncoderError.self) { try ConSE(classEmbeddings: [1, 2, 3], classCount: 2) }
        #expect(throws: EncoderError.self) { try ConSE(classEmbeddings: [1, 0, 0, 0], classCount: 2) }
        #expect(throws: EncoderError.self) { try ConSE(classEmbeddings: Self.classes, classCount: 4, topT: 0) }
        #expect(try ConSE(classEmbeddings: Self.classes, classCount: 4, topT: 50).topT == 4)
        let conse = try ConSE(classEmbeddings: Self.classes, classCount: 4)
        #expect(throws: EncoderError.self) { try conse.embed(probabilities: [1, 0, 0]) }
        #expect(throws: EncoderError.self) { try conse.embed(probabilities: [.nan, 0, 0, 0]) }
        #expect(throws: EncoderError.self) { try conse.embed(probabilities: [-0.1, 0.5, 0.3, 0.3]) }
    }

    @Test("class phrases keep common names and drop Latin binomials")
    func classPhrases() throws {
        let names = [
            "tench, Tinca tinca",
            "great white shark, white shark, man-eater, man-eating shark, Carcharodon carcharias",
            "German shepherd, German shepherd dog, German police dog, alsatian",
        ]
        let phrases = ConSE.classPhrases(names)
        #expect(phrases == ["tench", "great white shark or white shark or man-eater", "German shepherd or alsatian"])
    }
}
