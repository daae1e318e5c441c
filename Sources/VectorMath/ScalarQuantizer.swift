/// Per-dimension scalar quantisation of float vectors to one byte a component (as in faiss's
/// `SQ8`): each dimension's range [min, max], learnt from training vectors, is cut into 255 steps.
///
/// Codes are compared with a float query asymmetrically — `q·x ≈ q·min + Σ (qᵢ·stepᵢ)·codeᵢ` — so
/// only the stored side loses precision; exact rescoring against the float vectors restores order.
public struct ScalarQuantizer: Sendable, Codable, Equatable {
    /// Components per vector.
    public let dimensions: Int
    /// The lowest value of each dimension.
    public let minimums: [Float]
    /// The width of one code step in each dimension ((max − min) / 255, never 0).
    public let steps: [Float]

    /// Learns each dimension's range from `count` vectors stored row-major at `vectors`.
    public init(training vectors: UnsafePointer<Float>, count: Int, dimensions: Int) {
        var low = [Float](repeating: .infinity, count: dimensions)
        var high = [Float](repeating: -.infinity, count: dimensions)
        for row in 0..<count {
            let vector = vectors + row * dimensions
            for d in 0..<dimensions {
                low[d] = min(low[d], vector[d])
                high[d] = max(high[d], vector[d])
            }
        }
        if count == 0 {
            low = .init(repeating: 0, count: dimensions)
            high = .init(repeating: 0, count: dimensions)
        }
        self.dimensions = dimensions
        minimums = low
        steps = zip(low, high).map { low, high in
            let step = (high - low) / 255
            return step > 0 ? step : 1
        }
    }

    /// Encodes one vector into `dimensions` bytes; values outside the trained range are clamped.
    public func encode(_ vector: UnsafePointer<Float>, into codes: UnsafeMutablePointer<UInt8>) {
        for d in 0..<dimensions {
            let level = ((vector[d] - minimums[d]) / steps[d]).rounded()
            codes[d] = UInt8(min(max(level, 0), 255))
        }
    }

    /// Decodes one code back to floats (the centre of each step).
    public func decode(_ codes: UnsafePointer<UInt8>, into vector: UnsafeMutablePointer<Float>) {
        for d in 0..<dimensions {
            vector[d] = minimums[d] + steps[d] * Float(codes[d])
        }
    }

    /// A query rewritten for fast inner products against codes.
    public struct PreparedQuery: Sendable {
        /// qᵢ · stepᵢ.
        public var scaled: [Float]
        /// q · min.
        public var offset: Float
    }

    /// Prepares `query` for `approximateDot`.
    public func prepare(query: UnsafePointer<Float>) -> PreparedQuery {
        var offset: Float = 0
        var scaled = [Float](repeating: 0, count: dimensions)
        for d in 0..<dimensions {
            scaled[d] = query[d] * steps[d]
            offset += query[d] * minimums[d]
        }
        return PreparedQuery(scaled: scaled, offset: offset)
    }

    /// The inner product of the prepared query with the vector that `codes` stands for.
    @inlinable
    public func approximateDot(
        _ query: PreparedQuery, codes: UnsafePointer<UInt8>, kernels: VectorKernels = .active
    ) -> Float {
        query.scaled.withUnsafeBufferPointer { scaled in
            query.offset + kernels.dot(scaled.baseAddress!, codes: codes, count: dimensions)
        }
    }
}
