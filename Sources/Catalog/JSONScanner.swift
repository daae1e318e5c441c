import Foundation

/// 10^0 … 10^22 (exact) then 10^-0 … 10^-22 (correctly rounded), for the number fast paths.
// nonisolated(unsafe): written once by the lazy global initialiser (thread-safe) and only read after.
nonisolated(unsafe) private let decimalPowers: UnsafePointer<Double> = {
    let powers: [Double] = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18,
                            1e19, 1e20, 1e21, 1e22,
                            1e-0, 1e-1, 1e-2, 1e-3, 1e-4, 1e-5, 1e-6, 1e-7, 1e-8, 1e-9, 1e-10, 1e-11, 1e-12, 1e-13, 1e-14, 1e-15,
                            1e-16, 1e-17, 1e-18, 1e-19, 1e-20, 1e-21, 1e-22]
    let table = UnsafeMutablePointer<Double>.allocate(capacity: powers.count)
    table.initialize(from: powers, count: powers.count)
    return UnsafePointer(table)
}()

/// 10^0 … 10^8, for the digit runs.
// nonisolated(unsafe): as `decimalPowers`.
nonisolated(unsafe) private let smallPowersOfTen: UnsafePointer<UInt64> = {
    let table = UnsafeMutablePointer<UInt64>.allocate(capacity: 9)
    table.initialize(from: [1, 10, 100, 1000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000], count: 9)
    return UnsafePointer(table)
}()

