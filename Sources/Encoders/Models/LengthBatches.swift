/// How the text encoders cut many sequences into forward passes.
enum LengthBatches {
    /// Sequence indices cut into batches: sorted by length, longest first (ties in input order),
    /// at most `size` sequences and `tokenLimit` tokens each (a longer sequence forms a batch of
    /// its own). Sorting keeps the attention work of a batch even and bounds its scratch memory.
    static func cut(lengths: [Int], size: Int, tokenLimit: Int) -> [[Int]] {
        let order = lengths.indices.sorted { lengths[$0] != lengths[$1] ? lengths[$0] > lengths[$1] : $0 < $1 }
        var batches: [[Int]] = []
        var current: [Int] = []
        var tokens = 0
        for index in order {
            if !current.isEmpty, current.count == size || tokens + lengths[index] > tokenLimit {
                batches.append(current)
                current = []
                tokens = 0
            }
            current.append(index)
            tokens += lengths[index]
        }
        if !current.isEmpty { batches.append(current) }
        return batches
    }

    /// The most tokens any batch of `batches` holds.
    static func largest(_ batches: [[Int]], lengths: [Int]) -> Int {
        batches.map { $0.reduce(0) { $0 + lengths[$1] } }.max() ?? 0
    }
}
