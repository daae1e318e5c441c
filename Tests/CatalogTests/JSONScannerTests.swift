@testable import Catalog
import Foundation
import Testing
import TestSupport

/// The NDJSON hot path's number reader against Swift's own `Float(String)`.
@Suite struct JSONScannerTests {
    /// `scanner.float()` on `text`, which must be consumed whole.
    static func parse(_ text: String) throws -> Float {
        let bytes = Array(text.utf8)
        return try bytes.withUnsafeBufferPointer { buffer in
            var scanner = JSONScanner(buffer)
            let value = try scanner.float()
            #expect(scanner.atEnd, "'\(text)' was not read to its end")
            return value
        }
    }

    static func expectSame(_ text: String) throws {
        let parsed = try parse(text)
        let expected = try #require(Float(text), "Float(String) refuses '\(text)'")
        #expect(parsed.bitPattern == expected.bitPattern, "'\(text)': \(parsed) (\(parsed.bitPattern)) != Float(String) \(expected) (\(expected.bitPattern))")
    }

    @Test func randomFloatsRoundTripInEveryCommonFormat() throws {
        var random = SeededGenerator(seed: 11)
        for _ in 0..<20_000 {
            let value = Float(bitPattern: UInt32.random(in: 0...UInt32.max, using: &random))
            guard value.isFinite else { continue }
            for text in ["\(value)", String(format: "%.9g", value), String(format: "%.7f", value), String(format: "%.12e", value),
                         String(format: "%.17g", Double(value))] {
                try Self.expectSame(text)
            }
            // Values of the size embeddings have, with few decimals (the fast path).
            let small = Float.random(in: -3...3, using: &random)
            for digits in [3, 6, 7, 8] { try Self.expectSame(String(format: "%.\(digits)f", small)) }
        }
    }

    @Test func randomDecimalStringsRoundLikeStrtof() throws {
        var random = SeededGenerator(seed: 12)
        for _ in 0..<50_000 {
            var text = Bool.random(using: &random) ? "-" : ""
            let integer = Int.random(in: 0...12, using: &random)
            text += integer == 0 ? "0" : String(Int.random(in: 1...9, using: &random))
            for _ in 1..<max(1, integer) { text += String(Int.random(in: 0...9, using: &random)) }
            let fraction = Int.random(in: 0...22, using: &random)
            if fraction > 0 {
                text += "."
                for _ in 0..<fraction { text += String(Int.random(in: 0...9, using: &random)) }
            }
            if Bool.random(using: &random) { text += "e\(Int.random(in: -50...40, using: &random))" }
            try Self.expectSame(text)
        }
    }

    /// Decimals exactly halfway between two Floats, and a hair either side of one: the cases
    /// that rounding through Double gets wrong.
    @Test func halfwayCasesRoundToEven() throws {
        var random = SeededGenerator(seed: 13)
        for _ in 0..<5_000 {
            let low = Float.random(in: 1e-3...1e6, using: &random)
            let halfway = (Double(low) + Double(low.nextUp)) / 2
            let exact = String(format: "%.40g", halfway)
            try Self.expectSame(exact)
            try Self.expectSame(exact + "000000001")
            try Self.expectSame(String(format: "%.40g", halfway.nextDown))
            try Self.expectSame(String(format: "%.40g", halfway.nextUp))
        }
        for text in ["0", "-0", "0.0", "1", "16777217", "16777219", "3.4028235e38", "3.4028236e38", "1e39", "1e-46", "1.4e-45",
                     "1.1754942e-38", "0.1", "0.30000000000000004", "123456789012345678901234567890"] {
            try Self.expectSame(text)
        }
    }

    @Test func oneDigitBeforeThePointAndWholeNumbers() throws {
        for text in ["0.5", "-0.5", "9.75", "-1.0000001", "5", "-5", "0", "10.5", "-0.0", "7e-3", "0e5"] {
            try Self.expectSame(text)
        }
    }

    @Test func nonFiniteWordsAndBadNumbers() throws {
        #expect(try Self.parse("NaN").isNaN)
        #expect(try Self.parse("-Infinity") == -.infinity)
        for bad in ["-", ".5", "1.", "1e", "+1", "x", "01", "-00.5", "007"] {
            #expect(throws: JSONScanner.Failure.self, "'\(bad)'") { try Self.parse(bad) }
        }
    }
}
