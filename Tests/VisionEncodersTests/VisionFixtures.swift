import Foundation
import NeuralNet
import Testing
import TestSupport

/// Fixture loading and the comparisons the reference README states its tolerances in.
enum VisionFixtures {
    static func url(_ path: String) throws -> URL {
        try Fixtures.url(path, in: .module, target: "VisionEncodersTests")
    }

    /// Little-endian float32 values of a `*_f32le.bin` fixture.
    static func floats(_ path: String) throws -> [Float] {
        let data = try Data(contentsOf: url(path))
        return data.withUnsafeBytes { raw in
            (0..<(data.count / 4)).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self))) }
        }
    }

    static func cosine(_ a: [Float], _ b: [Float]) -> Double {
        let dot = zip(a, b).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
        let norms = (a.reduce(0.0) { $0 + Double($1) * Double($1) } * b.reduce(0.0) { $0 + Double($1) * Double($1) }).squareRoot()
        return norms == 0 ? (dot == 0 ? 1 : 0) : dot / norms
    }

    static func maxAbsDiff(_ a: [Float], _ b: [Float]) -> Float {
        precondition(a.count == b.count, "comparing \(a.count) values with \(b.count)")
        return zip(a, b).map { abs($0 - $1) }.max() ?? 0
    }

    /// Records an issue unless `got` matches `expected` with cosine ≥ 0.9999 and max abs diff ≤ `absolute`.
    static func expectClose(
        _ got: [Float], _ expected: [Float], absolute: Float = 1e-4, _ label: String, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(got.count == expected.count, "\(label): \(got.count) values, expected \(expected.count)", sourceLocation: sourceLocation)
        guard got.count == expected.count else { return }
        let cos = cosine(got, expected), diff = maxAbsDiff(got, expected)
        #expect(cos >= 0.9999 && diff <= absolute, "\(label): cosine \(cos), max abs diff \(diff)", sourceLocation: sourceLocation)
    }
}
