import VectorMath

/// How alike two small gray thumbnails are at the pixel level, in a way that survives the edits a
/// copied picture goes through: resizing (a blur), re-encoding, brightness and contrast changes,
/// light noise and small shifts.
///
/// The score of thumbnails `a` and `b` (both `side` × `side`, 8-bit gray, row-major) is the
/// largest zero-mean normalised cross-correlation (Pearson correlation of the pixels, in −1...1)
/// over
/// - every translation of `b` against `a` by at most `maxShift` pixels in x and y, computed over
///   the pixels the two overlap in (so nothing is padded in), and
/// - three pairings: `a` with `b`, `blur(a)` with `b`, `a` with `blur(b)`, where `blur` is the
///   separable [1, 2, 1] / 4 kernel with edge pixels repeated. A copy that went through a smaller
///   size (28 → 22 → 28 pixels, a 50 % thumbnail) is a blurred original; blurring the sharper one
///   of the two brings them back together, while two different pictures stay apart.
///
/// Correlation ignores brightness and contrast (an affine change of the pixel values leaves it
/// unchanged), so only clipping, noise, compression artefacts and resampling lower it. A window
/// whose pixels are all equal (a blank picture) has no correlation: it scores 0 against anything.
///
/// The score is symmetric. Copy detection in the style of Ke et al. (2004) and the "verify
/// candidates with a pixel similarity" step of image deduplication tools: candidates come from
/// elsewhere (`NearDuplicates.images`), this type only verifies.
public struct ImageCorrelation: Sendable {
    /// The thumbnail side the catalog uses (`ImageThumbnail.side` in Encoders).
    public static let defaultSide = 24
    /// The default largest translation tried, in thumbnail pixels (±8 % of the picture at 24).
    public static let defaultMaxShift = 2

    /// The thumbnails' side in pixels.
    public let side: Int
    /// The largest translation tried in x and in y, in pixels.
    public let maxShift: Int

    /// A measure for `side` × `side` thumbnails trying translations up to `maxShift` pixels.
    /// - Throws: `invalidArgument` for a side under 4 or a shift outside 0...side/4.
    public init(side: Int = defaultSide, maxShift: Int = defaultMaxShift) throws(CurationError) {
        guard side >= 4 else { throw CurationError(.invalidArgument, "a thumbnail side must be at least 4 pixels (got \(side))") }
        guard (0...side / 4).contains(maxShift) else {
            throw CurationError(.invalidArgument, "the largest shift must be in 0...\(side / 4) pixels for \(side)-pixel thumbnails (got \(maxShift))")
        }
        self.side = side
        self.maxShift = maxShift
    }

    /// The score of two thumbnails (see the type's documentation).
    /// - Throws: `invalidArgument` when either is not `side` × `side` pixels.
    public func score(_ a: [UInt8], _ b: [UInt8]) throws(CurationError) -> Float {
        for thumbnail in [a, b] where thumbnail.count != side * side {
            throw CurationError(.invalidArgument, "a thumbnail has \(thumbnail.count) pixels, not \(side)×\(side)")
        }
        return a.withUnsafeBufferPointer { a in b.withUnsafeBufferPointer { b in score(Prepared(a, measure: self), Prepared(b, measure: self)) } }
    }

    // MARK: Prepared thumbnails

    /// One thumbnail ready to be correlated: its pixels (in 0...1) and their blur, each in a
    /// zero-padded layout, with the sum and sum of squares of every window a translation uses.
    ///
    /// Layout: `width = side + 2·maxShift` columns and rows with the picture at (`maxShift`,
    /// `maxShift`), plus `maxShift` zeros before and after, so that for any translation (dx, dy)
    /// the products over the overlap are one contiguous dot product (the zeros cancel everything
    /// outside it).
    struct Prepared {
        var sharp: [Float]
        var blurred: [Float]
        /// Per window (ox, oy) in −maxShift...maxShift, row-major: (sum, sum of squares) of the
        /// sharp pixels, then of the blurred ones.
        var windows: [(sum: Double, squares: Double, blurredSum: Double, blurredSquares: Double)]

        init(_ pixels: UnsafeBufferPointer<UInt8>, measure: ImageCorrelation) {
            let side = measure.side, shift = measure.maxShift
            let width = side + 2 * shift
            let base = shift + shift * width + shift
            var sharp = [Float](repeating: 0, count: width * width + 2 * shift)
            var plain = [Float](repeating: 0, count: side * side)
            for i in 0..<(side * side) { plain[i] = Float(pixels[i]) / 255 }
            let blur = Self.blur(plain, side: side)
            var blurred = sharp
            for y in 0..<side {
                for x in 0..<side {
                    sharp[base + y * width + x] = plain[y * side + x]
                    blurred[base + y * width + x] = blur[y * side + x]
                }
            }
            // Integral images of both, then each window's sums by four lookups.
            let sums = Self.integral(plain, side: side), blurSums = Self.integral(blur, side: side)
            var windows: [(sum: Double, squares: Double, blurredSum: Double, blurredSquares: Double)] = []
            windows.reserveCapacity((2 * shift + 1) * (2 * shift + 1))
            for oy in -shift...shift {
                for ox in -shift...shift {
                    let x0 = max(0, ox), x1 = side + min(0, ox), y0 = max(0, oy), y1 = side + min(0, oy)
                    let a = Self.window(sums, side: side, x0, x1, y0, y1), b = Self.window(blurSums, side: side, x0, x1, y0, y1)
                    windows.append((a.sum, a.squares, b.sum, b.squares))
                }
            }
            self.sharp = sharp
            self.blurred = blurred
            self.windows = windows
        }

