import Foundation

/// Writes `.npy` files the way NumPy does, for tests and benchmarks.
public enum NpyWriter {
    /// A 2-D array of `rows × columns` values (row-major in `values`), as float32 (`itemSize` 4)
    /// or float64 (8), in C or Fortran order, little- or big-endian, with a version 1, 2 or 3 header.
    public static func data(values: [Float], rows: Int, columns: Int, itemSize: Int = 4, fortranOrder: Bool = false,
                            bigEndian: Bool = false, version: UInt8 = 1) -> Data {
        let descr = (bigEndian ? ">" : "<") + "f\(itemSize)"
        var dictionary = "{'descr': '\(descr)', 'fortran_order': \(fortranOrder ? "True" : "False"), 'shape': (\(rows), \(columns)), }"
        let prefixBytes = version == 1 ? 10 : 12
        while (prefixBytes + dictionary.utf8.count + 1) % 64 != 0 { dictionary += " " }
        dictionary += "\n"
        var data = Data([0x93] + Array("NUMPY".utf8) + [version, 0])
        let length = dictionary.utf8.count
        if version == 1 {
            data += [UInt8(length & 0xFF), UInt8(length >> 8)]
        } else {
            data += [UInt8(length & 0xFF), UInt8((length >> 8) & 0xFF), UInt8((length >> 16) & 0xFF), UInt8(length >> 24)]
        }
        data += Data(dictionary.utf8)
        data.reserveCapacity(data.count + rows * columns * itemSize)
        let order: [Int] = fortranOrder ? (0..<columns).flatMap { c in (0..<rows).map { $0 * columns + c } } : Array(0..<(rows * columns))
        for index in order {
            if itemSize == 4 {
                let bits = values[index].bitPattern
                withUnsafeBytes(of: bigEndian ? bits.bigEndian : bits.littleEndian) { data += $0 }
            } else {
                let bits = Double(values[index]).bitPattern
                withUnsafeBytes(of: bigEndian ? bits.bigEndian : bits.littleEndian) { data += $0 }
            }
        }
        return data
    }
}

/// NDJSON vector lines for tests and benchmarks.
public enum VectorLines {
    /// `{"id": "<id>", "vector": [...]}` with each float in its shortest round-trip form.
    public static func line(id: String, vector: [Float], key: String = "id") -> String {
        let escaped = id.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        return "{\"\(key)\": \"\(escaped)\", \"vector\": [" + vector.map { $0.description }.joined(separator: ", ") + "]}"
    }
}
