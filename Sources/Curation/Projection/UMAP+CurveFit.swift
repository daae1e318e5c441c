import Foundation

extension UMAP {
    /// The a, b of the embedding's membership curve 1 / (1 + a·x^(2b)) that best fit (least
    /// squares, Levenberg–Marquardt from a = b = 1, as umap-learn's `find_ab_params` through
    /// scipy's `curve_fit`) the offset exponential 1 for x < minDistance, exp(−(x − minDistance) /
    /// spread) beyond, on 300 points over [0, 3·spread].
    /// - Returns: (a, b); about (1.577, 0.895) for minDistance 0.1 and spread 1.
    public static func curveParameters(minDistance: Double, spread: Double) -> (a: Double, b: Double) {
        let xs = (0..<300).map { Double($0) * spread * 3 / 299 }
        let ys = xs.map { $0 < minDistance ? 1 : exp(-($0 - minDistance) / spread) }
        func residuals(_ a: Double, _ b: Double) -> Double {
            zip(xs, ys).reduce(0) { total, point in
                let f = 1 / (1 + a * pow(point.0, 2 * b))
                return total + (f - point.1) * (f - point.1)
            }
        }
        var a = 1.0, b = 1.0, lambda = 1e-3
        var cost = residuals(a, b)
        for _ in 0..<500 {
            // Normal equations JᵀJ δ = −Jᵀr of the 2-parameter problem.
            var jaa = 0.0, jab = 0.0, jbb = 0.0, ga = 0.0, gb = 0.0
            for (x, y) in zip(xs, ys) where x > 0 {
                let power = pow(x, 2 * b)
                let denominator = 1 + a * power
                let f = 1 / denominator
                let r = f - y
                let dfda = -power / (denominator * denominator)
                let dfdb = -a * power * 2 * log(x) / (denominator * denominator)
                jaa += dfda * dfda; jab += dfda * dfdb; jbb += dfdb * dfdb
                ga += dfda * r; gb += dfdb * r
            }
            var improved = false
            for _ in 0..<30 {
                let maa = jaa * (1 + lambda), mbb = jbb * (1 + lambda)
                let determinant = maa * mbb - jab * jab
                guard determinant != 0 else { break }
                let da = -(mbb * ga - jab * gb) / determinant
                let db = -(maa * gb - jab * ga) / determinant
                let trial = residuals(a + da, b + db)
                if trial.isFinite && trial < cost {
                    let relative = (cost - trial) / max(cost, 1e-300)
                    a += da
                    b += db
                    cost = trial
                    lambda = max(lambda / 10, 1e-12)
                    improved = true
                    if relative < 1e-12 { return (a, b) }
                    break
                }
                lambda *= 10
            }
            if !improved { break }
        }
        return (a, b)
    }
}
