/// A running sum with Neumaier's compensation (Neumaier 1974, an improvement of Kahan 1965):
/// the rounding error of every addition is carried separately, so the result is as accurate as
/// summing in twice the precision, whatever the order and magnitudes of the terms.
struct CompensatedSum {
    private var sum = 0.0
    private var compensation = 0.0

    /// Adds `value`.
    mutating func add(_ value: Double) {
        let total = sum + value
        if abs(sum) >= abs(value) {
            compensation += (sum - total) + value
        } else {
            compensation += (value - total) + sum
        }
        sum = total
    }

    /// The sum of every value added.
    var value: Double { sum + compensation }
}
