/// Reads CSV records (RFC 4180: quoted fields with doubled quotes, separators and line breaks
/// inside quotes, CRLF or LF line ends) from a file, streamed through `LineReader`.
struct CSVReader {
    private var lines: LineReader
    let delimiter: UInt8

    /// A record and the line it starts on.
    struct Record {
        var line: Int
        var fields: [String]
    }

    init(path: String, delimiter: Character) throws {
        guard let byte = delimiter.asciiValue, byte != UInt8(ascii: "\"") else {
            throw CatalogError.invalid("the CSV delimiter must be one ASCII character other than '\"'")
        }
        lines = try LineReader(path: path)
        self.delimiter = byte
    }

    var bytesRead: Int { lines.bytesRead }
    var totalBytes: Int { lines.totalBytes }

    /// The next record, or nil at the end; a record with a quote left open to the end of the
    /// file, or a stray quote inside an unquoted field, is an error naming its line.
    mutating func next() throws -> Result<Record, LineError>? {
        guard var line = try lines.next() else { return nil }
        let first = lines.lineNumber
        var fields: [String] = []
        var field: [UInt8] = []
        var quoted = false
        var index = line.startIndex
        var atFieldStart = true
        while true {
            if index == line.endIndex {
                if quoted {
                    guard let more = try lines.next() else {
                        return .failure(LineError(line: first, reason: "a quoted field is not closed before the end of the file"))
                    }
                    field.append(0x0A)
                    line = more
                    index = line.startIndex
                    continue
                }
                fields.append(String(decoding: field, as: UTF8.self))
                break
            }
            let byte = line[index]
            index += 1
            if quoted {
                if byte == UInt8(ascii: "\"") {
                    if index < line.endIndex && line[index] == UInt8(ascii: "\"") {
                        field.append(byte)
                        index += 1
                    } else {
                        quoted = false
                        if index < line.endIndex && line[index] != delimiter {
                            return .failure(LineError(line: first, reason: "text after a closing quote"))
                        }
                    }
                } else {
                    field.append(byte)
                }
            } else if byte == delimiter {
                fields.append(String(decoding: field, as: UTF8.self))
                field.removeAll(keepingCapacity: true)
                atFieldStart = true
                continue
            } else if byte == UInt8(ascii: "\"") {
                guard atFieldStart else { return .failure(LineError(line: first, reason: "a quote inside an unquoted field")) }
                quoted = true
            } else {
                field.append(byte)
            }
            atFieldStart = false
        }
        guard fields.allSatisfy({ !$0.utf8.contains(0xEF) || $0.unicodeScalars.allSatisfy { $0 != "\u{FFFD}" } }) else {
            return .failure(LineError(line: first, reason: "the record is not valid UTF-8"))
        }
        return .success(Record(line: first, fields: fields))
    }
}
