import Foundation

/// A 64-bit perceptual hash of an image: similar pictures (resized, re-encoded, slightly
/// brightened or noised) get hashes a few bits apart, different pictures about 32 bits apart.
/// Compare two with `distance(to:)` (the Hamming distance).
///
/// Two kinds, computed as the `imagehash` Python package (4.3) computes `phash` and `dhash` with
/// their default sizes, on Pillow 13:
/// - `perceptual(of:)` (pHash, Zauner 2010): the image converted to 8-bit gray with Pillow's
///   `convert('L')` (ITU-R 601-2 luma, `(R·19595 + G·38470 + B·7471 + 2^15) >> 16`), resized to
///   32×32 with Lanczos-3 (`ImageResizer`, bit-exact with Pillow), a 2-D DCT-II (rows, then
///   columns), its top-left 8×8 coefficients (DC included) compared with their median: bit set
///   when the coefficient is greater. One deliberate difference: a coefficient within 10⁻⁹
///   (relative) of the median counts as equal, so pictures whose coefficients tie in exact
///   arithmetic (flat clip art, checkerboards) get the exact-arithmetic bits instead of
///   imagehash's, which follow the rounding noise of scipy's FFT.
/// - `difference(of:)` (dHash): gray, resized to 9×8 with Lanczos-3, each bit set when a pixel is
///   brighter than its left neighbour.
///
/// Bits are numbered as `imagehash` prints them: the 8×8 grid row by row, the first cell in the
/// most significant bit, so `description` is the same 16 hex digits as `str(imagehash.phash(…))`.
/// Decoding goes through `ImageDecoder` (transparent pixels composited over white by default, as
/// for the encoders), so JPEG, PNG and WebP files hash alike.
public struct ImageHash: Sendable, Hashable, CustomStringConvertible {
    /// Which hash.
    public enum Kind: String, Sendable, CaseIterable {
        /// The DCT hash (`imagehash.phash`): survives resizing, re-encoding and brightness changes.
        case perceptual
        /// The gradient hash (`imagehash.dhash`): cheaper, more sensitive to brightness edits.
        case difference
    }

    /// The 64 bits, the grid's first cell in the most significant bit.
    public var bits: UInt64

    /// A hash from its bits.
    public init(bits: UInt64) { self.bits = bits }

    /// A hash from the 16 hex digits `description` (and `imagehash`) prints; nil for anything else.
    public init?(hex: String) {
        guard hex.utf8.count == 16, hex.utf8.allSatisfy({ $0.isHexDigit }), let bits = UInt64(hex, radix: 16) else { return nil }
        self.bits = bits
    }

    /// The number of bits in which two hashes differ (0...64).
    @inlinable
    public func distance(to other: ImageHash) -> Int { (bits ^ other.bits).nonzeroBitCount }

