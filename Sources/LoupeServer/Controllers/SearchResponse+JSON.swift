import Catalog
import Hummingbird
import NIOCore

// The search answer is the hot response: written straight into a buffer, byte for byte what
// `APIJSON.encoder` writes (sorted snake_case keys, nil members left out), without the
// encoder's per-key conversion. Hits that carry rows go through the encoder.
extension SearchResponse: ResponseGenerator {
    public func response(from request: Request, context: some RequestContext) throws -> Response {
        guard hits.allSatisfy({ $0.row == nil }) else { return try APIJSON.encoder.encode(self, from: request, context: context) }
        var buffer = ByteBuffer()
        buffer.reserveCapacity(160 + hits.count * 72)
        writeJSON(to: &buffer)
        return Response(
            status: .ok,
            headers: [.contentType: "application/json; charset=utf-8", .contentLength: String(buffer.readableBytes)],
            body: .init(byteBuffer: buffer))
    }

    /// The answer without rows as the API's JSON.
    func writeJSON(to buffer: inout ByteBuffer) {
        var json = JSONBytes(buffer: buffer)
        json.raw("{\"candidates_scored\":")
        json.integer(candidatesScored)
        if let filteredCount {
            json.raw(",\"filtered_count\":")
            json.integer(filteredCount)
        }
        json.raw(",\"hits\":[")
        for (index, hit) in hits.enumerated() {
            json.raw(index == 0 ? "{\"distance\":" : ",{\"distance\":")
            json.number(hit.distance)
            json.raw(",\"row_id\":")
            json.string(hit.rowID)
            json.raw(",\"score\":")
            json.number(hit.score)
            json.raw("}")
        }
        json.raw("],\"index\":")
        json.string(index)
        json.raw(isExact ? ",\"is_exact\":true" : ",\"is_exact\":false")
        if let nextCursor {
            json.raw(",\"next_cursor\":")
            json.string(nextCursor)
        }
        if let scoreThreshold {
            json.raw(",\"score_threshold\":")
            json.number(scoreThreshold)
        }
        json.raw("}")
        buffer = json.buffer
    }
}

/// JSON values written as `JSONEncoder` writes them (no whitespace, `/` unescaped).
struct JSONBytes {
    var buffer: ByteBuffer

    mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { _ = buffer.writeBytes($0) }
    }

    mutating func integer(_ value: Int) {
        buffer.writeString(String(value))
    }

    /// A finite float as its shortest round-trip form, without a trailing `.0` (as the encoder).
    mutating func number(_ value: Float) {
        var text = value.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        buffer.writeString(text)
    }

    mutating func string(_ value: String) {
        buffer.writeInteger(UInt8(ascii: "\""))
        var pending = value.utf8.startIndex
        let utf8 = value.utf8
        for index in utf8.indices {
            let byte = utf8[index]
            guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
            buffer.writeBytes(utf8[pending..<index])
            switch byte {
            case UInt8(ascii: "\""): raw("\\\"")
            case UInt8(ascii: "\\"): raw("\\\\")
            case 0x08: raw("\\b")
            case 0x0C: raw("\\f")
            case 0x0A: raw("\\n")
            case 0x0D: raw("\\r")
            case 0x09: raw("\\t")
            default:
                let hex: [UInt8] = Array("0123456789abcdef".utf8)
                buffer.writeBytes([UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
            }
            pending = utf8.index(after: index)
        }
        buffer.writeBytes(utf8[pending...])
        buffer.writeInteger(UInt8(ascii: "\""))
    }
}
