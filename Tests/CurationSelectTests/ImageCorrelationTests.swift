import Curation
import Foundation
import Testing
import TestSupport

/// `ImageCorrelation` and `NearDuplicates.images` on seeded synthetic 24×24 thumbnails: which
/// edits keep a copy's score high, that different pictures score low, that the two-step search
/// finds what a brute-force scan finds, and bad input.
@Suite struct ImageCorrelationTests {
    static let side = 24

    /// A smooth random picture: a gray background and 6 Gaussian blobs of random place, size and
    /// brightness (like a thumbnail of a photo or a drawing).
    static func picture(_ generator: inout SeededGenerator) -> [Float] {
        var pixels = [Float](repeating: Float.random(in: 40...200, using: &generator), count: side * side)
        for _ in 0..<6 {
            let cx = Float.random(in: 0..<Float(side), using: &generator), cy = Float.random(in: 0..<Float(side), using: &generator)
            let radius = Float.random(in: 2...7, using: &generator), height = Float.random(in: -120...120, using: &generator)
            for y in 0..<side {
                for x in 0..<side {
                    let d2 = (Float(x) - cx) * (Float(x) - cx) + (Float(y) - cy) * (Float(y) - cy)
                    pixels[y * side + x] += height * exp(-d2 / (2 * radius * radius))
                }
            }
        }
        return pixels.map { max(0, min(255, $0)) }
    }

    static func bytes(_ pixels: [Float]) -> [UInt8] { pixels.map { UInt8(max(0, min(255, $0.rounded()))) } }

    /// `pixels` moved by (dx, dy), the uncovered edge repeated.
    static func shifted(_ pixels: [Float], dx: Int, dy: Int) -> [Float] {
        var out = pixels
        for y in 0..<side {
            for x in 0..<side {
                out[y * side + x] = pixels[max(0, min(side - 1, y - dy)) * side + max(0, min(side - 1, x - dx))]
            }
        }
        return out
    }

    /// A [1, 2, 1] blur in x and y, as a picture gets from going through a smaller size.
    static func blurred(_ pixels: [Float]) -> [Float] {
        var rows = pixels, out = pixels
        for y in 0..<side {
            for x in 0..<side {
                rows[y * side + x] = (pixels[y * side + max(0, x - 1)] + 2 * pixels[y * side + x] + pixels[y * side + min(side - 1, x + 1)]) / 4
            }
        }
        for y in 0..<side {
            for x in 0..<side {
                out[y * side + x] = (rows[max(0, y - 1) * side + x] + 2 * rows[y * side + x] + rows[min(side - 1, y + 1) * side + x]) / 4
            }
        }
        return out
    }

    @Test("Copies score high: identical 1, affine brightness/contrast ~1, shifts of up to 2 pixels, a blur, light noise")
    func editsKeepTheScoreHigh() throws {
        var generator = SeededGenerator(seed: 41)
        let measure = try ImageCorrelation()
        for _ in 0..<20 {
            let original = Self.picture(&generator)
            let a = Self.bytes(original)
            #expect(try measure.score(a, a) > 0.9999)
            // An affine change of the levels (no clipping) changes nothing but rounding.
            let brighter = Self.bytes(original.map { $0 * 0.8 + 25 })
            #expect(try measure.score(a, brighter) > 0.999)
            let moved = Self.bytes(Self.shifted(original, dx: 2, dy: -1))
            #expect(try measure.score(a, moved) > 0.99)
            // Past the shifts tried, a move costs score.
            let far = Self.bytes(Self.shifted(original, dx: 5, dy: 4))
            #expect(try measure.score(a, far) < measure.score(a, moved))
            #expect(try measure.score(a, Self.bytes(Self.blurred(original))) > 0.995)
            let noisy = Self.bytes(original.map { $0 + Float(Int.random(in: -3...3, using: &generator)) })
            #expect(try measure.score(a, noisy) > 0.99)
            // Symmetric.
            #expect(abs(try measure.score(a, moved) - measure.score(moved, a)) < 1e-5)
        }
    }