    /// The 16 lowercase hex digits.
    public var description: String {
        let digits = String(bits, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }

    // MARK: Hashing

    /// The hash of kind `kind` of `image`.
    public static func compute(_ kind: Kind, of image: RGBImage) -> ImageHash {
        switch kind {
        case .perceptual: perceptual(of: image)
        case .difference: difference(of: image)
        }
    }

    /// The hash of kind `kind` of the image file at `path`.
    /// - Throws: `ImageError` naming `path` for a file that cannot be read or decoded.
    public static func compute(_ kind: Kind, file path: String, decoder: ImageDecoder = ImageDecoder()) throws -> ImageHash {
        compute(kind, of: try decoder.decode(file: path))
    }

    /// The hash of kind `kind` of an encoded image (JPEG, PNG or WebP bytes).
    /// - Parameter name: what to call the image in error messages.
    /// - Throws: `ImageError` naming `name`.
    public static func compute(_ kind: Kind, data: Data, name: String, decoder: ImageDecoder = ImageDecoder()) throws -> ImageHash {
        compute(kind, of: try decoder.decode(data: data, name: name))
    }

    /// The pHash of `image` (see the type's documentation).
    public static func perceptual(of image: RGBImage) -> ImageHash {
        let size = 32
        let pixels = grayResized(image, width: size, height: size)
        // DCT-II along the columns (axis 0), keeping the 8 lowest frequencies, then along rows.
        // scipy's unnormalised DCT has a factor 2 that changes no comparison, so it is left out.
        let table = cosineTable
        var columns = [Double](repeating: 0, count: 8 * size)  // [k][x]
        for k in 0..<8 {
            for y in 0..<size {
                let c = table[k * size + y]
                for x in 0..<size { columns[k * size + x] += c * Double(pixels[y * size + x]) }
            }
        }
        var coefficients = [Double](repeating: 0, count: 64)  // [k][l], row-major
        for k in 0..<8 {
            for l in 0..<8 {
                var sum = 0.0
                for x in 0..<size { sum += table[l * size + x] * columns[k * size + x] }
                coefficients[k * 8 + l] = sum
            }
        }
        let sorted = coefficients.sorted()
        let median = (sorted[31] + sorted[32]) / 2
        // A coefficient within rounding noise of the median counts as equal to it (not greater).
        // Flat and symmetric pictures (clip art on white, a checkerboard) have coefficients that
        // are exactly equal in exact arithmetic; comparing their rounding noise, as imagehash
        // does, gives bits that change with the DCT's operation order, so copies of one flat
        // picture can hash 20 bits apart. Elsewhere the bits are imagehash's.
        let tolerance = 1e-9 * max(1, abs(sorted[0]), abs(sorted[63]))
        return ImageHash(bits: pack(coefficients.map { $0 > median + tolerance }))
    }

    /// The dHash of `image` (see the type's documentation).
    public static func difference(of image: RGBImage) -> ImageHash {
        let pixels = grayResized(image, width: 9, height: 8)
        var brighter = [Bool]()
        brighter.reserveCapacity(64)
        for y in 0..<8 {
            for x in 0..<8 { brighter.append(pixels[y * 9 + x + 1] > pixels[y * 9 + x]) }
        }
        return ImageHash(bits: pack(brighter))
    }

    /// `cos(π·k·(2n+1)/64)` for k in 0..<8, n in 0..<32: the DCT-II basis of a 32-sample signal.
    private static let cosineTable: [Double] = (0..<8).flatMap { k in
        (0..<32).map { n in cos(Double.pi * Double(k) * Double(2 * n + 1) / 64) }
    }

    /// 64 booleans, the first in the most significant bit.
    private static func pack(_ flags: [Bool]) -> UInt64 {
        flags.reduce(UInt64(0)) { ($0 << 1) | ($1 ? 1 : 0) }
    }

    /// `image` in Pillow's 8-bit gray, resized to `width` × `height` with `filter` (Lanczos-3 by
    /// default), row-major.
    ///
    /// Pillow resamples each channel with the same fixed-point arithmetic, so resizing a gray
    /// image copied into three channels and keeping one gives exactly Pillow's "L" resize.
    static func grayResized(_ image: RGBImage, width: Int, height: Int, filter: ResampleFilter = .lanczos) -> [UInt8] {
        let gray = image.pixels.withUnsafeBufferPointer { source in
            RGBImage(uncheckedWidth: image.width, height: image.height) { out in
                for i in 0..<(image.width * image.height) {
                    let luma = (UInt32(source[3 &* i]) &* 19595 &+ UInt32(source[3 &* i &+ 1]) &* 38470
                        &+ UInt32(source[3 &* i &+ 2]) &* 7471 &+ 0x8000) >> 16
                    let value = UInt8(truncatingIfNeeded: luma)
                    out[3 &* i] = value
                    out[3 &* i &+ 1] = value
                    out[3 &* i &+ 2] = value
                }
            }
        }
        let resized: RGBImage
        do {
            resized = try ImageResizer.resize(gray, width: width, height: height, filter: filter)
        } catch {
            // Only a size outside 1...maximumSide fails; callers ask for 32, 24, 9 and 8.
            preconditionFailure("resizing to \(width)×\(height) failed: \(error)")
        }
        return stride(from: 0, to: resized.pixels.count, by: 3).map { resized.pixels[$0] }
    }
}

private extension UInt8 {
    /// An ASCII 0-9, a-f or A-F.
    var isHexDigit: Bool { (0x30...0x39).contains(self) || (0x41...0x46).contains(self) || (0x61...0x66).contains(self) }
}
