import Foundation

/// A hand-written scanner over the bytes of one JSON text, for the NDJSON hot path: it reads
/// strings, numbers and arrays of numbers without allocating per value, and skips any other
/// value. Errors carry the 1-based column.
struct JSONScanner {
    let bytes: UnsafeBufferPointer<UInt8>
    var position: Int

    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
        position = 0
    }

    struct Failure: Error {
        var column: Int
        var reason: String
        var message: String { "bad JSON at column \(column): \(reason)" }
    }

    var atEnd: Bool { position >= bytes.count }

    func fail(_ reason: String) -> Failure { Failure(column: position + 1, reason: reason) }

    @inline(__always) mutating func skipWhitespace() {
        while position < bytes.count {
            let byte = bytes[position]
            guard byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D else { return }
            position += 1
        }
    }

    @inline(__always) func peek() -> UInt8? { position < bytes.count ? bytes[position] : nil }

    mutating func expect(_ byte: UInt8, _ what: String) throws(Failure) {
        skipWhitespace()
        guard peek() == byte else { throw fail(peek() == nil ? "the line ends where \(what) was expected" : "expected \(what)") }
        position += 1
    }

    /// Reads a string (the opening quote next), resolving escapes and checking UTF-8.
    mutating func string() throws(Failure) -> String {
        skipWhitespace()
        guard peek() == UInt8(ascii: "\"") else { throw fail("expected a string") }
        position += 1
        let start = position
        // Fast path: no escapes.
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                let raw = UnsafeBufferPointer(rebasing: bytes[start..<position])
                position += 1
                guard let text = String(validating: raw, as: UTF8.self) else { throw Failure(column: start + 1, reason: "the string is not valid UTF-8") }
                return text
            }
            if byte == UInt8(ascii: "\\") { break }
            if byte < 0x20 { throw fail("a control character inside a string") }
            position += 1
        }
        var out = [UInt8](bytes[start..<position])
        while position < bytes.count {
            let byte = bytes[position]
            position += 1
            switch byte {
            case UInt8(ascii: "\""):
                guard let text = String(validating: out, as: UTF8.self) else { throw Failure(column: start + 1, reason: "the string is not valid UTF-8") }
                return text
            case UInt8(ascii: "\\"):
                guard position < bytes.count else { throw fail("the line ends inside a string") }
                let escape = bytes[position]
                position += 1
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(escape)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try hex4()
                    if (0xD800...0xDBFF).contains(scalar) {
                        guard position + 1 < bytes.count, bytes[position] == UInt8(ascii: "\\"), bytes[position + 1] == UInt8(ascii: "u") else {
                            throw fail("a lone UTF-16 surrogate in \\u escape")
                        }
                        position += 2
                        let low = try hex4()
                        guard (0xDC00...0xDFFF).contains(low) else { throw fail("a lone UTF-16 surrogate in \\u escape") }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    } else if (0xDC00...0xDFFF).contains(scalar) {
                        throw fail("a lone UTF-16 surrogate in \\u escape")
                    }
                    guard let unicode = Unicode.Scalar(scalar) else { throw fail("an invalid \\u escape") }
                    out.append(contentsOf: Array(String(Character(unicode)).utf8))
                default:
                    throw fail("an invalid escape '\\\(Character(Unicode.Scalar(escape)))'")
                }
            default:
                if byte < 0x20 { throw fail("a control character inside a string") }
                out.append(byte)
            }
        }
        throw fail("the line ends inside a string")
    }

    private mutating func hex4() throws(Failure) -> UInt32 {
        guard position + 4 <= bytes.count else { throw fail("a short \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[position]
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: throw fail("a bad hex digit in \\u escape")
            }
            value = value << 4 | digit
            position += 1
        }
        return value
    }

    /// Reads a number; also accepts `NaN`, `Infinity` and `-Infinity` (as Python writes them)
    /// so that they can be reported as non-finite rather than as bad JSON.
    @inline(__always) mutating func number() throws(Failure) -> Double {
        skipWhitespace()
        let start = position
        var negative = false
        if position < bytes.count && bytes[position] == UInt8(ascii: "-") {
            negative = true
            position += 1
        }
        guard position < bytes.count else { throw fail("expected a number") }
        var first = bytes[position]
        if first == UInt8(ascii: "N") || first == UInt8(ascii: "I") { return try nonFinite(negative: negative) }
        var mantissa: UInt64 = 0
        var digits = 0
        var exponent = 0
        if first == UInt8(ascii: "0") {
            position += 1
        } else {
            guard first &- UInt8(ascii: "1") < 9 else { throw fail("expected a number") }
            while position < bytes.count {
                let digit = bytes[position] &- UInt8(ascii: "0")
                guard digit < 10 else { break }
                if digits < 19 { mantissa = mantissa &* 10 &+ UInt64(digit); digits += 1 } else { exponent += 1 }
                position += 1
            }
        }
        if position < bytes.count && bytes[position] == UInt8(ascii: ".") {
            position += 1
            let fractionStart = position
            while position < bytes.count {
                let digit = bytes[position] &- UInt8(ascii: "0")
                guard digit < 10 else { break }
                if digits < 19 {
                    if mantissa != 0 || digit != 0 { digits += 1 }
                    mantissa = mantissa &* 10 &+ UInt64(digit)
                    exponent -= 1
                }
                position += 1
            }
            guard position > fractionStart else { throw fail("a number with no digits after its decimal point") }
        }
        if position < bytes.count {
            first = bytes[position]
            if first == UInt8(ascii: "e") || first == UInt8(ascii: "E") {
                position += 1
                var exponentNegative = false
                if position < bytes.count && (bytes[position] == UInt8(ascii: "-") || bytes[position] == UInt8(ascii: "+")) {
                    exponentNegative = bytes[position] == UInt8(ascii: "-")
                    position += 1
                }
                var value = 0
                let exponentStart = position
                while position < bytes.count {
                    let digit = bytes[position] &- UInt8(ascii: "0")
                    guard digit < 10 else { break }
                    if value < 100_000 { value = value * 10 + Int(digit) }
                    position += 1
                }
                guard position > exponentStart else { throw fail("a number with an empty exponent") }
                exponent += exponentNegative ? -value : value
            }
        }
        // Clinger's fast path: an exact mantissa times an exact power of ten is rounded once.
        if digits <= 15 && exponent >= -22 && exponent <= 22 {
            let value = exponent < 0 ? Double(mantissa) / Self.powersOfTen[-exponent] : Double(mantissa) * Self.powersOfTen[exponent]
            return negative ? -value : value
        }
        return slowNumber(from: start)
    }

    /// Parses the number at `start..<position` with `strtod` (correctly rounded).
    private func slowNumber(from start: Int) -> Double {
        var buffer = [CChar](repeating: 0, count: position - start + 1)
        for i in start..<position { buffer[i - start] = CChar(bitPattern: bytes[i]) }
        return strtod(buffer, nil)
    }

    private mutating func nonFinite(negative: Bool) throws(Failure) -> Double {
        for (word, value) in [("NaN", Double.nan), ("Infinity", Double.infinity)] {
            let utf8 = Array(word.utf8)
            if position + utf8.count <= bytes.count && Array(bytes[position..<position + utf8.count]) == utf8 {
                position += utf8.count
                return negative ? -value : value
            }
        }
        throw fail("expected a number")
    }

    static let powersOfTen: [Double] = (0...22).map { pow(10, Double($0)) }

    /// Skips one value of any kind.
    mutating func skipValue(depth: Int = 0) throws(Failure) {
        guard depth < 64 else { throw fail("values nested more than 64 deep") }
        skipWhitespace()
        guard let byte = peek() else { throw fail("the line ends where a value was expected") }
        switch byte {
        case UInt8(ascii: "\""):
            _ = try string()
        case UInt8(ascii: "{"):
            position += 1
            skipWhitespace()
            if peek() == UInt8(ascii: "}") { position += 1; return }
            while true {
                _ = try string()
                try expect(UInt8(ascii: ":"), "':'")
                try skipValue(depth: depth + 1)
                skipWhitespace()
                if peek() == UInt8(ascii: ",") { position += 1; continue }
                try expect(UInt8(ascii: "}"), "',' or '}'")
                return
            }
        case UInt8(ascii: "["):
            position += 1
            skipWhitespace()
            if peek() == UInt8(ascii: "]") { position += 1; return }
            while true {
                try skipValue(depth: depth + 1)
                skipWhitespace()
                if peek() == UInt8(ascii: ",") { position += 1; continue }
                try expect(UInt8(ascii: "]"), "',' or ']'")
                return
            }
        case UInt8(ascii: "t"): try literal("true")
        case UInt8(ascii: "f"): try literal("false")
        case UInt8(ascii: "n"): try literal("null")
        default: _ = try number()
        }
    }

    mutating func literal(_ word: String) throws(Failure) {
        let utf8 = Array(word.utf8)
        guard position + utf8.count <= bytes.count, Array(bytes[position..<position + utf8.count]) == utf8 else {
            throw fail("expected a value")
        }
        position += utf8.count
    }

    /// Reads the text of a scalar used as an identifier: a string, or an integer written bare.
    mutating func identifier() throws(Failure) -> String {
        skipWhitespace()
        if peek() == UInt8(ascii: "\"") { return try string() }
        let start = position
        if peek() == UInt8(ascii: "-") { position += 1 }
        while let byte = peek(), byte &- UInt8(ascii: "0") < 10 { position += 1 }
        guard position > start, peek() != UInt8(ascii: "."), peek() != UInt8(ascii: "e"), peek() != UInt8(ascii: "E") else {
            throw fail("an id must be a string or an integer")
        }
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
    }
}
