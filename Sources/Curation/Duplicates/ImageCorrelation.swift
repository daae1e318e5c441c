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
    /// `load` refills it in place, with a worker's `Scratch`.
    ///
    /// Layout: `width = side + 2·maxShift` columns and rows with the picture at (`maxShift`,
    /// `maxShift`), plus `maxShift` zeros before and after, so that for any translation (dx, dy)
    /// the products over the overlap are one contiguous dot product (the zeros cancel everything
    /// outside it).
    struct Prepared {
        var sharp: [Float]
        var blurred: [Float]
        /// Per window (ox, oy) in −maxShift...maxShift, row-major, four values: the sum and sum
        /// of squares of the sharp pixels, then of the blurred ones.
        var windows: [Double]

        /// Working memory for `load`: the plain pixels, the horizontal blur, the blur, and
        /// summed-area tables. One per worker.
        struct Scratch {
            var plain: [Float], rows: [Float], blur: [Float]
            var tables: [Double]

            init(measure: ImageCorrelation) {
                let side = measure.side
                plain = [Float](repeating: 0, count: side * side)
                rows = plain
                blur = plain
                tables = [Double](repeating: 0, count: 4 * (side + 1) * (side + 1))
            }
        }

        /// An empty one for `measure`'s sizes.
        init(measure: ImageCorrelation) {
            let side = measure.side, shift = measure.maxShift, width = side + 2 * shift
            sharp = [Float](repeating: 0, count: width * width + 2 * shift)
            blurred = sharp
            windows = [Double](repeating: 0, count: 4 * (2 * shift + 1) * (2 * shift + 1))
        }

        /// Prepared from `pixels` (`side` × `side`).
        init(_ pixels: UnsafeBufferPointer<UInt8>, measure: ImageCorrelation) {
            self.init(measure: measure)
            var scratch = Scratch(measure: measure)
            load(pixels, measure: measure, scratch: &scratch)
        }

        /// The bytes one takes (for memory budgets).
        static func bytes(measure: ImageCorrelation) -> Int {
            let width = measure.side + 2 * measure.maxShift, span = 2 * measure.maxShift + 1
            return 2 * 4 * (width * width + 2 * measure.maxShift) + 4 * 8 * span * span + 64
        }

        /// Refills this with `pixels` (`side` × `side`), allocating nothing.
        mutating func load(_ pixels: UnsafeBufferPointer<UInt8>, measure: ImageCorrelation, scratch: inout Scratch) {
            let side = measure.side, shift = measure.maxShift, width = side + 2 * shift
            let base = shift + shift * width + shift
            let stride = side + 1, table = stride * stride
            scratch.plain.withUnsafeMutableBufferPointer { plain in
                scratch.rows.withUnsafeMutableBufferPointer { rows in
                    scratch.blur.withUnsafeMutableBufferPointer { blur in
                        for i in 0..<(side * side) { plain[i] = Float(pixels[i]) / 255 }
                        // The [1, 2, 1] / 4 blur along rows then columns, edge pixels repeated.
                        for y in 0..<side {
                            for x in 0..<side {
                                rows[y * side + x] = (plain[y * side + max(0, x - 1)] + 2 * plain[y * side + x] + plain[y * side + min(side - 1, x + 1)]) / 4
                            }
                        }
                        for y in 0..<side {
                            for x in 0..<side {
                                blur[y * side + x] = (rows[max(0, y - 1) * side + x] + 2 * rows[y * side + x] + rows[min(side - 1, y + 1) * side + x]) / 4
                            }
                        }
                        sharp.withUnsafeMutableBufferPointer { sharp in
                            blurred.withUnsafeMutableBufferPointer { blurred in
                                for y in 0..<side {
                                    for x in 0..<side {
                                        sharp[base + y * width + x] = plain[y * side + x]
                                        blurred[base + y * width + x] = blur[y * side + x]
                                    }
                                }
                            }
                        }
                        // Summed-area tables of values and squares, sharp then blurred; the first
                        // row and column stay zero.
                        scratch.tables.withUnsafeMutableBufferPointer { tables in
                            for t in 0..<2 {
                                let source = t == 0 ? plain : blur
                                let values = tables.baseAddress! + 2 * t * table, squares = values + table
                                for y in 0..<side {
                                    var row = 0.0, rowSquares = 0.0
                                    for x in 0..<side {
                                        let v = Double(source[y * side + x])
                                        row += v
                                        rowSquares += v * v
                                        values[(y + 1) * stride + x + 1] = values[y * stride + x + 1] + row
                                        squares[(y + 1) * stride + x + 1] = squares[y * stride + x + 1] + rowSquares
                                    }
                                }
                            }
                            windows.withUnsafeMutableBufferPointer { windows in
                                var w = 0
                                for oy in -shift...shift {
                                    for ox in -shift...shift {
                                        let x0 = max(0, ox), x1 = side + min(0, ox), y0 = max(0, oy), y1 = side + min(0, oy)
                                        for k in 0..<4 {
                                            let t = tables.baseAddress! + k * table
                                            windows[4 * w + k] = t[y1 * stride + x1] - t[y0 * stride + x1] - t[y1 * stride + x0] + t[y0 * stride + x0]
                                        }
                                        w += 1
                                    }
                                }
                            }
                        }
                    }
                }
            }
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
                                let ia = 4 * ((-dy + shift) * span + (-dx + shift)), ib = 4 * ((dy + shift) * span + (dx + shift))
                                let wa = (sum: a.windows[ia], squares: a.windows[ia + 1], blurredSum: a.windows[ia + 2], blurredSquares: a.windows[ia + 3])
                                let wb = (sum: b.windows[ib], squares: b.windows[ib + 1], blurredSum: b.windows[ib + 2], blurredSquares: b.windows[ib + 3])
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
