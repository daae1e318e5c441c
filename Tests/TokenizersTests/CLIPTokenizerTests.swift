import Foundation
import TestSupport
import Testing

@testable import Tokenizers

/// CLIP BPE against open_clip's ids for the 26 prompts of `clip_golden.json` (reference README §3):
/// exact up to and including the first 49407, then 0 padding to 77.
@Suite struct CLIPTokenizerTests {
    let tokenizer: CLIPTokenizer
    let golden: CLIPGolden

    init() throws {
        tokenizer = try TokenizerFixtures.clip.get()
        golden = try TokenizerFixtures.decode(CLIPGolden.self, from: "clip_golden.json")
    }

    @Test func sanityPhotoOfADog() {
        #expect(tokenizer.encode("a photo of a dog") == [49406, 320, 1125, 539, 320, 1929, 49407])
        #expect(tokenizer.vocabularySize == 49408)
    }

    @Test func everyGoldenPromptMatchesOpenCLIPExactly() throws {
        #expect(golden.texts.count == 26)
        let batch = tokenizer.encode(batch: golden.texts.map(\.text))
        #expect(batch.sequenceLength == 77)
        for (row, prompt) in golden.texts.enumerated() {
            #expect(Array(batch.inputIDs(row: row)) == prompt.ids_open_clip, "prompt \(prompt.name)")
            #expect(tokenizer.encode(prompt.text).count == prompt.num_tokens, "prompt \(prompt.name)")
            #expect(batch.lengths[row] - 1 == prompt.eot_index, "prompt \(prompt.name)")
            #expect(tokenizer.bpeIDs(prompt.text).count + 2 == prompt.num_tokens_untruncated, "prompt \(prompt.name)")
            let mask = Array(batch.attentionMask(row: row))
            #expect(mask == (0..<77).map { $0 <= prompt.eot_index ? 1 : 0 }, "prompt \(prompt.name)")
        }
    }

    @Test func truncationKeepsTheEndTokenLast() throws {
        let fits = try #require(golden.texts.first { $0.name == "boundary_75_tokens" })
        let over = try #require(golden.texts.first { $0.name == "boundary_76_tokens_truncated" })
        #expect(tokenizer.encode(fits.text).count == 77 && !fits.truncated)
        #expect(tokenizer.encode(over.text) == tokenizer.encode(fits.text) && over.truncated)

        let short = try CLIPTokenizer(vocabulary: tokenizer.vocabularyForTests, merges: [], contextLength: 4)
        #expect(short.encode("a b c d e") == [49406, 320, 321, 49407])  // "a</w>", "b</w>", then cut
    }

    @Test func cleanUpFollowsOpenCLIP() {
        // Expected strings from ftfy 6.3.1 + html.unescape + whitespace_clean + lower.
        let cases: [(String, String)] = [
            ("Tom &amp; Jerry &lt;3", "tom & jerry <3"),
            ("&amp;amp;lt;", "<"),
            ("a &ampx b &#39; &#x27; &#0; &#150;", "a &x b ' ' \u{FFFD} –"),
            ("<b>&AMP;&EACUTE;</b>", "<b>&&eacute;</b>"),  // a `<` turns ftfy's unescaping off
            ("CAF&EACUTE; &NTILDE;", "café ñ"),
            ("“curly quotes” and ‘single’", "\"curly quotes\" and 'single'"),
            ("ﬁne ligature and ＦＵＬＬＷＩＤＴＨ", "fine ligature and fullwidth"),
            ("mojibake: cafÃ©", "mojibake: café"),
            ("Ð¿Ñ€Ð¸Ð²ÐµÑ‚ â€œquotedâ€\u{9D} ðŸ˜€", "привет \"quoted\" 😀"),
            ("Ã¢â‚¬â„¢", "'"),
            ("line\r\nbreak\u{2028}x\u{85}y", "line break x…y"),
            ("\u{1B}[36;44mblue\u{1B}[0m\u{FEFF}\u{7}", "blue"),
            ("cafe\u{301}", "café"),
            ("ΟΔΟΣ ΣΑΣ Σ", "οδος σας σ"),
            ("İ", "i\u{307}"),
            ("  tabs\tand\nnewlines   and\u{3000}spaces  ", "tabs and newlines and spaces"),
        ]
        for (input, expected) in cases {
            #expect(CLIPTextNormalizer.normalize(input).string == expected, "input \(input.debugDescription)")
        }
    }

    @Test func splittingFollowsTheOpenCLIPPattern() {
        func pieces(_ text: String) -> [String] {
            var result: [String] = []
            tokenizer.forEachPiece(of: CLIPTextNormalizer.normalize(text)) { piece in
                switch piece {
                case .word(let word): result.append(word)
                case .startMarker: result.append("<SOT>")
                case .endMarker: result.append("<EOT>")
                }
            }
            return result
        }
        #expect(pieces("How's it going?!") == ["how", "'s", "it", "going", "?!"])
        #expect(pieces("''s don't 42x") == ["''", "s", "don", "'t", "4", "2", "x"])
        #expect(pieces("a <end_of_text> b <|endoftext|>") == ["a", "<EOT>", "b", "<|", "endoftext", "|>"])
        #expect(pieces("<START_OF_TEXT>x") == ["<SOT>", "x"])
        #expect(pieces("x²½") == ["x", "²", "½"])
        #expect(pieces("it'\u{17F}") == ["it", "'\u{17F}"])  // the pattern is case-insensitive
    }

