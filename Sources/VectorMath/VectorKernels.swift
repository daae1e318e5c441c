import CVectorKernels

/// The SIMD kernels of one instruction-set level (scalar, AVX2+FMA or AVX-512), selected at run
/// time from CPUID so that a binary built here also runs on a CPU without AVX-512.
///
/// `VectorKernels.active` is what every index uses; set `LOUPE_SIMD=scalar|avx2|avx512` to force a
/// lower level (tests compare all levels against each other).
public struct VectorKernels: @unchecked Sendable {
    // @unchecked: `table` points at an immutable static C table that lives for the whole process.
    @usableFromInline let table: UnsafePointer<loupe_kernels>

    /// An instruction-set level.
    public enum Level: Int, Sendable, CaseIterable, CustomStringConvertible {
        case scalar = 0, avx2 = 1, avx512 = 2
        public var description: String {
            switch self {
            case .scalar: "scalar"
            case .avx2: "avx2"
            case .avx512: "avx512"
            }
        }
    }

    /// The kernels of `level`, or of the best level below it that this CPU supports.
    public init(level: Level) {
        table = loupe_kernels_for(loupe_simd_level(rawValue: UInt32(level.rawValue)))
    }

    private init(table: UnsafePointer<loupe_kernels>) { self.table = table }

    /// The kernels in use by default: the best level, or the one `LOUPE_SIMD` asks for.
    public static let active = VectorKernels(table: loupe_active_kernels())

    /// The best level this CPU and operating system support.
    public static var bestLevel: Level { Level(rawValue: Int(loupe_simd_best_level().rawValue)) ?? .scalar }

    /// The level these kernels run at.
    public var level: Level { Level(rawValue: Int(table.pointee.level.rawValue)) ?? .scalar }

    /// a·b over `count` floats.
    @inlinable public func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int) -> Float {
        table.pointee.dot(a, b, count)
    }

    /// Σ(a−b)² over `count` floats.
    @inlinable public func squaredL2(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int) -> Float {
        table.pointee.l2sq(a, b, count)
    }

    /// The raw kernel value of `metric` (dot product or squared L2) between two vectors.
    @inlinable public func kernelValue(
        _ metric: Metric, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int
    ) -> Float {
        metric == .l2 ? table.pointee.l2sq(a, b, count) : table.pointee.dot(a, b, count)
    }

    /// Raw kernel values of `query` against the rows `ids` of `base` (row `i` starts at
    /// `base + i * stride`), written to `out`. The next row is prefetched while one is scored.
    @inlinable public func scoreRows(
        _ metric: Metric, query: UnsafePointer<Float>, base: UnsafePointer<Float>, dimensions: Int,
        stride: Int, ids: UnsafePointer<UInt32>, count: Int, into out: UnsafeMutablePointer<Float>
    ) {
        table.pointee.score_ids(metric.scoreKind, query, base, dimensions, stride, ids, count, out)
    }

    /// Raw kernel values of `query` against `count` consecutive rows of `base`, written to `out`.
    @inlinable public func scoreConsecutiveRows(
        _ metric: Metric, query: UnsafePointer<Float>, base: UnsafePointer<Float>, dimensions: Int,
        stride: Int, count: Int, into out: UnsafeMutablePointer<Float>
    ) {
        table.pointee.score_rows(metric.scoreKind, query, base, dimensions, stride, count, out)
    }

    /// Σⱼ scaled[j]·codes[id·stride + j] for each of `count` ids, codes read as unsigned bytes:
    /// the asymmetric int8 scores of a graph search, with the next row prefetched.
    @inlinable public func scoreCodeRows(
        scaled: UnsafePointer<Float>, codes: UnsafePointer<UInt8>, dimensions: Int, stride: Int,
        ids: UnsafePointer<UInt32>, count: Int, into out: UnsafeMutablePointer<Float>
    ) {
        table.pointee.score_ids_u8(scaled, codes, dimensions, stride, ids, count, out)
    }

    /// Σ q[i]·codes[i], codes read as unsigned bytes.
    @inlinable public func dot(_ q: UnsafePointer<Float>, codes: UnsafePointer<UInt8>, count: Int) -> Float {
        table.pointee.dot_u8(q, codes, count)
    }

    /// Σ q[i]·half[i], halves read as IEEE binary16.
    @inlinable public func dot(_ q: UnsafePointer<Float>, halves: UnsafePointer<UInt16>, count: Int) -> Float {
        table.pointee.dot_f16(q, halves, count)
    }

    /// Converts floats to IEEE binary16 (round to nearest even).
    @inlinable public func convertToHalf(_ source: UnsafePointer<Float>, _ destination: UnsafeMutablePointer<UInt16>, count: Int) {
        table.pointee.f32_to_f16(source, destination, count)
    }

    /// Converts IEEE binary16 to floats.
    @inlinable public func convertFromHalf(_ source: UnsafePointer<UInt16>, _ destination: UnsafeMutablePointer<Float>, count: Int) {
        table.pointee.f16_to_f32(source, destination, count)
    }

    /// Writes, in order, the index of every value above `threshold` to `out` (room for `count`).
    /// - Returns: how many indices were written.
    @inlinable public func indices(
        of values: UnsafePointer<Float>, count: Int, above threshold: Float, into out: UnsafeMutablePointer<UInt32>
    ) -> Int {
        table.pointee.indices_above(values, count, threshold, out)
    }

    /// The sum of `count` floats, read sequentially: a probe of memory read bandwidth.
    @inlinable public func sum(_ a: UnsafePointer<Float>, count: Int) -> Float {
        table.pointee.sum(a, count)
    }
}
