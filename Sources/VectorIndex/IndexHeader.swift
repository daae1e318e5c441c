import VectorMath

/// The fields every index file starts with, in its "META" section.
struct IndexHeader: Equatable {
    var dimensions: Int
    var metric: Metric
    var count: Int

    static let metricCodes: [Metric] = [.cosine, .innerProduct, .l2]

    func encode(into encoder: inout IndexFile.Encoder) {
        encoder.append(UInt32(dimensions))
        encoder.append(UInt8(Self.metricCodes.firstIndex(of: metric)!))
        encoder.append(UInt64(count))
    }

    static func decode(from decoder: inout IndexFile.Decoder, path: String) throws -> IndexHeader {
        let dimensions = Int(try decoder.read(UInt32.self))
        let metricCode = Int(try decoder.read(UInt8.self))
        let count = try decoder.read(UInt64.self)
        guard dimensions > 0, dimensions <= 65_536 else {
            throw VectorIndexError(.corruptFile, "'\(path)' claims \(dimensions) dimensions")
        }
        guard metricCode < metricCodes.count else {
            throw VectorIndexError(.corruptFile, "'\(path)' names unknown metric \(metricCode)")
        }
        guard count <= UInt64(UInt32.max) else {
            throw VectorIndexError(.corruptFile, "'\(path)' claims \(count) vectors")
        }
        return IndexHeader(dimensions: dimensions, metric: metricCodes[metricCode], count: Int(count))
    }
}

extension IndexFile.Reader {
    /// Checks that the file holds an index of `expectedKind`.
    func expect(kind expectedKind: String) throws {
        guard kind == expectedKind else {
            throw VectorIndexError(.incompatibleFile, "'\(path)' holds a '\(kind)' index, not '\(expectedKind)'")
        }
    }
}
