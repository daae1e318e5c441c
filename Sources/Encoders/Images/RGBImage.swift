/// An 8-bit RGB image: `height` rows of `width` pixels, each pixel three bytes R, G, B
/// (interleaved, "HWC", row-major, no padding). What every decoder produces and every resize,
/// crop and normalisation consumes.
public struct RGBImage: Sendable, Equatable {
    /// Pixels per row.
    public let width: Int
    /// Rows.
    public let height: Int
    /// `width * height * 3` bytes, row by row, R G B per pixel.
    public private(set) var pixels: [UInt8]

    /// Bytes per row (`width * 3`).
    public var rowBytes: Int { width * 3 }

    /// Wraps pixel bytes.
    /// - Throws: `ImageError.invalidArgument` when a side is not positive or `pixels` does not
    ///   hold exactly `width * height * 3` bytes.
    public init(width: Int, height: Int, pixels: [UInt8]) throws {
        guard width > 0, height > 0 else {
            throw ImageError(.invalidArgument, "an image needs a positive size, not \(width)×\(height)")
        }
        let (bytes, overflow) = width.multipliedReportingOverflow(by: height * 3)
        guard !overflow, pixels.count == bytes else {
            throw ImageError(.invalidArgument, "a \(width)×\(height) RGB image needs \(width)·\(height)·3 bytes, not \(pixels.count)")
        }
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// An image whose bytes `fill` writes; the caller guarantees a positive size and that `fill`
    /// initialises all `width * height * 3` bytes.
    init(uncheckedWidth width: Int, height: Int, fill: (UnsafeMutableBufferPointer<UInt8>) throws -> Void) rethrows {
        self.width = width
        self.height = height
        pixels = try [UInt8](unsafeUninitializedCapacity: width * height * 3) { buffer, count in
            try fill(buffer)
            count = buffer.count
        }
    }

    /// The pixel at column `x`, row `y`.
    /// - Precondition: the coordinates are inside the image.
    public subscript(x: Int, y: Int) -> (red: UInt8, green: UInt8, blue: UInt8) {
        precondition(x >= 0 && x < width && y >= 0 && y < height, "pixel (\(x), \(y)) outside a \(width)×\(height) image")
        let offset = (y * width + x) * 3
        return (pixels[offset], pixels[offset + 1], pixels[offset + 2])
    }

    /// The part of the image inside `rect`, copied.
    /// - Throws: `ImageError.invalidArgument` when `rect` is empty or not inside the image.
    public func cropped(to rect: PixelRect) throws -> RGBImage {
        guard rect.width > 0, rect.height > 0, rect.left >= 0, rect.top >= 0, rect.right <= width, rect.bottom <= height else {
            throw ImageError(.invalidArgument, "crop \(rect) is not inside the \(width)×\(height) image")
        }
        return pixels.withUnsafeBufferPointer { source in
            RGBImage(uncheckedWidth: rect.width, height: rect.height) { out in
                let rowBytes = rect.width * 3
                for row in 0..<rect.height {
                    let from = ((rect.top + row) * width + rect.left) * 3
                    (out.baseAddress! + row * rowBytes).update(from: source.baseAddress! + from, count: rowBytes)
                }
            }
        }
    }
}

/// A rectangle of whole pixels: columns `left..<right`, rows `top..<bottom`.
public struct PixelRect: Sendable, Hashable, CustomStringConvertible {
    /// First column.
    public var left: Int
    /// First row.
    public var top: Int
    /// Columns.
    public var width: Int
    /// Rows.
    public var height: Int

    /// A rectangle from its top-left corner and size.
    public init(left: Int, top: Int, width: Int, height: Int) {
        self.left = left
        self.top = top
        self.width = width
        self.height = height
    }

    /// A rectangle from its edges, as Pillow's `crop((left, top, right, bottom))` takes them.
    public init(left: Int, top: Int, right: Int, bottom: Int) {
        self.init(left: left, top: top, width: right - left, height: bottom - top)
    }

    /// One past the last column.
    public var right: Int { left + width }
    /// One past the last row.
    public var bottom: Int { top + height }

    /// `(left, top, right, bottom)`, as `[l, t, r, b]`.
    public var description: String { "[\(left), \(top), \(right), \(bottom)]" }
}
