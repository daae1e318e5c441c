#if canImport(Glibc)
import Glibc
#endif

/// Where a quantised index reads the exact float vectors it rescores candidates with.
///
/// The index keeps only compact codes in memory; the vectors stay with their owner — a catalog's
/// store, or a memory-mapped file whose pages the OS can evict.
public protocol ExactVectorSource: Sendable {
    /// Components per vector.
    var dimensions: Int { get }
    /// The float vector stored for `id`, or nil if the source has none. The pointer stays valid
    /// as long as the source lives.
    func vector(for id: UInt32) -> UnsafePointer<Float>?
}

/// A read-only, memory-mapped file of float32 rows where row `i` is the vector of id `i`:
/// texmex `.fvecs` (each row prefixed by its int32 dimension) or headerless raw rows.
public final class MappedVectorFile: ExactVectorSource, @unchecked Sendable {
    // @unchecked: the mapping is read-only and immutable for the object's life.
    public let dimensions: Int
    /// Rows in the file.
    public let count: Int
    private let base: UnsafeRawPointer
    private let length: Int
    private let rowBytes: Int
    private let rowOffset: Int

    /// The layout of the rows.
    public enum Layout: Sendable {
        /// texmex: an int32 dimension before each row.
        case fvecs
        /// Rows of `dimensions` float32 values, nothing else.
        case raw(dimensions: Int)
    }

    /// Maps `path`.
    /// - Throws: `io` if it cannot be opened or mapped, `corruptFile` if its size does not fit
    ///   the layout.
    public init(path: String, layout: Layout) throws {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw VectorIndexError(.io, "cannot open '\(path)': \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw VectorIndexError(.io, "cannot stat '\(path)'") }
        length = Int(status.st_size)
        switch layout {
        case .fvecs:
            var width: Int32 = 0
            guard length >= 4, pread(descriptor, &width, 4, 0) == 4, width > 0 else {
                throw VectorIndexError(.corruptFile, "'\(path)' is not an .fvecs file")
            }
            dimensions = Int(width)
            rowBytes = 4 + 4 * dimensions
            rowOffset = 4
        case .raw(let width):
            guard width > 0 else { throw VectorIndexError(.invalidArgument, "dimensions must be positive") }
            dimensions = width
            rowBytes = 4 * width
            rowOffset = 0
        }
        guard length % rowBytes == 0 else {
            throw VectorIndexError(.corruptFile, "'\(path)': \(length) bytes is not a whole number of \(dimensions)-dimensional rows")
        }
        count = length / rowBytes
        guard length > 0, let mapped = mmap(nil, length, PROT_READ, MAP_PRIVATE, descriptor, 0), mapped != MAP_FAILED else {
            throw VectorIndexError(.io, "cannot map '\(path)': \(String(cString: strerror(errno)))")
        }
        base = UnsafeRawPointer(mapped)
    }

    deinit { munmap(UnsafeMutableRawPointer(mutating: base), length) }

    public func vector(for id: UInt32) -> UnsafePointer<Float>? {
        guard Int(id) < count else { return nil }
        return (base + Int(id) * rowBytes + rowOffset).assumingMemoryBound(to: Float.self)
    }
}