/// A hand-written scanner over the bytes of one JSON text, for the NDJSON hot path: it reads
/// strings, numbers and arrays of numbers without allocating per value, and skips any other
/// value. Errors carry the 1-based column.
struct JSONScanner {
    let bytes: UnsafeBufferPointer<UInt8>
    /// `bytes`' start, read without bounds checks where the loop checks `position < count`.
    let base: UnsafePointer<UInt8>
    let count: Int
    var position: Int
    /// 10^n at `n` and 10^-n at `23 + n` (n in 0...22): the global table, fetched once per
    /// scanner rather than once per number.
    let powers: UnsafePointer<Double>
    /// 10^n for n in 0...8, the global table fetched once per scanner (a global's lazy
    /// initialiser is checked at every read; a tuple constant is copied onto the stack).
    let digitPowers: UnsafePointer<UInt64>

    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
        powers = decimalPowers
        digitPowers = smallPowersOfTen
        // An empty buffer may have no address; a non-null one that is never read (count is 0) stands in.
        base = bytes.baseAddress ?? UnsafePointer(bitPattern: MemoryLayout<UInt8>.alignment).unsafelyUnwrapped
        count = bytes.count
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
        while position < count {
            let byte = base[position]
            guard byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D else { return }
            position += 1
        }
    }

    @inline(__always) func peek() -> UInt8? { position < count ? base[position] : nil }

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

    /// A number's decimal parts as scanned: `±mantissa × 10^exponent`, or a non-finite word.
    /// `exact` is false when nonzero digits past the 18th were dropped.
    struct Decimal {
        var negative: Bool
        var mantissa: UInt64
        var exponent: Int
        var exact: Bool
        /// Set for `NaN`, `Infinity`, `-Infinity`.
        var nonFinite: Double?
        /// Where the number's text starts.
        var start: Int

        /// Whether Clinger's fast path holds: the mantissa and the power of ten are both exact
        /// Doubles, so one multiplication or division rounds the value once.
        var fastPathApplies: Bool { exact && mantissa <= 1 << 53 && exponent >= -22 && exponent <= 22 }

        /// The value by Clinger's fast path (when `fastPathApplies`), with `powers` from `JSONScanner.powers`.
        @inline(__always) func fastDouble(_ powers: UnsafePointer<Double>) -> Double {
            exponent < 0 ? Double(mantissa) / powers[-exponent] : Double(mantissa) * powers[exponent]
        }
    }

    /// Reads a number; also accepts `NaN`, `Infinity` and `-Infinity` (as Python writes them)
    /// so that they can be reported as non-finite rather than as bad JSON.
    @inline(__always) mutating func number() throws(Failure) -> Double {
        let decimal = try scanNumber()
        if let value = decimal.nonFinite { return value }
        if decimal.fastPathApplies {
            let value = decimal.fastDouble(powers)
            return decimal.negative ? -value : value
        }
        return slowNumber(from: decimal.start)
    }

    /// Reads a number as the Float nearest its decimal value — what `Float(String)` (`strtof`)
    /// gives, not the Float nearest the nearest Double, which can differ by one ulp. Also
    /// accepts `NaN`, `Infinity` and `-Infinity`.
    ///
    /// The fast path rounds the exact decimal to a Double `x` once (Clinger) and then to Float.
    /// Rounding is monotonic and every point halfway between two Floats is a Double, so `x` lies
    /// on the same side of each halfway point as the decimal does — unless `x` *is* one, or is
    /// below Float's normal range; those go to `strtof`.
    @inline(__always) mutating func float() throws(Failure) -> Float {
        let decimal = try scanNumber()
        if let value = decimal.nonFinite { return Float(value) }
        if decimal.fastPathApplies {
            // Quicker still: multiply by the rounded 10^-k instead of dividing by 10^k. The
            // product is within 2 ulps of the decimal, so unless it falls within 4 ulps of a
            // point halfway between two Floats, it rounds to the same Float as the decimal.
            let product = Double(decimal.mantissa) * (decimal.exponent < 0 ? powers[23 - decimal.exponent] : powers[decimal.exponent])
            if product >= Double(Float.leastNormalMagnitude) && (product.bitPattern & 0x1FFF_FFFF) &- 0x0FFF_FFFC > 8 {
                return Float(decimal.negative ? -product : product)
            }
            let value = decimal.fastDouble(powers)
            // The low 29 of a Double's 52 fraction bits hold what a Float drops: exactly 1 << 28
            // means halfway between two Floats.
            if value >= Double(Float.leastNormalMagnitude) && value.bitPattern & 0x1FFF_FFFF != 0x1000_0000 || value == 0 {
                return Float(decimal.negative ? -value : value)
            }
        }
        return slowFloat(from: decimal.start)
    }

    /// The multipliers of `parse_eight_digits` that combine four two-digit pairs into one number.
    private static let hundredsMultiplier: UInt64 = 100 + (1_000_000 << 32)
    private static let tensOfThousandsMultiplier: UInt64 = 1 + (10_000 << 32)


    /// Reads a run of decimal digits at `p` into `mantissa` (and, for a fraction, `exponent`),
    /// eight at a time where eight bytes are readable (SWAR: Lemire's `parse_eight_digits`),
    /// one at a time near the end and once the mantissa is large. Digits that no longer fit
    /// are dropped: in the integer part each raises `exponent`; a dropped nonzero digit clears
    /// `exact`.
    /// - Returns: where the run ends.
    @inline(__always) private func digitRun(from start: Int, mantissa: inout UInt64, exponent: inout Int, exact: inout Bool,
                                            fraction: Bool) -> Int {
        var p = start
        let end = count
        while p + 8 <= end && mantissa < 100_000_000_000 {
            let chunk = UnsafeRawPointer(base + p).loadUnaligned(as: UInt64.self)
            // High bit of each byte that is not '0'...'9' (exact up to the first such byte, as the
            // bytes before it carry and borrow nothing).
            let nonDigits = ((chunk &+ 0x4646_4646_4646_4646) | (chunk &- 0x3030_3030_3030_3030)) & 0x8080_8080_8080_8080
            let n = nonDigits == 0 ? 8 : nonDigits.trailingZeroBitCount >> 3
            if n == 0 { return p }
            // The n digits moved to the top bytes, '0's below them: eight digits, same value.
            let zeros: UInt64 = 0x3030_3030_3030_3030
            let padded: UInt64 = (chunk << UInt64(8 * (8 - n))) | (zeros >> UInt64(8 * n))
            var v: UInt64 = padded &- zeros
            v = (v &* 10) &+ (v >> 8)
            let mask: UInt64 = 0x0000_00FF_0000_00FF
            let low: UInt64 = (v & mask) &* Self.hundredsMultiplier
            let high: UInt64 = ((v >> 16) & mask) &* Self.tensOfThousandsMultiplier
            v = (low &+ high) >> 32
            mantissa = mantissa &* digitPowers[n] &+ v
            if fraction { exponent -= n }
            p += n
            if n < 8 { return p }
        }
        while p < end {
            let digit = base[p] &- UInt8(ascii: "0")
            guard digit < 10 else { break }
            if mantissa < 1_000_000_000_000_000_000 {
                mantissa = mantissa &* 10 &+ UInt64(digit)
                if fraction { exponent -= 1 }
            } else {
                if !fraction { exponent += 1 }
                if digit != 0 { exact = false }
            }
            p += 1
        }
        return p
    }

    /// Scans a JSON number (or a non-finite word) into its parts.
    @inline(__always) private mutating func scanNumber() throws(Failure) -> Decimal {
        skipWhitespace()
        let start = position
        var p = position
        let end = count
        let base = base
        // Without a branch: the sign of embedding components is as good as random.
        let negative = p < end && base[p] == UInt8(ascii: "-")
        p &+= negative ? 1 : 0
        guard p < end else { throw fail("expected a number") }
        let first = base[p]
        if first == UInt8(ascii: "N") || first == UInt8(ascii: "I") {
            position = p
            return Decimal(negative: negative, mantissa: 0, exponent: 0, exact: true, nonFinite: try nonFinite(negative: negative), start: start)
        }
        var mantissa: UInt64 = 0
        var exponent = 0
        var exact = true
        // One path for "0.…" and "1.…" alike (which of the two comes is as good as random),
        // then the leading zero JSON forbids ("01") is refused.
        guard first &- UInt8(ascii: "0") < 10 else { position = p; throw fail("expected a number") }
        if p + 1 < end && base[p + 1] == UInt8(ascii: ".") {
            // One digit before the point: the usual embedding component.
            mantissa = UInt64(first &- UInt8(ascii: "0"))
            p += 1
        } else {
            let integerStart = p
            p = digitRun(from: p, mantissa: &mantissa, exponent: &exponent, exact: &exact, fraction: false)
            if first == UInt8(ascii: "0") && p - integerStart > 1 { position = integerStart + 1; throw fail("a number with a leading zero") }
        }
        if p < end && base[p] == UInt8(ascii: ".") {
            p += 1
            let fractionStart = p
            p = digitRun(from: p, mantissa: &mantissa, exponent: &exponent, exact: &exact, fraction: true)
            guard p > fractionStart else { position = p; throw fail("a number with no digits after its decimal point") }
        }
        if p < end && (base[p] | 0x20) == UInt8(ascii: "e") {
            p += 1
            var exponentNegative = false
            if p < end && (base[p] == UInt8(ascii: "-") || base[p] == UInt8(ascii: "+")) {
                exponentNegative = base[p] == UInt8(ascii: "-")
                p += 1
            }
            var value = 0
            let exponentStart = p
            while p < end {
                let digit = base[p] &- UInt8(ascii: "0")
                guard digit < 10 else { break }
                if value < 100_000 { value = value * 10 + Int(digit) }
                p += 1
            }
            guard p > exponentStart else { position = p; throw fail("a number with an empty exponent") }
            exponent += exponentNegative ? -value : value
        }
        position = p
        return Decimal(negative: negative, mantissa: mantissa, exponent: exponent, exact: exact, nonFinite: nil, start: start)
    }


    /// Parses the number at `start..<position` with `strtod` (correctly rounded).
    private func slowNumber(from start: Int) -> Double {
        withCString(from: start) { strtod($0, nil) }
    }

    /// Parses the number at `start..<position` with `strtof` (correctly rounded to Float).
    private func slowFloat(from start: Int) -> Float {
        withCString(from: start) { strtof($0, nil) }
    }

    /// The text `start..<position` as a C string.
    private func withCString<T>(from start: Int, _ body: (UnsafePointer<CChar>) -> T) -> T {
        var buffer = [CChar](repeating: 0, count: position - start + 1)
        for i in start..<position { buffer[i - start] = CChar(bitPattern: bytes[i]) }
        return body(buffer)
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
