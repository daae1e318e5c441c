extension Array where Element: Comparable {
    /// Sorts the array ascending and drops repeated elements.
    /// - Complexity: O(n log n), in place.
    public mutating func sortAndRemoveDuplicates() {
        sort()
        guard count > 1 else { return }
        var kept = 1
        for i in 1..<count where self[i] != self[kept - 1] {
            self[kept] = self[i]
            kept += 1
        }
        removeLast(count - kept)
    }
}
