/// IEEE binary16 storage of float vectors: half the bytes, about 3 significant decimal digits.
public enum HalfPrecision {
    /// Encodes floats as binary16 bit patterns (round to nearest even; out of range → ±infinity).
    public static func encode(_ vector: [Float]) -> [UInt16] {
        var codes = [UInt16](repeating: 0, count: vector.count)
        vector.withUnsafeBufferPointer { source in
            codes.withUnsafeMutableBufferPointer { destination in
                guard let s = source.baseAddress, let d = destination.baseAddress else { return }
                VectorKernels.active.convertToHalf(s, d, count: source.count)
            }
        }
        return codes
    }

    /// Decodes binary16 bit patterns to floats (exact).
    public static func decode(_ codes: [UInt16]) -> [Float] {
        var vector = [Float](repeating: 0, count: codes.count)
        codes.withUnsafeBufferPointer { source in
            vector.withUnsafeMutableBufferPointer { destination in
                guard let s = source.baseAddress, let d = destination.baseAddress else { return }
                VectorKernels.active.convertFromHalf(s, d, count: source.count)
            }
        }
        return vector
    }
}