    /// Two pieces that Swift's `String` equality calls equal (the same marks in two orders) have
    /// different bytes and different BPE: the cache must not mix them up.
    @Test func bpeCacheComparesBytes() {
        #expect(tokenizer.encode("\u{E1}\u{32D}\u{307}") == [49406, 22229, 136, 255, 16384, 49407])
        // `İ` lowercases to `i` + U+0307, so this piece is U+0307 U+032D (ids from open_clip).
        #expect(tokenizer.encode("\u{130}\u{32D}") == [49406, 328, 136, 229, 136, 511, 49407])
    }

    @Test func oddUnicodeNeverCrashes() {
        var generator = SeededGenerator(seed: 7)
        for _ in 0..<300 {
            let ids = tokenizer.encode(randomText(using: &generator))
            #expect(ids.first == 49406 && ids.last == 49407 && ids.count <= 77)
            #expect(ids.allSatisfy { $0 >= 0 && $0 < 49408 })
        }
    }

    @Test func tokenizerJSONGivesTheSameIDs() throws {
        let folder = try TokenizerFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        // A tokenizer.json built from the fixtures, once with "a b" merges, once with ["a", "b"].
        let vocabulary = try JSONSerialization.jsonObject(with: Data(contentsOf: TokenizerFixtures.url("vocab.json")))
        let merges = try String(contentsOf: TokenizerFixtures.url("merges.txt"), encoding: .utf8)
            .split(separator: "\n").dropFirst().map(String.init)
        for pairs in [false, true] {
            let model: [String: Any] = [
                "type": "BPE", "vocab": vocabulary,
                "merges": pairs ? merges.map { $0.split(separator: " ").map(String.init) } : merges,
            ]
            let url = folder.appendingPathComponent("tokenizer-\(pairs).json")
            try JSONSerialization.data(withJSONObject: ["model": model]).write(to: url)
            let fromJSON = try CLIPTokenizer(tokenizerJSON: url)
            for prompt in golden.texts {
                #expect(fromJSON.encode(batch: [prompt.text]).inputIDs == prompt.ids_open_clip, "prompt \(prompt.name)")
            }
        }
    }

    @Test func missingAndMalformedFilesAreClearErrors() throws {
        let folder = try TokenizerFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let vocab = try TokenizerFixtures.url("vocab.json")

        let missing = #expect(throws: TokenizerError.self) {
            try CLIPTokenizer(vocabularyFile: folder.appendingPathComponent("vocab.json"), mergesFile: vocab)
        }
        #expect(missing?.code == .fileUnreadable)

        let badLine = folder.appendingPathComponent("merges.txt")
        try "#version: 0.2\ni n\nthree tokens here\n".write(to: badLine, atomically: true, encoding: .utf8)
        let malformed = #expect(throws: TokenizerError.self) { try CLIPTokenizer(vocabularyFile: vocab, mergesFile: badLine) }
        #expect(malformed?.code == .malformedFile)
        #expect(malformed?.message.contains("line 3") == true)

        let unknownMerge = folder.appendingPathComponent("merges2.txt")
        try "#version: 0.2\nq\u{2603} z\n".write(to: unknownMerge, atomically: true, encoding: .utf8)
        let mismatch = #expect(throws: TokenizerError.self) { try CLIPTokenizer(vocabularyFile: vocab, mergesFile: unknownMerge) }
        #expect(mismatch?.code == .malformedFile)

        let notObject = folder.appendingPathComponent("array.json")
        try "[1, 2]".write(to: notObject, atomically: true, encoding: .utf8)
        #expect(throws: TokenizerError.self) { try CLIPTokenizer(vocabularyFile: notObject, mergesFile: vocab) }

        let noSpecials = #expect(throws: TokenizerError.self) {
            try CLIPTokenizer(vocabulary: ["a": 0], merges: [])
        }
        #expect(noSpecials?.code == .missingToken)

        let tooShort = #expect(throws: TokenizerError.self) {
            try CLIPTokenizer(vocabulary: tokenizer.vocabularyForTests, merges: [], contextLength: 1)
        }
        #expect(tooShort?.code == .invalidArgument)
    }
}

extension CLIPTokenizer {
    /// The fixture vocabulary, for building variants in tests.
    var vocabularyForTests: [String: Int32] {
        get throws {
            try TokenizerFiles.vocabulary(
                TokenizerFiles.jsonObject(at: TokenizerFixtures.url("vocab.json"), what: "vocab"),
                in: TokenizerFixtures.url("vocab.json"), what: "vocab")
        }
    }
}
