/// The header of a NumPy `.npy` file (format versions 1.0, 2.0 and 3.0): a 2-D array of
/// little- or big-endian float32 or float64, in C (row-major) or Fortran (column-major) order.
///
/// Layout: the magic `\x93NUMPY`, major and minor version bytes, the header length (2 bytes
/// little-endian in 1.0, 4 bytes in 2.0/3.0), then a Python dict literal such as
/// `{'descr': '<f4', 'fortran_order': False, 'shape': (1000, 384), }`, padded so the data starts
/// at a multiple of 16 (64 in newer writers).
struct NpyHeader: Equatable {
    var rows: Int
    var columns: Int
    /// 4 or 8.
    var itemSize: Int
    var bigEndian: Bool
    var fortranOrder: Bool
    /// Where the array data starts.
    var dataOffset: Int

    /// The bytes of rows `rows` of a C-order array.
    func byteRange(rows: Range<Int>) -> Range<Int> {
        let rowBytes = columns * itemSize
        return dataOffset + rows.lowerBound * rowBytes..<dataOffset + rows.upperBound * rowBytes
    }

    /// Reads and checks the header of `file`.
    /// - Throws: `corruptData` naming the file and what is wrong with it.
    static func read(_ file: InputFile) throws -> NpyHeader {
        func corrupt(_ reason: String) -> CatalogError { CatalogError(.corruptData, "'\(file.path)' is not a usable .npy file: \(reason)") }
        let prefix = try file.bytes(at: 0, count: 12)
        guard prefix.count >= 10, prefix[0] == 0x93, Array(prefix[1..<6]) == Array("NUMPY".utf8) else {
            throw corrupt("it does not start with the .npy magic number")
        }
        let major = prefix[6]
        let headerLength: Int
        let headerStart: Int
        switch major {
        case 1:
            headerLength = Int(prefix[8]) | Int(prefix[9]) << 8
            headerStart = 10
        case 2, 3:
            guard prefix.count >= 12 else { throw corrupt("the header is truncated") }
            headerLength = Int(prefix[8]) | Int(prefix[9]) << 8 | Int(prefix[10]) << 16 | Int(prefix[11]) << 24
            headerStart = 12
        default:
            throw corrupt("format version \(major).\(prefix[7]) is not supported (1.0, 2.0 and 3.0 are)")
        }
        guard headerLength > 0, headerLength < 1 << 20, headerStart + headerLength <= file.size else {
            throw corrupt("the header length \(headerLength) does not fit the file")
        }
        let bytes = try file.bytes(at: headerStart, count: headerLength)
        guard let text = String(validating: bytes, as: UTF8.self) else { throw corrupt("the header is not text") }
        let dictionary = try parseDictionary(text, corrupt: corrupt)

        guard let descr = dictionary["descr"], descr.count == 3 else { throw corrupt("the header has no 'descr'") }
        let order = descr.first!
        let kind = descr.dropFirst().first!
        let size = Int(String(descr.dropFirst(2))) ?? 0
        guard kind == "f", size == 4 || size == 8, order == "<" || order == ">" || order == "=" else {
            throw corrupt("dtype '\(descr)' is not float32 or float64 ('<f4', '<f8', '>f4', '>f8')")
        }
        guard let fortran = dictionary["fortran_order"], fortran == "True" || fortran == "False" else {
            throw corrupt("the header has no 'fortran_order'")
        }
        guard let shapeText = dictionary["shape"] else { throw corrupt("the header has no 'shape'") }
        let shape = shapeText.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let dimensions = shape.compactMap { Int($0) }
        guard dimensions.count == shape.count, dimensions.count == 2, dimensions.allSatisfy({ $0 >= 0 }) else {
            throw corrupt("shape (\(shapeText)) is not a 2-D array of vectors (rows, dimensions)")
        }
        let header = NpyHeader(rows: dimensions[0], columns: dimensions[1], itemSize: size, bigEndian: order == ">",
                               fortranOrder: fortran == "True", dataOffset: headerStart + headerLength)
        let (needed, overflow) = header.rows.multipliedReportingOverflow(by: header.columns * header.itemSize)
        guard !overflow else { throw corrupt("shape (\(shapeText)) is too large") }
        guard file.size - header.dataOffset >= needed else {
            throw corrupt("it is truncated: shape (\(header.rows), \(header.columns)) needs \(needed) bytes of data, the file holds \(file.size - header.dataOffset)")
        }
        guard file.size - header.dataOffset == needed else {
            throw corrupt("it holds \(file.size - header.dataOffset - needed) bytes past the array's \(needed)")
        }
        return header
    }

    /// The values of a header dict literal by key, as text (`shape` without its parentheses).
    private static func parseDictionary(_ text: String, corrupt: (String) -> CatalogError) throws -> [String: String] {
        var body = Substring(text.trimmingCharacters(in: .whitespacesAndNewlines))
        guard body.first == "{", body.last == "}" else { throw corrupt("the header is not a dict literal") }
        body = body.dropFirst().dropLast()
        var result: [String: String] = [:]
        while true {
            body = body.drop(while: { $0 == " " || $0 == "," })
            guard let quote = body.first, quote == "'" || quote == "\"" else { break }
            body = body.dropFirst()
            guard let close = body.firstIndex(of: quote) else { throw corrupt("an unterminated key in the header") }
            let key = String(body[..<close])
            body = body[body.index(after: close)...].drop(while: { $0 == " " })
            guard body.first == ":" else { throw corrupt("no ':' after key '\(key)'") }
            body = body.dropFirst().drop(while: { $0 == " " })
            let value: Substring
            if let open = body.first, open == "(" {
                guard let end = body.firstIndex(of: ")") else { throw corrupt("an unterminated tuple in the header") }
                value = body[body.index(after: body.startIndex)..<end]
                body = body[body.index(after: end)...]
            } else if let open = body.first, open == "'" || open == "\"" {
                let rest = body.dropFirst()
                guard let end = rest.firstIndex(of: open) else { throw corrupt("an unterminated string in the header") }
                value = rest[..<end]
                body = rest[rest.index(after: end)...]
            } else {
                let end = body.firstIndex(where: { $0 == "," }) ?? body.endIndex
                value = body[..<end]
                body = body[end...]
            }
            result[key] = value.trimmingCharacters(in: .whitespaces)
        }
        return result
    }
}

import Foundation
