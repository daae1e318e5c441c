// Vector math on eight floats at a time, for the element-wise ops (activations, softmax, layer
// norm). Written with plain `*` and `+` (no `addingProduct`, which is a library call per lane on
// baseline x86-64) so that `-O` turns each line into packed SSE instructions.

/// Eight floats: the unit the element-wise kernels work in.
typealias Float8 = SIMD8<Float>

/// Loads eight floats from `pointer + offset` (any alignment).
@inline(__always)
func load8(_ pointer: UnsafePointer<Float>, _ offset: Int) -> Float8 {
    UnsafeRawPointer(pointer + offset).loadUnaligned(as: Float8.self)
}

/// Stores eight floats at `pointer + offset` (any alignment).
@inline(__always)
func store8(_ value: Float8, _ pointer: UnsafeMutablePointer<Float>, _ offset: Int) {
    UnsafeMutableRawPointer(pointer + offset).storeBytes(of: value, as: Float8.self)
}

/// Loads the `count` (< 8) floats at `pointer + offset` into the first lanes; the rest are `fill`.
@inline(__always)
func loadPartial(_ pointer: UnsafePointer<Float>, _ offset: Int, count: Int, fill: Float = 0) -> Float8 {
    var value = Float8(repeating: fill)
    for lane in 0..<count { value[lane] = pointer[offset + lane] }
    return value
}

/// Stores the first `count` (< 8) lanes of `value` at `pointer + offset`.
@inline(__always)
func storePartial(_ value: Float8, _ pointer: UnsafeMutablePointer<Float>, _ offset: Int, count: Int) {
    for lane in 0..<count { pointer[offset + lane] = value[lane] }
}

/// The lane-wise minimum (the second operand where either is NaN). The standard library's
/// `pointwiseMin` is not inlined and costs a call per vector.
@inline(__always)
func minimum8(_ a: Float8, _ b: Float8) -> Float8 {
    a.replacing(with: b, where: .!(a .< b))
}

/// The lane-wise maximum (the second operand where either is NaN).
@inline(__always)
func maximum8(_ a: Float8, _ b: Float8) -> Float8 {
    a.replacing(with: b, where: .!(a .> b))
}

/// Replaces each of the `count` floats at `values` by `transform` of it, eight at a time.
@inline(__always)
func transformInPlace(_ values: UnsafeMutablePointer<Float>, count: Int, _ transform: (Float8) -> Float8) {
    var i = 0
    while i + 8 <= count {
        store8(transform(load8(values, i)), values, i)
        i += 8
    }
    if i < count {
        storePartial(transform(loadPartial(values, i, count: count - i)), values, i, count: count - i)
    }
}

/// Replaces each float `x[i]` of a row by `transform(x[i], other[i])`, eight at a time.
@inline(__always)
func transformInPlace(
    _ values: UnsafeMutablePointer<Float>, with other: UnsafePointer<Float>, count: Int,
    _ transform: (Float8, Float8) -> Float8
) {
    var i = 0
    while i + 8 <= count {
        store8(transform(load8(values, i), load8(other, i)), values, i)
        i += 8
    }
    if i < count {
        let rest = count - i
        storePartial(transform(loadPartial(values, i, count: rest), loadPartial(other, i, count: rest)), values, i, count: rest)
    }
}

/// Fast vector versions of `exp` and `erf` for Float.
enum FastMath {
    /// e^x with a relative error below 1e-7 (Cody–Waite reduction by ln 2, then a degree-7 Taylor
    /// polynomial on [−ln2/2, ln2/2]). Inputs are clamped to [−87.3, 88.3]: below, the result is
    /// about 1e-38 instead of a denormal or 0; above, it is about 2e38 instead of infinity.
    @inline(__always)
    static func exp(_ x: Float8) -> Float8 {
        expInRange(minimum8(maximum8(x, Float8(repeating: -87.3)), Float8(repeating: 88.3)))
    }

