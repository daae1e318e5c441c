/// Selection of the k-th smallest key (Hoare, "Algorithm 65: Find", CACM 1961): the median splits
/// of the tree builds, in O(n) expected time and without sorting.
enum Quickselect {
    /// Reorders the first `count` keys, and `items` alongside them, so that position `nth` holds
    /// the key it would hold if the keys were sorted, every key before it is ≤ it and every key
    /// after it is ≥ it. Keys must not be NaN.
    /// - Complexity: O(count) expected.
    static func select(keys: UnsafeMutablePointer<Float>, items: UnsafeMutablePointer<UInt32>, count: Int, nth: Int) {
        precondition(nth >= 0 && nth < count, "nth out of range")
        var low = 0, high = count - 1
        while high > low {
            let mid = low + (high - low) / 2
            let a = keys[low], b = keys[mid], c = keys[high]
            let pivot = max(min(a, b), min(max(a, b), c))  // the median of three
            var i = low, j = high
            while i <= j {
                while keys[i] < pivot { i += 1 }
                while keys[j] > pivot { j -= 1 }
                if i <= j {
                    swapAt(keys, items, i, j)
                    i += 1
                    j -= 1
                }
            }
            // Now keys[low...j] ≤ pivot ≤ keys[i...high], and keys strictly between equal the pivot.
            if nth <= j {
                high = j
            } else if nth >= i {
                low = i
            } else {
                return
            }
        }
    }

    @inline(__always)
    private static func swapAt(_ keys: UnsafeMutablePointer<Float>, _ items: UnsafeMutablePointer<UInt32>, _ i: Int, _ j: Int) {
        let key = keys[i]
        keys[i] = keys[j]
        keys[j] = key
        let item = items[i]
        items[i] = items[j]
        items[j] = item
    }
}
