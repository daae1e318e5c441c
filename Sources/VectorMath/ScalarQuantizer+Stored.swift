extension ScalarQuantizer {
    /// A quantiser with ranges learnt earlier (for instance read back from a file), or nil when
    /// the two arrays differ in length, are empty, or hold a non-finite value or a step ≤ 0.
    public init?(minimums: [Float], steps: [Float]) {
        guard !minimums.isEmpty, minimums.count == steps.count,
              minimums.allSatisfy(\.isFinite), steps.allSatisfy({ $0.isFinite && $0 > 0 }) else { return nil }
        dimensions = minimums.count
        self.minimums = minimums
        self.steps = steps
    }
}
