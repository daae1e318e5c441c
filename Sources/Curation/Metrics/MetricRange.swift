/// A range of metric values, each bound optional and inclusive or exclusive.
public struct MetricRange: Sendable, Equatable {
    /// The lower bound, if any.
    public var lower: Double?
    /// Whether a value equal to `lower` is inside.
    public var includesLower: Bool
    /// The upper bound, if any.
    public var upper: Double?
    /// Whether a value equal to `upper` is inside.
    public var includesUpper: Bool

    /// A range; bounds are inclusive unless said otherwise.
    /// - Throws: `invalidArgument` for a NaN bound or a lower bound above the upper one.
    public init(lower: Double? = nil, includesLower: Bool = true, upper: Double? = nil, includesUpper: Bool = true) throws(CurationError) {
        if lower?.isNaN == true || upper?.isNaN == true {
            throw CurationError(.invalidArgument, "a metric range bound is NaN")
        }
        if let lower, let upper, lower > upper {
            throw CurationError(.invalidArgument, "the metric range's lower bound \(lower) is above its upper bound \(upper)")
        }
        self.lower = lower
        self.includesLower = includesLower
        self.upper = upper
        self.includesUpper = includesUpper
    }

    /// Whether `value` lies in the range (a missing value never does).
    public func contains(_ value: Double?) -> Bool {
        guard let value, !value.isNaN else { return false }
        if let lower, includesLower ? value < lower : value <= lower { return false }
        if let upper, includesUpper ? value > upper : value >= upper { return false }
        return true
    }
}
