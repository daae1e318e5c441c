/// Resizes 8-bit RGB images bit-exactly as Pillow 13's `Image.resize(size, filter)` does
/// (`libImaging/Resample.c`), for every filter in `ResampleFilter`.
///
/// Pillow's algorithm, reproduced step for step: separable convolution, one pass per axis that
/// changes size; filter support widened by the downscale factor (antialiasing); weights
/// normalised in Double and rounded to 22-bit fixed point; 32-bit integer accumulation starting
/// at one half; each pass rounds and clips to an 8-bit intermediate image. The horizontal pass
/// runs first, on only the input rows the vertical pass reads, unless the height shrinks by more
/// than twice as many pixels as the width does, when the vertical pass runs first.
///
/// Each output pixel depends only on its own taps, so `resize(_:width:height:filter:region:)`
/// can compute just a region of the output (the centre crop of a preprocessing pipeline) and
/// still produce exactly the bytes that resizing everything and then cropping would.
public enum ImageResizer {
    /// The largest output side accepted (2^24 pixels): beyond it the fixed-point taps stop being
    /// meaningful and the caller has almost certainly made a mistake.
    public static let maximumSide = 1 << 24

    /// `image` resized to `width` × `height`.
    /// - Throws: `ImageError.invalidArgument` for a size that is not positive or exceeds
    ///   `maximumSide`.
    /// - Complexity: O(width · input height · taps + width · height · taps), taps ≈ 2 · support ·
    ///   max(1, downscale factor) per axis.
    public static func resize(_ image: RGBImage, width: Int, height: Int, filter: ResampleFilter = .bicubic) throws -> RGBImage {
        try resize(image, width: width, height: height, filter: filter, region: PixelRect(left: 0, top: 0, width: width, height: height))
    }

    /// The part `region` of `image` resized to `width` × `height`: the same bytes as resizing
    /// the whole image and cropping, computing only the region.
    /// - Throws: `ImageError.invalidArgument` for a size that is not positive or exceeds
    ///   `maximumSide`, or a region that is empty or not inside `width` × `height`.
    public static func resize(
        _ image: RGBImage, width: Int, height: Int, filter: ResampleFilter = .bicubic, region: PixelRect
    ) throws -> RGBImage {
        guard width > 0, height > 0, width <= maximumSide, height <= maximumSide else {
            throw ImageError(.invalidArgument, "cannot resize to \(width)×\(height): each side must be in 1...\(maximumSide)")
        }
        guard region.width > 0, region.height > 0, region.left >= 0, region.top >= 0, region.right <= width, region.bottom <= height else {
            throw ImageError(.invalidArgument, "region \(region) is not inside the \(width)×\(height) output")
        }
        let needHorizontal = width != image.width
        let needVertical = height != image.height
        guard needHorizontal || needVertical else { return try image.cropped(to: region) }
        let columns = region.left..<region.right
        let rows = region.top..<region.bottom
        let verticalFirst = image.height - height > 0 && image.height - height > (image.width - width) * 2

        return image.pixels.withUnsafeBufferPointer { pixels in
            let source = pixels.baseAddress!
            let stride = image.rowBytes
            if !needVertical {
                let horizontal = ResampleCoefficients(inputSize: image.width, outputSize: width, outputs: columns, filter: filter)
                return RGBImage(uncheckedWidth: columns.count, height: rows.count) { out in
                    resampleRows(source + rows.lowerBound * stride, stride: stride, rows: rows.count, columnShift: 0, horizontal, into: out.baseAddress!)
                }
            }
            let vertical = ResampleCoefficients(inputSize: image.height, outputSize: height, outputs: rows, filter: filter)
            if !needHorizontal {
                return RGBImage(uncheckedWidth: columns.count, height: rows.count) { out in
                    resampleColumns(source + columns.lowerBound * 3, stride: stride, columns: columns.count, rowShift: 0, vertical, into: out.baseAddress!)
                }
            }
            let horizontal = ResampleCoefficients(inputSize: image.width, outputSize: width, outputs: columns, filter: filter)
            if verticalFirst {
                // Vertical pass over the input columns the horizontal pass reads, then horizontal.
                let needed = horizontal.inputRange
                var temporary = [UInt8](repeating: 0, count: needed.count * 3 * rows.count)
                temporary.withUnsafeMutableBufferPointer { temp in
                    resampleColumns(source + needed.lowerBound * 3, stride: stride, columns: needed.count, rowShift: 0, vertical, into: temp.baseAddress!)
                }
                return temporary.withUnsafeBufferPointer { temp in
                    RGBImage(uncheckedWidth: columns.count, height: rows.count) { out in
                        resampleRows(temp.baseAddress!, stride: needed.count * 3, rows: rows.count, columnShift: needed.lowerBound, horizontal, into: out.baseAddress!)
                    }
                }
            }
            // Horizontal pass over the input rows the vertical pass reads, then vertical.
            let needed = vertical.inputRange
            var temporary = [UInt8](repeating: 0, count: columns.count * 3 * needed.count)
            temporary.withUnsafeMutableBufferPointer { temp in
                resampleRows(source + needed.lowerBound * stride, stride: stride, rows: needed.count, columnShift: 0, horizontal, into: temp.baseAddress!)
            }
            return temporary.withUnsafeBufferPointer { temp in
                RGBImage(uncheckedWidth: columns.count, height: rows.count) { out in
                    resampleColumns(temp.baseAddress!, stride: columns.count * 3, columns: columns.count, rowShift: needed.lowerBound, vertical, into: out.baseAddress!)
                }
            }
        }
    }

