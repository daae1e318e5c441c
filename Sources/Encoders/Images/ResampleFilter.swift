import Foundation

/// A resampling filter of Pillow's `Image.resize`, evaluated exactly as Pillow's
/// `libImaging/Resample.c` evaluates it (in Double, same operation order), so that resizing is
/// bit-exact with Pillow.
public enum ResampleFilter: String, Sendable, CaseIterable {
    /// Box (area average when reducing); support 0.5.
    case box
    /// Triangle (`Image.BILINEAR`); support 1.
    case bilinear
    /// Hamming-windowed sinc; support 1.
    case hamming
    /// Keys cubic convolution with a = −0.5 (`Image.BICUBIC`, Keys 1981); support 2. The filter
    /// of the EfficientNet, ResNet and CLIP preprocessing.
    case bicubic
    /// Lanczos-3 windowed sinc (`Image.LANCZOS`); support 3.
    case lanczos

    /// Half the filter's width in input pixels at scale 1 (it is widened by the downscale factor).
    public var support: Double {
        switch self {
        case .box: 0.5
        case .bilinear, .hamming: 1
        case .bicubic: 2
        case .lanczos: 3
        }
    }

    /// The filter's weight at distance `x` (in output-pixel units).
    public func weight(_ x: Double) -> Double {
        switch self {
        case .box:
            return x > -0.5 && x <= 0.5 ? 1 : 0
        case .bilinear:
            let x = abs(x)
            return x < 1 ? 1 - x : 0
        case .hamming:
            let x = abs(x)
            if x == 0 { return 1 }
            if x >= 1 { return 0 }
            let angle = x * .pi
            // Pillow writes the window's constants as floats: 0.54f + 0.46f * cos(x).
            return sin(angle) / angle * (Double(Float(0.54)) + Double(Float(0.46)) * cos(angle))
        case .bicubic:
            let a = -0.5
            let x = abs(x)
            if x < 1 { return ((a + 2) * x - (a + 3)) * x * x + 1 }
            if x < 2 { return (((x - 5) * x + 8) * x - 4) * a }
            return 0
        case .lanczos:
            guard -3 <= x && x < 3 else { return 0 }
            return Self.sinc(x) * Self.sinc(x / 3)
        }
    }

    private static func sinc(_ x: Double) -> Double {
        if x == 0 { return 1 }
        let angle = x * .pi
        return sin(angle) / angle
    }
}
