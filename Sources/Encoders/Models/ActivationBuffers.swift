/// Three activation buffers a network's layers write in turn: the current feature map and two
/// free ones.
struct ActivationBuffers {
    private(set) var current: UnsafeMutablePointer<Float>
    private var free: (UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>)

    /// Three buffers of `capacity` floats each, laid out from `base`; the input goes in `current`.
    init(base: UnsafeMutablePointer<Float>, capacity: Int) {
        current = base
        free = (base + capacity, base + 2 * capacity)
    }

    /// The free buffers, in the order the next layers should write them.
    var spare: (UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>) { free }

    /// Makes `output` (one of the spare buffers) the current feature map.
    mutating func advance(to output: UnsafeMutablePointer<Float>) {
        precondition(output == free.0 || output == free.1, "advance to a buffer that is not spare")
        let other = output == free.0 ? free.1 : free.0
        free = (current, other)
        current = output
    }
}
