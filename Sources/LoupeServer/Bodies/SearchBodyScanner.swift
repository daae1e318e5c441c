import Foundation

/// A fast path for the one large field of a search body: the top-level `"vector"` array.
///
/// Foundation's `JSONDecoder` spends about half a millisecond on a 384-number array — as long as
/// the search itself — so the route reads the array here (each number checked against JSON's
/// grammar, then converted by `strtod`) and hands the rest of the body, with the array replaced
/// by `null`, to the decoder. Anything unusual (no top-level object, a malformed array) is left
/// to the decoder, which reports it.
enum SearchBodyScanner {
    /// The `vector` array's numbers and the body without them, or `nil` to decode the body as is.
    static func split(_ body: [UInt8]) -> (vector: [Float], rest: [UInt8])? {
        var scanner = Scanner(bytes: body)
        guard let range = scanner.topLevelMember("vector") else { return nil }
        var numbers = Scanner(bytes: body, position: range.lowerBound)
        guard let vector = numbers.floatArray(), numbers.position == range.upperBound else { return nil }
        return (vector, Array(body[..<range.lowerBound]) + Array("null".utf8) + Array(body[range.upperBound...]))
    }

    private struct Scanner {
        let bytes: [UInt8]
        var position = 0

        init(bytes: [UInt8], position: Int = 0) {
            self.bytes = bytes
            self.position = position
        }

        mutating func skipWhitespace() {
            while position < bytes.count, Self.isWhitespace(bytes[position]) { position += 1 }
        }

        mutating func consume(_ byte: UInt8) -> Bool {
            skipWhitespace()
            guard position < bytes.count, bytes[position] == byte else { return false }
            position += 1
            return true
        }

        /// The byte range of the value of top-level member `name`, or nil.
        mutating func topLevelMember(_ name: String) -> Range<Int>? {
            guard consume(UInt8(ascii: "{")) else { return nil }
            if consume(UInt8(ascii: "}")) { return nil }
            while true {
                skipWhitespace()
                guard let key = string() else { return nil }
                guard consume(UInt8(ascii: ":")) else { return nil }
                skipWhitespace()
                let start = position
                guard skipValue(depth: 0) else { return nil }
                if key == name { return start..<position }
                if consume(UInt8(ascii: ",")) { continue }
                return nil
            }
        }

        /// A string without escapes (keys), or nil.
        mutating func string() -> String? {
            guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else { return nil }
            let start = position + 1
            var index = start
            while index < bytes.count, bytes[index] != UInt8(ascii: "\"") {
                if bytes[index] == UInt8(ascii: "\\") { return nil }
                index += 1
            }
            guard index < bytes.count else { return nil }
            position = index + 1
            return String(decoding: bytes[start..<index], as: UTF8.self)
        }

        /// Skips one value (strings with escapes, nested arrays and objects); false if malformed.
        mutating func skipValue(depth: Int) -> Bool {
            guard depth < 64 else { return false }
            skipWhitespace()
            guard position < bytes.count else { return false }
            switch bytes[position] {
            case UInt8(ascii: "\""):
                position += 1
                while position < bytes.count, bytes[position] != UInt8(ascii: "\"") {
                    position += bytes[position] == UInt8(ascii: "\\") ? 2 : 1
                }
                guard position < bytes.count else { return false }
                position += 1
                return true
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                let close = bytes[position] == UInt8(ascii: "[") ? UInt8(ascii: "]") : UInt8(ascii: "}")
                let isObject = close == UInt8(ascii: "}")
                position += 1
                if consume(close) { return true }
                while true {
                    if isObject {
                        skipWhitespace()
                        guard skipValue(depth: depth + 1), consume(UInt8(ascii: ":")) else { return false }
                    }
                    guard skipValue(depth: depth + 1) else { return false }
                    if consume(UInt8(ascii: ",")) { continue }
                    return consume(close)
                }
            default:
                let start = position
                while position < bytes.count, !Self.isDelimiter(bytes[position]) { position += 1 }
                return position > start
            }
        }

        // Byte classes as switches, not set lookups: they run on every byte of a 4 KB vector body.
        static func isWhitespace(_ byte: UInt8) -> Bool {
            switch byte {
            case 0x20, 0x09, 0x0A, 0x0D: true
            default: false
            }
        }

