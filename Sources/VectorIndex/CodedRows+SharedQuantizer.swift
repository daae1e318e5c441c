import VectorMath

/// Coded rows that share one int8 quantiser with other sets of rows (the lists of an IVF index),
/// and that give memory back when they shrink.
extension CodedRows {
    /// Empty coded rows using `quantizer` (ignored for fp16).
    init(encoding: VectorEncoding, dimensions: Int, capacity: Int, quantizer: ScalarQuantizer?) {
        self.init(encoding: encoding, dimensions: dimensions, capacity: capacity)
        self.quantizer = encoding == .int8 ? quantizer : nil
    }

    /// Reallocates the codes to `rows` rows (at least `count`), keeping them.
    mutating func resize(rows: Int) {
        codes.resize(rows: rows, keeping: count)
    }

    /// The bytes of codes allocated.
    var allocatedBytes: Int { codes.capacity * codes.width + decodedSquaredNorms.capacity * 4 }
}
