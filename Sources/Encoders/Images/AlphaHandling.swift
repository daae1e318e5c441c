/// What decoding does with an image's transparency (an alpha channel, a palette's tRNS alphas or
/// a transparent colour key) when it produces RGB.
public enum AlphaHandling: Sendable, Hashable {
    /// Composite over white, in integers, as the EfficientNet reference does:
    /// `out = (c·a + 255·(255 − a) + 127) / 255` (`/` rounding down). A fully transparent pixel
    /// becomes white whatever its stored colour.
    case compositeOverWhite
    /// Keep the stored colour and ignore transparency, as Pillow's `convert('RGB')` does.
    case drop
}

/// Conversions from the sample layouts the codecs produce to 8-bit RGB, each the same arithmetic
/// as Pillow's for that layout. Every function reads `count` pixels from `source` and writes
/// `count * 3` bytes to `rgb`.
enum PixelConversion {
    /// One gray sample per pixel, copied to R, G and B (Pillow "L" → "RGB").
    static func gray(_ source: UnsafePointer<UInt8>, count: Int, into rgb: UnsafeMutablePointer<UInt8>) {
        for i in 0..<count {
            let value = source[i]
            rgb[3 &* i] = value
            rgb[3 &* i &+ 1] = value
            rgb[3 &* i &+ 2] = value
        }
    }

    /// 16-bit big-endian gray. Pillow reads it as mode "I;16" and converts to RGB by clipping:
    /// values above 255 become 255 (`I16_RGB` in Pillow's Convert.c), not by scaling.
    static func gray16(_ source: UnsafePointer<UInt8>, count: Int, into rgb: UnsafeMutablePointer<UInt8>) {
        for i in 0..<count {
            let value = clip16(high: source[2 &* i], low: source[2 &* i &+ 1])
            rgb[3 &* i] = value
            rgb[3 &* i &+ 1] = value
            rgb[3 &* i &+ 2] = value
        }
    }

    /// Gray + alpha, 8 bits each.
    static func grayAlpha(_ source: UnsafePointer<UInt8>, count: Int, into rgb: UnsafeMutablePointer<UInt8>, alpha: AlphaHandling) {
        for i in 0..<count {
            let value = apply(source[2 &* i], alpha: source[2 &* i &+ 1], alpha)
            rgb[3 &* i] = value
            rgb[3 &* i &+ 1] = value
            rgb[3 &* i &+ 2] = value
        }
    }

    /// 16-bit big-endian gray (clipped as in `gray16`) + 16-bit alpha (its high byte), as a PNG's
    /// 16-bit gray with a tRNS colour key decodes.
    static func gray16Alpha(_ source: UnsafePointer<UInt8>, count: Int, into rgb: UnsafeMutablePointer<UInt8>, alpha: AlphaHandling) {
        for i in 0..<count {
            let gray = clip16(high: source[4 &* i], low: source[4 &* i &+ 1])
            let value = apply(gray, alpha: source[4 &* i &+ 2], alpha)
            rgb[3 &* i] = value
            rgb[3 &* i &+ 1] = value
            rgb[3 &* i &+ 2] = value
        }
    }

    /// RGBA, 8 bits each.
    static func rgba(_ source: UnsafePointer<UInt8>, count: Int, into rgb: UnsafeMutablePointer<UInt8>, alpha: AlphaHandling) {
        switch alpha {
        case .drop:
            for i in 0..<count {
                rgb[3 &* i] = source[4 &* i]
                rgb[3 &* i &+ 1] = source[4 &* i &+ 1]
                rgb[3 &* i &+ 2] = source[4 &* i &+ 2]
            }
        case .compositeOverWhite:
            for i in 0..<count {
                let a = source[4 &* i &+ 3]
                rgb[3 &* i] = overWhite(source[4 &* i], alpha: a)
                rgb[3 &* i &+ 1] = overWhite(source[4 &* i &+ 1], alpha: a)
                rgb[3 &* i &+ 2] = overWhite(source[4 &* i &+ 2], alpha: a)
            }
        }
    }

    /// CMYK as libjpeg returns it from an Adobe JPEG (stored inverted). Pillow reads it as
    /// "CMYK;I" (inverting back) and converts with `cmyk2rgb`:
    /// `nk = 255 − k; out = clip(nk − (c·nk + 128 + ((c·nk + 128) >> 8)) >> 8)`.
    static func invertedCMYK(_ source: UnsafePointer<UInt8>, count: Int, into rgb: UnsafeMutablePointer<UInt8>) {
        for i in 0..<count {
            let nk = Int(source[4 &* i &+ 3])  // 255 − (255 − stored k)
            for channel in 0..<3 {
                let c = 255 &- Int(source[4 &* i &+ channel])
                let product = c &* nk &+ 128
                let value = nk &- (((product >> 8) &+ product) >> 8)
                rgb[3 &* i &+ channel] = UInt8(clamping: value)
            }
        }
    }

    /// `c` under `alpha` by `handling`.
    @inline(__always)
    static func apply(_ c: UInt8, alpha: UInt8, _ handling: AlphaHandling) -> UInt8 {
        handling == .drop ? c : overWhite(c, alpha: alpha)
    }

    /// `(c·a + 255·(255 − a) + 127) / 255`.
    @inline(__always)
    static func overWhite(_ c: UInt8, alpha a: UInt8) -> UInt8 {
        let a = UInt32(a)
        return UInt8(truncatingIfNeeded: (UInt32(c) &* a &+ 255 &* (255 &- a) &+ 127) / 255)
    }

    @inline(__always)
    private static func clip16(high: UInt8, low: UInt8) -> UInt8 { high == 0 ? low : 255 }
}
