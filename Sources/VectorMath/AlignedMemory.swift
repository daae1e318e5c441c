#if canImport(Glibc)
import Glibc
#endif

/// Allocation of the large buffers that kernels stream through.
public enum AlignedMemory {
    /// Buffers at least this large are 2 MiB-aligned and asked to live on transparent huge
    /// pages: sequential scans run closer to memory bandwidth and random reads across hundreds
    /// of megabytes of vectors miss the TLB far less.
    public static let hugePageThreshold = 8 << 20
    static let hugePageSize = 2 << 20

    /// Allocates `byteCount` bytes aligned to 64 bytes (to 2 MiB, on huge pages, when large).
    /// Free with `deallocate()` on the returned pointer.
    public static func allocate(byteCount: Int) -> UnsafeMutableRawPointer {
        let bytes = max(byteCount, 64)
        guard bytes >= hugePageThreshold else {
            return UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 64)
        }
        let rounded = (bytes + hugePageSize - 1) / hugePageSize * hugePageSize
        let raw = UnsafeMutableRawPointer.allocate(byteCount: rounded, alignment: hugePageSize)
        #if os(Linux)
        _ = madvise(raw, rounded, MADV_HUGEPAGE)
        #endif
        return raw
    }
}
