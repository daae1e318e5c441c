import Foundation

/// Readers for the texmex vector formats (`.fvecs`, `.ivecs`): each row is a little-endian int32
/// dimension followed by that many float32 or int32 values.
enum Texmex {
    struct FormatError: Error, CustomStringConvertible {
        let description: String
    }

    /// The rows of an `.fvecs` file, row-major, and their dimension.
    static func readFloatVectors(_ path: String) throws -> (values: [Float], dimensions: Int, count: Int) {
        let (values, dimensions, count) = try readRows(path, as: Float.self)
        return (values, dimensions, count)
    }

    /// The rows of an `.ivecs` file, row-major, and their width.
    static func readIntVectors(_ path: String) throws -> (values: [Int32], width: Int, count: Int) {
        let (values, width, count) = try readRows(path, as: Int32.self)
        return (values, width, count)
    }

    private static func readRows<T: BitwiseCopyable>(_ path: String, as: T.Type) throws -> ([T], Int, Int) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw FormatError(description: "cannot read \(path)")
        }
        guard data.count >= 4 else { throw FormatError(description: "\(path) is empty or truncated") }
        let width = Int(data.withUnsafeBytes { $0.loadUnaligned(as: Int32.self) })
        let rowBytes = 4 + width * 4
        guard width > 0, data.count % rowBytes == 0 else {
            throw FormatError(description: "\(path): size \(data.count) is not a whole number of rows of \(width) values")
        }
        let count = data.count / rowBytes
        var values = [T](unsafeUninitializedCapacity: count * width) { buffer, initialized in
            data.withUnsafeBytes { raw in
                for row in 0..<count {
                    let source = raw.baseAddress! + row * rowBytes + 4
                    UnsafeMutableRawPointer(buffer.baseAddress! + row * width).copyMemory(from: source, byteCount: width * 4)
                }
            }
            initialized = count * width
        }
        // Every row must repeat the same width.
        try data.withUnsafeBytes { raw in
            for row in 0..<count where raw.loadUnaligned(fromByteOffset: row * rowBytes, as: Int32.self) != Int32(width) {
                throw FormatError(description: "\(path): row \(row) has a different width")
            }
        }
        if values.isEmpty { values = [] }
        return (values, width, count)
    }
}