    /// The horizontal pass: each of `rows` rows (starting at `source`, `stride` bytes apart) is
    /// resampled to the outputs `taps` covers; input column `c` is at `source + (c − columnShift) · 3`.
    /// Output rows are packed (`taps.outputs.count · 3` bytes each).
    static func resampleRows(
        _ source: UnsafePointer<UInt8>, stride: Int, rows: Int, columnShift: Int, _ taps: ResampleCoefficients,
        into output: UnsafeMutablePointer<UInt8>
    ) {
        let outputRowBytes = taps.outputs.count * 3
        let kernelSize = taps.kernelSize
        taps.weights.withUnsafeBufferPointer { weights in
            taps.spans.withUnsafeBufferPointer { spans in
                let weights = weights.baseAddress!
                for row in 0..<rows {
                    let line = source + row &* stride
                    let out = output + row &* outputRowBytes
                    for slot in 0..<spans.count {
                        let span = spans[slot]
                        let k = weights + slot &* kernelSize
                        var pixel = line + (span.first &- columnShift) &* 3
                        var red = ResampleCoefficients.half, green = red, blue = red
                        for i in 0..<span.count {
                            let weight = k[i]
                            red &+= Int32(pixel[0]) &* weight
                            green &+= Int32(pixel[1]) &* weight
                            blue &+= Int32(pixel[2]) &* weight
                            pixel += 3
                        }
                        out[slot &* 3] = clip8(red)
                        out[slot &* 3 &+ 1] = clip8(green)
                        out[slot &* 3 &+ 2] = clip8(blue)
                    }
                }
            }
        }
    }

    /// The vertical pass: `columns` pixels of each input row (starting at `source`, rows
    /// `stride` bytes apart) are resampled to the output rows `taps` covers; input row `r` is at
    /// `source + (r − rowShift) · stride`. Output rows are packed (`columns · 3` bytes each).
    static func resampleColumns(
        _ source: UnsafePointer<UInt8>, stride: Int, columns: Int, rowShift: Int, _ taps: ResampleCoefficients,
        into output: UnsafeMutablePointer<UInt8>
    ) {
        let rowBytes = columns * 3
        let kernelSize = taps.kernelSize
        let accumulators = UnsafeMutablePointer<Int32>.allocate(capacity: rowBytes)
        defer { accumulators.deallocate() }
        taps.weights.withUnsafeBufferPointer { weights in
            taps.spans.withUnsafeBufferPointer { spans in
                let weights = weights.baseAddress!
                for slot in 0..<spans.count {
                    let span = spans[slot]
                    accumulators.update(repeating: ResampleCoefficients.half, count: rowBytes)
                    for i in 0..<span.count {
                        let weight = weights[slot &* kernelSize &+ i]
                        let line = source + (span.first &+ i &- rowShift) &* stride
                        for j in 0..<rowBytes {
                            accumulators[j] &+= Int32(line[j]) &* weight
                        }
                    }
                    let out = output + slot &* rowBytes
                    for j in 0..<rowBytes {
                        out[j] = clip8(accumulators[j])
                    }
                }
            }
        }
    }

    /// A fixed-point sum back to 8 bits: `value >> 22` clipped to 0...255 (Pillow's `clip8`).
    @inline(__always)
    static func clip8(_ value: Int32) -> UInt8 {
        UInt8(clamping: value >> ResampleCoefficients.precisionBits)
    }
}
