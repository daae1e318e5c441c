import VectorMath

/// A compact encoding of stored vectors for a fast first pass over them.
public enum VectorEncoding: String, Sendable, Codable, CaseIterable {
    /// IEEE binary16: half the bytes, about three significant digits.
    case float16
    /// Per-dimension scalar quantisation to one byte (`ScalarQuantizer`): a quarter of the bytes.
    case int8

    var bytesPerComponent: Int { self == .float16 ? 2 : 1 }
}

/// Vectors kept a second time as fp16 or int8 codes, scored approximately — the first pass of a
/// search whose candidates are then rescored exactly against the float vectors.
///
/// For L2 the approximate value uses the decoded vector's norm: ‖q − x̂‖² = ‖q‖² − 2q·x̂ + ‖x̂‖².
struct CodedRows {
    let encoding: VectorEncoding
    let dimensions: Int
    var codes: RowBuffer<UInt8>
    /// The int8 quantiser, learnt from the stored vectors (nil for fp16 or before any vector).
    var quantizer: ScalarQuantizer?
    /// ‖x̂‖² of each decoded row, for L2.
    private(set) var decodedSquaredNorms: [Float] = []

    init(encoding: VectorEncoding, dimensions: Int, capacity: Int) {
        self.encoding = encoding
        self.dimensions = dimensions
        codes = RowBuffer(width: dimensions * encoding.bytesPerComponent, capacity: capacity)
    }

    func deallocate() { codes.deallocate() }

    /// Rows encoded.
    var count: Int { decodedSquaredNorms.count }

    mutating func reserve(rows: Int, keeping used: Int) {
        codes.reserve(rows: rows, keeping: used)
    }

    /// Whether `vector` lies inside the quantiser's trained range (always true for fp16).
    func covers(_ vector: UnsafePointer<Float>) -> Bool {
        guard encoding == .int8 else { return true }
        guard let quantizer else { return false }
        for d in 0..<dimensions {
            let level = (vector[d] - quantizer.minimums[d]) / quantizer.steps[d]
            if level < -0.5 || level > 255.5 { return false }
        }
        return true
    }

    /// Learns the int8 ranges from `count` float rows and re-encodes all of them.
    mutating func retrain(from rows: UnsafePointer<Float>, count: Int, kernels: VectorKernels) {
        if encoding == .int8 {
            quantizer = ScalarQuantizer(training: rows, count: count, dimensions: dimensions)
        }
        decodedSquaredNorms = []
        for row in 0..<count { encode(row: row, from: rows + row * dimensions, kernels: kernels) }
    }

    /// Encodes `vector` as row `row` (which may be the next row to append).
    mutating func encode(row: Int, from vector: UnsafePointer<Float>, kernels: VectorKernels) {
        let destination = codes.row(row)
        withUnsafeTemporaryAllocation(of: Float.self, capacity: dimensions) { decoded in
            let decoded = decoded.baseAddress!
            switch encoding {
            case .float16:
                let halves = UnsafeMutableRawPointer(destination).assumingMemoryBound(to: UInt16.self)
                kernels.convertToHalf(vector, halves, count: dimensions)
                kernels.convertFromHalf(halves, decoded, count: dimensions)
            case .int8:
                guard let quantizer else { return }
                quantizer.encode(vector, into: destination)
                quantizer.decode(destination, into: decoded)
            }
            let norm = kernels.dot(decoded, decoded, count: dimensions)
            if row == decodedSquaredNorms.count { decodedSquaredNorms.append(norm) } else { decodedSquaredNorms[row] = norm }
        }
    }

    /// Moves row `source` over row `destination` and forgets the last row (a swap-remove).
    mutating func moveRow(_ source: Int, to destination: Int) {
        codes.copyRow(source, to: destination)
        decodedSquaredNorms[destination] = decodedSquaredNorms[source]
        decodedSquaredNorms.removeLast()
    }

    /// A query prepared for `approximateValues`.
    struct PreparedQuery {
        var query: [Float]
        var int8: ScalarQuantizer.PreparedQuery?
        var squaredNorm: Float
    }

    func prepare(_ query: UnsafePointer<Float>, kernels: VectorKernels) -> PreparedQuery {
        PreparedQuery(
            query: Array(UnsafeBufferPointer(start: query, count: dimensions)),
            int8: quantizer?.prepare(query: query),
            squaredNorm: kernels.dot(query, query, count: dimensions))
    }

    /// Approximate kernel values (dot products, or squared L2 distances) of the prepared query
    /// against rows `start ..< start + count`, written to `out`.
    func approximateValues(
        _ prepared: PreparedQuery, metric: Metric, start: Int, count: Int,
        into out: UnsafeMutablePointer<Float>, kernels: VectorKernels
    ) {
        if let int8 = prepared.int8 {
            int8.scaled.withUnsafeBufferPointer { scaled in
                for i in 0..<count {
                    out[i] = int8.offset + kernels.dot(scaled.baseAddress!, codes: codes.row(start + i), count: dimensions)
                }
            }
        } else {
            prepared.query.withUnsafeBufferPointer { query in
                for i in 0..<count {
                    let halves = UnsafeRawPointer(codes.row(start + i)).assumingMemoryBound(to: UInt16.self)
                    out[i] = kernels.dot(query.baseAddress!, halves: halves, count: dimensions)
                }
            }
        }
        if metric == .l2 {
            decodedSquaredNorms.withUnsafeBufferPointer { norms in
                for i in 0..<count { out[i] = prepared.squaredNorm - 2 * out[i] + norms[start + i] }
            }
        }
    }
}

extension VectorEncoding {
    /// The byte an index file stores for an optional encoding: 0 for none, then 1, 2, … in case
    /// order.
    static func fileCode(_ encoding: VectorEncoding?) -> UInt8 {
        guard let encoding, let position = allCases.firstIndex(of: encoding) else { return 0 }
        return UInt8(position + 1)
    }

    /// The optional encoding a stored byte names.
    /// - Throws: `corruptFile` for a byte that names no encoding.
    static func fromFileCode(_ code: UInt8, path: String) throws -> VectorEncoding? {
        guard Int(code) <= allCases.count else {
            throw VectorIndexError(.corruptFile, "'\(path)' names unknown vector encoding \(code)")
        }
        return code == 0 ? nil : allCases[Int(code) - 1]
    }
}
