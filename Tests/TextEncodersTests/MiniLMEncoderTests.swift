@testable import Encoders
import Foundation
import NeuralNet
import Testing
import TestSupport
import Tokenizers

/// all-MiniLM-L6-v2 against sentence-transformers' outputs (shared/reference/minilm).
@Suite("MiniLM encoder")
struct MiniLMEncoderTests {
    static let golden = Result { try TextEncoderFixtures.decode(MiniLMGolden.self, from: "minilm_golden.json") }

    @Test("all 41 golden texts: exact ids, embeddings within cos ≥ 0.9999 and max abs diff ≤ 1e-4")
    func goldenCases() throws {
        let golden = try Self.golden.get()
        let encoder = try TextEncoderFixtures.minilm.get()
        #expect(golden.cases.count == 41)
        #expect(encoder.dimensions == 384 && encoder.maxLength == 256)
        let texts = golden.cases.map(\.text)
        #expect(encoder.tokenize(texts) == golden.cases.map(\.token_ids))
        let embeddings = try encoder.embed(texts)
        for (golden, embedding) in zip(golden.cases, embeddings) {
            let agreement = Agreement(embedding, golden.embedding)
            #expect(agreement.withinTolerance, "\(golden.name): \(agreement)")
        }
    }

    @Test("each text alone gives the same embedding as in a batch of all of them")
    func aloneEqualsBatched() throws {
        let golden = try Self.golden.get()
        let encoder = try TextEncoderFixtures.minilm.get()
        let batched = try encoder.embed(golden.cases.map(\.text))
        for (index, testCase) in golden.cases.enumerated() where index % 5 == 0 || testCase.name.hasPrefix("long") {
            let alone = try encoder.embed([testCase.text])[0]
            #expect(Agreement(alone, batched[index]).maxAbsDiff <= 1e-5, "\(testCase.name)")
        }
    }

    @Test("the golden padded batch: texts, and the padded ids with their attention mask, match the batch embeddings")
    func goldenBatch() throws {
        let batch = try Self.golden.get().batch
        let encoder = try TextEncoderFixtures.minilm.get()
        let fromTexts = try encoder.embed(batch.texts)
        let tokenBatch = encoder.tokenizer.encode(batch: batch.texts)
        #expect(tokenBatch.inputIDs == batch.input_ids.flatMap { $0 })
        #expect(tokenBatch.attentionMask == batch.attention_mask.flatMap { $0 })
        let fromPadded = try encoder.embed(batch: tokenBatch)
        for (index, name) in batch.case_names.enumerated() {
            #expect(Agreement(fromTexts[index], batch.embeddings[index]).withinTolerance, "\(name) from text")
            #expect(Agreement(fromPadded[index], batch.embeddings[index]).withinTolerance, "\(name) from padded ids")
        }
    }

    @Test("batches are cut longest first, by text count and token limit, and cover every text once")
    func batching() {
        let lengths = [3, 9, 1, 9, 4, 200, 2]
        let batches = LengthBatches.cut(lengths: lengths, size: 3, tokenLimit: 20)
        #expect(batches == [[5], [1, 3], [4, 0, 6], [2]])
        #expect(LengthBatches.cut(lengths: [], size: 32, tokenLimit: 100).isEmpty)
        #expect(batches.flatMap { $0 }.sorted() == Array(lengths.indices))
    }

    @Test("no texts give no embeddings; the wrong output size and bad ids are errors")
    func edgeInputs() throws {
        let encoder = try TextEncoderFixtures.minilm.get()
        #expect(try encoder.embed([]).isEmpty)
        var small = [Float](repeating: 0, count: 10)
        let sizeError = #expect(throws: NeuralNetError.self) {
            try small.withUnsafeMutableBufferPointer { try encoder.embed(["a"], into: $0) }
        }
        #expect(sizeError?.code == .shapeMismatch)
        var output = [Float](repeating: 0, count: 384)
        let idError = #expect(throws: NeuralNetError.self) {
            try output.withUnsafeMutableBufferPointer { try encoder.embed(tokenIDs: [[101, 40_000, 102]], into: $0) }
        }
        #expect(idError?.code == .invalidInput)
        #expect(idError?.message.contains("40000") == true)
        let longError = #expect(throws: NeuralNetError.self) {
            try output.withUnsafeMutableBufferPointer { try encoder.embed(tokenIDs: [Array(repeating: 100, count: 513)], into: $0) }
        }
        #expect(longError?.code == .invalidInput)
    }
}
