import CVectorKernels
import Testing
import TestSupport
import VectorIndex

@Suite struct ShinglingTests {
    let characters3 = try! Shingling.characters(3)
    let words2 = try! Shingling.words(2)

    @Test func normalisationIsNFKCLowercaseAndCollapsedWhiteSpace() {
        #expect(Shingling.normalize("  Hello\t\tWORLD \n") == "hello world")
        #expect(Shingling.normalize("") == "")
        #expect(Shingling.normalize(" \t\n ") == "")
        // Full-width letters and ligatures fold (NFKC), combining marks compose.
        #expect(Shingling.normalize("Ｃafe\u{301}") == "café")
        #expect(Shingling.normalize("CAFÉ") == Shingling.normalize("cafe\u{301}"))
        #expect(Shingling.normalize("ﬁne ①") == "fine 1")
        // Unicode white space: no-break space, ideographic space, line separator.
        #expect(Shingling.normalize("a\u{00A0}b\u{3000}c\u{2028}d") == "a b c d")
    }

    @Test func characterShinglesSlideOverScalarsIncludingSpaces() {
        #expect(characters3.shingles(of: "Hello  World") == ["hel", "ell", "llo", "lo ", "o w", " wo", "wor", "orl", "rld"])
        // Shorter than one shingle: the whole text; empty: nothing.
        #expect(characters3.shingles(of: "Hi") == ["hi"])
        #expect(characters3.shingles(of: "abc") == ["abc"])
        #expect(characters3.shingles(of: "").isEmpty)
        #expect(characters3.shingles(of: "   ").isEmpty)
        #expect(characters3.tokens(of: "").isEmpty)
    }

    @Test func wordShinglesJoinWordsWithOneSpace() throws {
        #expect(words2.shingles(of: "The  quick, brown fox") == ["the quick,", "quick, brown", "brown fox"])
        #expect(words2.shingles(of: "alone") == ["alone"])
        #expect(try Shingling.words(1).shingles(of: "a b a") == ["a", "b", "a"])
    }

    @Test func tokensAreTheSortedUniqueXXH64OfTheShingles() {
        let text = "abcabcabc"
        let expected = Set(characters3.shingles(of: text).map { shingle in
            Array(shingle.utf8).withUnsafeBytes { loupe_xxh64($0.baseAddress, $0.count, 0) }
        }).sorted()
        #expect(characters3.tokens(of: text) == expected)
        #expect(characters3.tokens(of: text).count == 3)  // abc, bca, cab
    }

    @Test func unicodeTextIsShingledByScalars() {
        // CJK without spaces: character n-grams work, the whole sentence is one word.
        let chinese = "我们今天去公园"
        #expect(characters3.shingles(of: chinese).count == chinese.unicodeScalars.count - 2)
        #expect(words2.shingles(of: chinese) == [chinese])
        // A family emoji (ZWJ sequence) is several scalars; nothing is lost or broken.
        let family = "👨‍👩‍👧 family"
        let shingles = characters3.shingles(of: family)
        #expect(shingles.count == family.unicodeScalars.count - 2)
        #expect(shingles.joined().unicodeScalars.allSatisfy { family.unicodeScalars.contains($0) })
        // Decomposed and precomposed accents give the same tokens; a lone combining mark is kept.
        #expect(characters3.tokens(of: "résumé") == characters3.tokens(of: "re\u{301}sume\u{301}"))
        #expect(!characters3.tokens(of: "\u{301}\u{301}").isEmpty)
        // Right-to-left and mixed scripts round-trip through the UTF-8 shingles.
        #expect(characters3.shingles(of: "שלום World").prefix(2) == ["שלו", "לום"])
    }

    @Test func shingleSizesAreChecked() {
        #expect(throws: VectorIndexError.self) { try Shingling.characters(0) }
        #expect(throws: VectorIndexError.self) { try Shingling.words(65) }
        #expect(Shingling.characterFiveGrams.size == 5 && Shingling.characterFiveGrams.unit == .characters)
    }
}
