import CVectorKernels
import VectorMath

/// How the graph scores a query against stored nodes, for float rows and for int8 codes alike.
extension HNSWIndex {
    /// A query ready to be scored against stored nodes. For float rows that is the (normalised)
    /// vector itself; for int8 codes it is the vector scaled by the quantiser's steps plus the
    /// constant term, so that q·x̂ = offset + Σ scaledᵢ·codeᵢ (asymmetric distance: only the
    /// stored side is quantised).
    struct Probe {
        let vector: UnsafePointer<Float>
        let scaled: UnsafePointer<Float>?
        let offset: Float
        let squaredNorm: Float
    }

    /// Prepares `vector` (already normalised if the metric asks) for scoring, using `buffer` for
    /// the scaled copy an int8 index needs.
    @inline(__always)
    func probe(for vector: UnsafePointer<Float>, buffer: ProbeBuffer) -> Probe {
        guard let quantizer else { return Probe(vector: vector, scaled: nil, offset: 0, squaredNorm: 0) }
        var offset: Float = 0
        quantizer.minimums.withUnsafeBufferPointer { minimums in
            quantizer.steps.withUnsafeBufferPointer { steps in
                for d in 0..<dimensions {
                    buffer.scaled[d] = vector[d] * steps[d]
                    offset += vector[d] * minimums[d]
                }
            }
        }
        return Probe(vector: vector, scaled: buffer.scaled, offset: offset,
                     squaredNorm: kernels.dot(vector, vector, count: dimensions))
    }

    /// A probe for stored node `node`: its float row, or its decoded codes.
    @inline(__always)
    func probe(forNode node: UInt32, buffer: ProbeBuffer) -> Probe {
        guard let quantizer else { return probe(for: storage.vectors.row(Int(node)), buffer: buffer) }
        quantizer.decode(storage.codes.row(Int(node)), into: buffer.vector)
        return probe(for: buffer.vector, buffer: buffer)
    }

    /// Ordering keys (lower is closer) of `probe` against `count` nodes, written to `keys`.
    @inline(__always)
    func scoreKeys(_ probe: Probe, ids: UnsafePointer<UInt32>, count: Int, into keys: UnsafeMutablePointer<Float>) {
        if let scaled = probe.scaled {
            kernels.scoreCodeRows(scaled: scaled, codes: storage.codes.base, dimensions: dimensions,
                                  stride: dimensions, ids: ids, count: count, into: keys)
            if metric == .l2 {
                let norms = storage.decodedNorms.base
                for i in 0..<count {
                    keys[i] = probe.squaredNorm - 2 * (probe.offset + keys[i]) + norms[Int(ids[i])]
                }
            } else {
                for i in 0..<count { keys[i] = -(probe.offset + keys[i]) }
            }
        } else {
            kernels.scoreRows(metric, query: probe.vector, base: storage.vectors.base, dimensions: dimensions,
                              stride: dimensions, ids: ids, count: count, into: keys)
            if metric != .l2 { for i in 0..<count { keys[i] = -keys[i] } }
        }
    }

    /// The ordering key of `probe` against one node.
    @inline(__always)
    func key(_ probe: Probe, _ node: UInt32) -> Float {
        var id = node
        var key: Float = 0
        scoreKeys(probe, ids: &id, count: 1, into: &key)
        return key
    }

    /// The first byte of `node`'s stored representation, for prefetching.
    @inline(__always)
    func storedRow(_ node: UInt32) -> UnsafeRawPointer {
        quantizer == nil ? UnsafeRawPointer(storage.vectors.row(Int(node))) : UnsafeRawPointer(storage.codes.row(Int(node)))
    }

    /// Writes `vector` (normalised if the metric asks) as node `node`'s stored row.
    func store(_ vector: UnsafePointer<Float>, asNode node: Int) {
        if let quantizer {
            let codes = storage.codes.row(node)
            quantizer.encode(vector, into: codes)
            withUnsafeTemporaryAllocation(of: Float.self, capacity: dimensions) { decoded in
                quantizer.decode(codes, into: decoded.baseAddress!)
                storage.decodedNorms.base[node] = kernels.dot(decoded.baseAddress!, decoded.baseAddress!, count: dimensions)
            }
        } else {
            storage.vectors.row(node).update(from: vector, count: dimensions)
        }
    }
}

/// Memory for one probe: a decoded vector and its scaled copy.
final class ProbeBuffer {
    let vector: UnsafeMutablePointer<Float>
    let scaled: UnsafeMutablePointer<Float>

    init(dimensions: Int) {
        vector = .allocate(capacity: max(dimensions, 1))
        scaled = .allocate(capacity: max(dimensions, 1))
    }

    deinit {
        vector.deallocate()
        scaled.deallocate()
    }
}
