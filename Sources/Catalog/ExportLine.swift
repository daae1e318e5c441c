/// One NDJSON export line, written by hand: keys in a fixed order, strings escaped per RFC 8259,
/// floats in their shortest round-trip form.
struct ExportLine {
    private var bytes: [UInt8] = []
    /// Whether the object being written has no member yet.
    private var first = true

    init() { bytes.append(UInt8(ascii: "{")) }

    /// The row's own fields, then its labels.
    mutating func write(row: DataRow, labels: Bool) {
        key("id"); string(row.id)
        if let globalKey = row.globalKey { key("global_key"); string(globalKey) }
        key("row_data"); string(row.rowData)
        key("media_type"); string(row.mediaType.rawValue)
        key("metadata")
        object(row.metadata.sorted { $0.key < $1.key }) { line, field in
            line.key(field.key)
            if case .number(let number) = field.value { line.number(number) } else { line.string(field.value.description) }
        }
        guard labels else { return }
        key("labels")
        array(row.labels) { line, label in
            line.object([label]) { line, label in
                line.key("class"); line.string(label.className)
                line.key("kind"); line.string(label.kind.rawValue)
                if let confidence = label.confidence { line.key("confidence"); line.number(confidence) }
                if let source = label.source { line.key("source"); line.string(source) }
            }
        }
    }

    mutating func write(metrics: [RowMetric]) {
        key("metrics")
        array(metrics) { line, metric in
            line.object([metric]) { line, metric in
                line.key("name"); line.string(metric.name)
                if let className = metric.className { line.key("class"); line.string(className) }
                line.key("value"); line.number(metric.value)
            }
        }
    }

    /// Vectors by space name; a row without a vector in a space gets `null`.
    mutating func write(embeddings: [(String, [Float]?)]) {
        key("embeddings")
        object(embeddings) { line, embedding in
            line.key(embedding.0)
            guard let vector = embedding.1 else { line.raw("null"); return }
            line.array(vector) { line, value in line.raw(value.description) }
        }
    }

    /// The line with its closing brace and newline.
    mutating func finish() -> [UInt8] {
        bytes.append(UInt8(ascii: "}"))
        bytes.append(0x0A)
        return bytes
    }

    // MARK: Pieces

    private mutating func key(_ name: String) {
        if !first { bytes.append(UInt8(ascii: ",")) }
        first = false
        string(name)
        bytes.append(UInt8(ascii: ":"))
    }

    private mutating func raw(_ text: String) { bytes.append(contentsOf: text.utf8) }

    private mutating func number(_ value: Double) {
        if value.isFinite && value.rounded() == value && abs(value) < 1e15 {
            raw(String(Int64(value)))
        } else {
            raw(value.isFinite ? value.description : "null")
        }
    }

    /// An object whose members `body` writes for each item.
    private mutating func object<T>(_ items: [T], _ body: (inout ExportLine, T) -> Void) {
        bytes.append(UInt8(ascii: "{"))
        let outer = first
        first = true
        for item in items { body(&self, item) }
        first = outer
        bytes.append(UInt8(ascii: "}"))
    }

    /// An array with one element per item, written by `body`.
    private mutating func array<T>(_ items: [T], _ body: (inout ExportLine, T) -> Void) {
        bytes.append(UInt8(ascii: "["))
        for (index, item) in items.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            let outer = first
            first = true
            body(&self, item)
            first = outer
        }
        bytes.append(UInt8(ascii: "]"))
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    private mutating func string(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"): bytes += [UInt8(ascii: "\\"), byte]
            case 0x0A: bytes += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
            case 0x0D: bytes += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
            case 0x09: bytes += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
            case 0..<0x20:
                bytes += [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                          Self.hexDigits[Int(byte >> 4)], Self.hexDigits[Int(byte & 15)]]
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}