    @Test("Different pictures score low; a blank picture scores 0 against anything, itself included")
    func differentPicturesScoreLow() throws {
        var generator = SeededGenerator(seed: 42)
        let measure = try ImageCorrelation()
        let pictures = (0..<30).map { _ in Self.bytes(Self.picture(&generator)) }
        var highest: Float = -1
        for i in pictures.indices {
            for j in pictures.indices where j > i { highest = max(highest, try measure.score(pictures[i], pictures[j])) }
        }
        #expect(highest < 0.95, "two different random pictures scored \(highest)")
        let blank = [UInt8](repeating: 200, count: Self.side * Self.side)
        #expect(try measure.score(blank, pictures[0]) == 0 && measure.score(blank, blank) == 0)
    }

    @Test("The two-step search finds exactly the pairs a brute-force scan of every pair finds, in groups of copies")
    func searchMatchesBruteForce() throws {
        var generator = SeededGenerator(seed: 43)
        var pictures = (0..<60).map { _ in Self.picture(&generator) }
        // 20 copies of the first 20 pictures, each with one edit.
        for i in 0..<20 {
            let edited: [Float] = switch i % 4 {
            case 0: Self.shifted(pictures[i], dx: 1, dy: 1)
            case 1: pictures[i].map { $0 * 0.85 + 20 }
            case 2: Self.blurred(pictures[i])
            default: pictures[i].map { $0 + Float(Int.random(in: -2...2, using: &generator)) }
            }
            pictures.append(edited)
        }
        pictures.append([Float](repeating: 128, count: Self.side * Self.side))  // blank: in no pair
        let thumbnails = pictures.map(Self.bytes)
        let measure = try ImageCorrelation()
        for threshold: Float in [0.97, 0.99] {
            // Thumbnails prepared up front, or (no budget) as each pair is met: the same answer.
            for (threads, budget) in [(1, NearDuplicates.imagePreparedBudget), (3, NearDuplicates.imagePreparedBudget), (2, 0)] {
                let rows = (0..<UInt32(thumbnails.count)).map { $0 * 2 + 5 }
                let result = try NearDuplicates.images(thumbnails.flatMap { $0 }, rows: rows, threshold: threshold, threads: threads,
                                                       preparedBudget: budget)
                var expected: [NearDuplicates.Pair] = []
                for i in thumbnails.indices {
                    for j in thumbnails.indices where j > i {
                        let score = try measure.score(thumbnails[i], thumbnails[j])
                        if score >= threshold { expected.append(NearDuplicates.Pair(first: rows[i], second: rows[j], score: score)) }
                    }
                }
                #expect(result.pairs.map { [$0.first, $0.second] } == expected.map { [$0.first, $0.second] })
                for (found, want) in zip(result.pairs, expected) { #expect(abs(found.score - want.score) < 1e-5) }
                // Every copy is paired with its original, and nothing else joins them.
                #expect(result.groups.count == 20)
                for i in 0..<20 { #expect(result.groups.contains { $0.rows == [rows[i], rows[60 + i]] }, "copy \(i) at \(threshold)") }
                #expect(!result.isExact)
            }
        }
    }

    @Test("Bad input: threshold outside (0, 1], partial thumbnails, mismatched or repeated rows, bad side or shift")
    func badInput() throws {
        let two = [UInt8](repeating: 3, count: 2 * 24 * 24)
        for threshold: Float in [0, -0.5, 1.5, .nan] {
            #expect(throws: CurationError.self) { try NearDuplicates.images(two, threshold: threshold) }
        }
        #expect(throws: CurationError.self) { try NearDuplicates.images(two + [1], threshold: 0.9) }
        #expect(throws: CurationError.self) { try NearDuplicates.images(two, rows: [1], threshold: 0.9) }
        #expect(throws: CurationError.self) { try NearDuplicates.images(two, rows: [4, 4], threshold: 0.9) }
        #expect(throws: CurationError.self) { try NearDuplicates.images(two, threshold: 0.9, threads: 0) }
        #expect(throws: CurationError.self) { try ImageCorrelation(side: 3) }
        #expect(throws: CurationError.self) { try ImageCorrelation(side: 24, maxShift: 7) }
        #expect(throws: CurationError.self) { try ImageCorrelation().score([1, 2, 3], [UInt8](repeating: 0, count: 576)) }
        // Nothing to compare is an empty answer, not an error.
        #expect(try NearDuplicates.images([], threshold: 0.9).pairs.isEmpty)
    }
}