        static func isDelimiter(_ byte: UInt8) -> Bool {
            switch byte {
            case 0x20, 0x09, 0x0A, 0x0D, UInt8(ascii: ","), UInt8(ascii: "]"), UInt8(ascii: "}"), UInt8(ascii: ":"): true
            default: false
            }
        }

        /// `[n, n, …]` of JSON numbers, or nil when anything else is there.
        mutating func floatArray() -> [Float]? {
            guard consume(UInt8(ascii: "[")) else { return nil }
            var values: [Float] = []
            if consume(UInt8(ascii: "]")) { return values }
            var text = [CChar](repeating: 0, count: 64)
            while true {
                skipWhitespace()
                let start = position
                guard Self.skipNumber(bytes, &position), position - start < 63 else { return nil }
                if let value = Self.exactDouble(bytes, start..<position) {
                    values.append(Float(value))
                } else {
                    for (offset, byte) in bytes[start..<position].enumerated() { text[offset] = CChar(bitPattern: byte) }
                    text[position - start] = 0
                    values.append(Float(strtod(text, nil)))
                }
                if consume(UInt8(ascii: ",")) { continue }
                return consume(UInt8(ascii: "]")) ? values : nil
            }
        }

        /// The number in `range` (already checked against JSON's grammar) as the correctly
        /// rounded double — what `strtod` gives — when Clinger's fast path applies: at most 15
        /// significant digits (exact in a double) scaled by a power of ten up to 10^22 (also
        /// exact), so one multiplication or division rounds once. Nil otherwise (then `strtod`).
        /// Numbers as clients print floats ("-0.01234567") take this path, several times faster.
        static func exactDouble(_ bytes: [UInt8], _ range: Range<Int>) -> Double? {
            var index = range.lowerBound
            let negative = bytes[index] == UInt8(ascii: "-")
            if negative { index += 1 }
            var mantissa: UInt64 = 0
            var digits = 0
            var scale = 0
            var inFraction = false
            while index < range.upperBound {
                let byte = bytes[index]
                if byte == UInt8(ascii: ".") {
                    inFraction = true
                } else if byte >= 0x30 && byte <= 0x39 {
                    if mantissa > 0 || byte != 0x30 { digits += 1 }
                    guard digits <= 15 else { return nil }
                    mantissa = mantissa * 10 + UInt64(byte - 0x30)
                    if inFraction { scale -= 1 }
                } else {
                    break  // the exponent
                }
                index += 1
            }
            if index < range.upperBound {
                index += 1  // e or E
                var exponentNegative = false
                if bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                    exponentNegative = bytes[index] == UInt8(ascii: "-")
                    index += 1
                }
                var exponent = 0
                while index < range.upperBound {
                    exponent = exponent * 10 + Int(bytes[index] - 0x30)
                    guard exponent <= 400 else { return nil }
                    index += 1
                }
                scale += exponentNegative ? -exponent : exponent
            }
            guard scale >= -22 && scale <= 22 else { return mantissa == 0 ? (negative ? -0.0 : 0) : nil }
            let magnitude = scale < 0 ? Double(mantissa) / powersOfTen[-scale] : Double(mantissa) * powersOfTen[scale]
            return negative ? -magnitude : magnitude
        }

        /// 10^0 … 10^22, each exact in a double.
        static let powersOfTen: [Double] = (0...22).map { power in (0..<power).reduce(1.0) { value, _ in value * 10 } }

        /// Moves past a number in JSON's grammar (`-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`).
        static func skipNumber(_ bytes: [UInt8], _ position: inout Int) -> Bool {
            func digits(_ position: inout Int) -> Int {
                let start = position
                while position < bytes.count, (0x30...0x39).contains(bytes[position]) { position += 1 }
                return position - start
            }
            if position < bytes.count, bytes[position] == UInt8(ascii: "-") { position += 1 }
            guard position < bytes.count else { return false }
            if bytes[position] == UInt8(ascii: "0") {
                position += 1
            } else if digits(&position) == 0 {
                return false
            }
            if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
                position += 1
                guard digits(&position) > 0 else { return false }
            }
            if position < bytes.count, bytes[position] | 0x20 == UInt8(ascii: "e") {
                position += 1
                if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") { position += 1 }
                guard digits(&position) > 0 else { return false }
            }
            return true
        }
    }
}