    /// e^x for x already in [−87.3, 88.3] (no clamping).
    @inline(__always)
    static func expInRange(_ x: Float8) -> Float8 {
        // Adding and subtracting 1.5·2²³ rounds to the nearest integer without SSE4.1's roundps;
        // the integer is then in the low bits of `shifted`.
        let magic = Float8(repeating: 12_582_912)
        let shifted = x * Float8(repeating: 1.442_695_04) + magic
        let n = shifted - magic
        var r = x - n * Float8(repeating: 0.693_145_751_953_125)
        r = r - n * Float8(repeating: 1.428_606_765_330_187e-06)
        // 1 + r + r²·(1/2 + r/6 + r²/24 + r³/120 + r⁴/720 + r⁵/5040), the bracket in Estrin's
        // scheme (shorter dependency chains than Horner's).
        let r2 = r * r
        let a = Float8(repeating: 0.5) + r * Float8(repeating: 1.0 / 6)
        let b = Float8(repeating: 1.0 / 24) + r * Float8(repeating: 1.0 / 120)
        let c = Float8(repeating: 1.0 / 720) + r * Float8(repeating: 1.0 / 5040)
        let p = a + r2 * (b + r2 * c)
        let e = p * r2 + r + Float8(repeating: 1)
        let exponent = unsafeBitCast(shifted, to: SIMD8<Int32>.self) &- unsafeBitCast(magic, to: SIMD8<Int32>.self)
        let scale = unsafeBitCast((exponent &+ 127) &<< 23, to: Float8.self)
        return e * scale
    }

    /// Below this |x|, `erf` uses its odd polynomial; from here on, 1 − exp(polynomial).
    static let erfSplit: Float = 0.921_875
    /// From this |x| on, erf(x) rounds to ±1 in Float (1 − erf(3.925) ≈ 7e-9).
    static let erfSaturation: Float = 3.925

    /// The error function with an absolute error below 1e-7 for every Float (7.1e-8 measured;
    /// the test checks it against Foundation's `erf` in Double).
    ///
    /// Two minimax fits (Lawson-weighted least squares, `scripts/fit-erf-coefficients.py`), both
    /// evaluated for every lane and blended:
    /// - |x| < 0.921875: erf(x) = x + x·P(x²), P of degree 5 (fit error 7e-9);
    /// - 0.921875 ≤ |x| < 3.925: erf(|x|) = 1 − exp(Q(|x|)), Q ≈ log erfc of degree 6, weighted by
    ///   erfc so that the absolute error of the result is what is minimised (fit error 1.5e-9);
    /// - |x| ≥ 3.925: ±1.
    @inline(__always)
    static func erf(_ x: Float8) -> Float8 {
        let signMask = SIMD8<UInt32>(repeating: 0x8000_0000)
        let bits = unsafeBitCast(x, to: SIMD8<UInt32>.self)
        let magnitude = unsafeBitCast(bits & ~signMask, to: Float8.self)

        let s = x * x
        var p = Float8(repeating: -0.000_583_491_404_540_836_8)
        p = p * s + Float8(repeating: 0.004_956_388_846_039_772)
        p = p * s + Float8(repeating: -0.026_734_974_235_296_25)
        p = p * s + Float8(repeating: 0.112_806_215_882_301_33)
        p = p * s + Float8(repeating: -0.376_123_070_716_857_9)
        p = p * s + Float8(repeating: 0.128_379_061_818_122_86)
        let small = x + x * p

        let t = minimum8(magnitude, Float8(repeating: erfSaturation))
        // Q(t) in Estrin's scheme: (c0 + c1·t) + t²·(c2 + c3·t) + t⁴·((c4 + c5·t) + t²·c6).
        let t2 = t * t
        let q01 = Float8(repeating: -0.000_209_888_909_012_079_24) + t * Float8(repeating: -1.127_615_571_022_033_7)
        let q23 = Float8(repeating: -0.637_285_590_171_814) + t * Float8(repeating: -0.103_839_047_253_131_87)
        let q45 = Float8(repeating: 0.022_181_464_359_164_238) + t * Float8(repeating: -0.003_031_616_564_840_078_4)
        let q46 = q45 + t2 * Float8(repeating: 0.000_194_736_057_892_441_75)
        let q = q01 + t2 * (q23 + t2 * q46)
        // q lies in [−17.5, −1.6]: no clamping needed.
        var large = Float8(repeating: 1) - expInRange(q)
        large.replace(with: 1, where: magnitude .>= Float8(repeating: erfSaturation))
        let signed = unsafeBitCast(unsafeBitCast(large, to: SIMD8<UInt32>.self) | (bits & signMask), to: Float8.self)
        return small.replacing(with: signed, where: magnitude .>= Float8(repeating: erfSplit))
    }

    /// tanh(x) = 1 − 2 / (1 + e^{2x}), saturating to ±1.
    @inline(__always)
    static func tanh(_ x: Float8) -> Float8 {
        Float8(repeating: 1) - Float8(repeating: 2) / (Float8(repeating: 1) + exp(x + x))
    }

    /// The logistic function 1 / (1 + e^{−x}).
    @inline(__always)
    static func sigmoid(_ x: Float8) -> Float8 {
        Float8(repeating: 1) / (Float8(repeating: 1) + exp(-x))
    }
}
