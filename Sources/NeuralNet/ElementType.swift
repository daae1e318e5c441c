/// The element types found in weight files, and their conversion to Float32.
enum ElementType: Sendable {
    case float32, float16, bfloat16, float64, int64, int32, int16, int8, uint8, bool

    /// From a safetensors `dtype` string (`F32`, `F16`, `BF16`, …).
    init?(safeTensorsName name: String) {
        switch name {
        case "F32": self = .float32
        case "F16": self = .float16
        case "BF16": self = .bfloat16
        case "F64": self = .float64
        case "I64": self = .int64
        case "I32": self = .int32
        case "I16": self = .int16
        case "I8": self = .int8
        case "U8": self = .uint8
        case "BOOL": self = .bool
        default: return nil
        }
    }

    /// Bytes per element.
    var byteWidth: Int {
        switch self {
        case .float64, .int64: 8
        case .float32, .int32: 4
        case .float16, .bfloat16, .int16: 2
        case .int8, .uint8, .bool: 1
        }
    }

    /// Converts `count` little-endian elements at `bytes` (any alignment) to Float32 in `out`.
    func convert(_ bytes: UnsafeRawBufferPointer, count: Int, into out: UnsafeMutableBufferPointer<Float>) {
        precondition(bytes.count >= count * byteWidth && out.count >= count)
        switch self {
        case .float32:
            if count > 0 { UnsafeMutableRawBufferPointer(out).copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[0..<count * 4])) }
        case .float16:
            for i in 0..<count { out[i] = Float(Float16(bitPattern: bytes.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))) }
        case .bfloat16:
            for i in 0..<count {
                out[i] = Float(bitPattern: UInt32(bytes.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)) << 16)
            }
        case .float64:
            for i in 0..<count { out[i] = Float(bytes.loadUnaligned(fromByteOffset: 8 * i, as: Double.self)) }
        case .int64:
            for i in 0..<count { out[i] = Float(bytes.loadUnaligned(fromByteOffset: 8 * i, as: Int64.self)) }
        case .int32:
            for i in 0..<count { out[i] = Float(bytes.loadUnaligned(fromByteOffset: 4 * i, as: Int32.self)) }
        case .int16:
            for i in 0..<count { out[i] = Float(bytes.loadUnaligned(fromByteOffset: 2 * i, as: Int16.self)) }
        case .int8:
            for i in 0..<count { out[i] = Float(bytes.load(fromByteOffset: i, as: Int8.self)) }
        case .uint8, .bool:
            for i in 0..<count { out[i] = Float(bytes[i]) }
        }
    }
}
