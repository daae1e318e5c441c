/// The fixed-point filter taps of one resampling pass along one axis, computed as Pillow's
/// `precompute_coeffs` and `normalize_coeffs_8bpc` compute them (Resample.c), for the output
/// positions `outputs` of a resize from `inputSize` to `outputSize` pixels.
///
/// Output pixel `o` reads input pixels `first(o) ..< first(o) + count(o)` with weights
/// `weights[(o − outputs.lowerBound) · kernelSize + i]`: the filter centred at
/// `(o + 0.5) · scale`, widened by the downscale factor (antialiasing), normalised to sum 1 in
/// Double, then rounded half away from zero to `precisionBits` (22) fractional bits.
struct ResampleCoefficients {
    /// Fractional bits of a weight: Pillow's `PRECISION_BITS = 32 − 8 − 2` for 8-bit images.
    static let precisionBits: Int32 = 22
    /// The value every accumulator starts at: one half, for rounding.
    static let half: Int32 = 1 << (precisionBits - 1)

    /// The output positions covered.
    let outputs: Range<Int>
    /// Weights stored per output (the most any output uses).
    let kernelSize: Int
    /// Per covered output: first input pixel, number of input pixels.
    private(set) var spans: [(first: Int, count: Int)] = []
    /// `outputs.count × kernelSize` fixed-point weights (unused slots are 0).
    private(set) var weights: [Int32] = []

    init(inputSize: Int, outputSize: Int, outputs: Range<Int>, filter: ResampleFilter) {
        self.outputs = outputs
        // Pillow: scale = (in1 − in0) / outSize with the box (0, inSize) given as floats.
        let scale = Double(Float(inputSize)) / Double(outputSize)
        let filterScale = max(scale, 1)
        let support = filter.support * filterScale
        kernelSize = Int(support.rounded(.up)) * 2 + 1
        let inverseFilterScale = 1 / filterScale
        spans.reserveCapacity(outputs.count)
        weights = [Int32](repeating: 0, count: outputs.count * kernelSize)
        var taps = [Double](repeating: 0, count: kernelSize)
        for (slot, output) in outputs.enumerated() {
            let center = (Double(output) + 0.5) * scale
            // Pillow's (int) casts truncate toward zero.
            let first = max(Int(center - support + 0.5), 0)
            let count = min(Int(center + support + 0.5), inputSize) - first
            var sum = 0.0
            for i in 0..<max(count, 0) {
                let weight = filter.weight((Double(i + first) - center + 0.5) * inverseFilterScale)
                taps[i] = weight
                sum += weight
            }
            for i in 0..<max(count, 0) {
                let normalised = sum != 0 ? taps[i] / sum : taps[i]
                let fixed = normalised * Double(1 << Self.precisionBits)
                weights[slot * kernelSize + i] = Int32(normalised < 0 ? fixed - 0.5 : fixed + 0.5)
            }
            spans.append((first, max(count, 0)))
        }
    }

    /// The input pixels the covered outputs read: from the first one's first to the last one's end.
    var inputRange: Range<Int> {
        guard let low = spans.lazy.filter({ $0.count > 0 }).map(\.first).min(),
              let high = spans.lazy.map({ $0.first + $0.count }).max()
        else { return 0..<0 }
        return low..<high
    }
}