        /// The [1, 2, 1] / 4 blur along rows then columns, edge pixels repeated.
        static func blur(_ pixels: [Float], side: Int) -> [Float] {
            var rows = pixels, out = pixels
            for y in 0..<side {
                for x in 0..<side {
                    let left = pixels[y * side + max(0, x - 1)], right = pixels[y * side + min(side - 1, x + 1)]
                    rows[y * side + x] = (left + 2 * pixels[y * side + x] + right) / 4
                }
            }
            for y in 0..<side {
                for x in 0..<side {
                    let up = rows[max(0, y - 1) * side + x], down = rows[min(side - 1, y + 1) * side + x]
                    out[y * side + x] = (up + 2 * rows[y * side + x] + down) / 4
                }
            }
            return out
        }

        /// Summed-area tables of the values and of their squares, (side + 1)² each.
        static func integral(_ pixels: [Float], side: Int) -> (values: [Double], squares: [Double]) {
            let stride = side + 1
            var values = [Double](repeating: 0, count: stride * stride), squares = values
            for y in 0..<side {
                var row = 0.0, rowSquares = 0.0
                for x in 0..<side {
                    let v = Double(pixels[y * side + x])
                    row += v
                    rowSquares += v * v
                    values[(y + 1) * stride + x + 1] = values[y * stride + x + 1] + row
                    squares[(y + 1) * stride + x + 1] = squares[y * stride + x + 1] + rowSquares
                }
            }
            return (values, squares)
        }

        static func window(_ tables: (values: [Double], squares: [Double]), side: Int, _ x0: Int, _ x1: Int, _ y0: Int, _ y1: Int)
            -> (sum: Double, squares: Double) {
            let s = side + 1
            func area(_ t: [Double]) -> Double { t[y1 * s + x1] - t[y0 * s + x1] - t[y1 * s + x0] + t[y0 * s + x0] }
            return (area(tables.values), area(tables.squares))
        }
    }

    /// The score of two prepared thumbnails.
    func score(_ a: Prepared, _ b: Prepared) -> Float {
        let side = side, shift = maxShift
        let width = side + 2 * shift, span = 2 * shift + 1
        let kernels = VectorKernels.active
        var best = -Float.infinity
        a.sharp.withUnsafeBufferPointer { aSharp in
            a.blurred.withUnsafeBufferPointer { aBlurred in
                b.sharp.withUnsafeBufferPointer { bSharp in
                    b.blurred.withUnsafeBufferPointer { bBlurred in
                        let start = shift + shift * width  // the picture's first row, padding columns included
                        for dy in -shift...shift {
                            for dx in -shift...shift {
                                // a's pixel (x, y) meets b's (x + dx, y + dy): a uses window (−dx, −dy), b window (dx, dy).
                                let wa = a.windows[(-dy + shift) * span + (-dx + shift)]
                                let wb = b.windows[(dy + shift) * span + (dx + shift)]
                                let count = Double((side - abs(dx)) * (side - abs(dy)))
                                let offset = dy * width + dx
                                let length = side * width
                                let pa = aSharp.baseAddress! + start, pb = bSharp.baseAddress! + start + offset
                                let qa = aBlurred.baseAddress! + start, qb = bBlurred.baseAddress! + start + offset
                                let plain = Double(kernels.dot(pa, pb, count: length))
                                let blurA = Double(kernels.dot(qa, pb, count: length))
                                let blurB = Double(kernels.dot(pa, qb, count: length))
                                best = max(best, Self.correlation(plain, wa.sum, wa.squares, wb.sum, wb.squares, count))
                                best = max(best, Self.correlation(blurA, wa.blurredSum, wa.blurredSquares, wb.sum, wb.squares, count))
                                best = max(best, Self.correlation(blurB, wa.sum, wa.squares, wb.blurredSum, wb.blurredSquares, count))
                            }
                        }
                    }
                }
            }
        }
        return best
    }

    /// Pearson correlation from the sums over `count` pixels; 0 when either side is flat.
    @inline(__always)
    static func correlation(_ products: Double, _ sumA: Double, _ squaresA: Double, _ sumB: Double, _ squaresB: Double, _ count: Double) -> Float {
        let varianceA = squaresA - sumA * sumA / count, varianceB = squaresB - sumB * sumB / count
        // Under about 1/255² of spread per pixel the window is blank (or rounding noise).
        let floor = count * 1e-6
        guard varianceA > floor, varianceB > floor else { return 0 }
        return Float((products - sumA * sumB / count) / (varianceA * varianceB).squareRoot())
    }
}
