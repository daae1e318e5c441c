import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Reads exactly `count` bytes at `offset` of an open file with `pread` (retrying on EINTR).
/// - Throws: `io` naming `path` on a read error, `ended(offset where the file ended)` when the
///   file ends first.
func readExactly(_ descriptor: Int32, path: String, into buffer: UnsafeMutableRawPointer, count: Int, at offset: Int,
                 ended: (Int) -> CatalogError) throws {
    var done = 0
    while done < count {
        let got = pread(descriptor, buffer + done, count - done, off_t(offset + done))
        if got < 0 {
            if errno == EINTR { continue }
            throw CatalogError(.io, "cannot read '\(path)' at byte \(offset + done): \(String(cString: strerror(errno)))")
        }
        if got == 0 { throw ended(offset + done) }
        done += got
    }
}

/// A file read by offset (`pread`), never loaded whole.
final class InputFile: @unchecked Sendable {
    // @unchecked: every property is set in init and never changes; `pread` and reads of the
    // read-only mapping are safe from several threads.
    let path: String
    let descriptor: Int32
    let size: Int

    /// Opens `path` for reading.
    /// - Throws: `io` naming the file.
    init(path: String) throws {
        self.path = path
        descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw CatalogError(.io, "cannot open '\(path)': \(String(cString: strerror(errno)))")
        }
        var status = stat()
        guard fstat(descriptor, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else {
            close(descriptor)
            throw CatalogError(.io, "'\(path)' is not a regular file")
        }
        size = Int(status.st_size)
        if size > 0, let address = mmap(nil, size, PROT_READ, MAP_PRIVATE, descriptor, 0), address != MAP_FAILED {
            madvise(address, size, MADV_SEQUENTIAL)
            mapping = address
        } else {
            mapping = nil
        }
    }

    deinit {
        if let mapping { munmap(mapping, size) }
        close(descriptor)
    }

    /// The file mapped read-only, for reading without copies; pages are read as they are touched
    /// and may be dropped again by the kernel, so the file is never loaded whole. Nil for an empty
    /// file or when it cannot be mapped (reads then go through `pread`).
    let mapping: UnsafeMutableRawPointer?

    /// Bytes `offset..<offset + count` (clamped to the file) without copying when the file is
    /// mapped, else read into a buffer; `body` must not keep the pointer.
    func withBytes<T>(at offset: Int, count: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> T) throws -> T {
        let count = max(0, min(count, size - offset))
        if let mapping {
            return try body(UnsafeBufferPointer(start: (mapping + offset).assumingMemoryBound(to: UInt8.self), count: count))
        }
        return try bytes(at: offset, count: count).withUnsafeBufferPointer(body)
    }

    /// Tells the kernel that bytes `range` will not be read again: their whole pages leave this
    /// mapping and the page cache. An import reads its file once, so keeping it cached would
    /// only push out pages the catalog uses (and on a virtual machine, pages just freed are the
    /// cheapest to write the vectors into: untouched memory faults on the host first). Ranges
    /// released in order partition the file: each gives up the pages from its start's page to
    /// its end's, the page its end falls in stays for the next range.
    func release(_ range: Range<Int>) {
        let page = VectorFiles.pageSize
        let start = range.lowerBound / page * page
        let end = min(range.upperBound, size) / page * page
        guard end > start else { return }
        if let mapping { madvise(mapping + start, end - start, MADV_DONTNEED) }
        _ = posix_fadvise(descriptor, off_t(start), off_t(end - start), POSIX_FADV_DONTNEED)
    }

    /// Reads exactly `count` bytes at `offset` into `buffer`.
    /// - Throws: `io` on a read error, `corruptData` when the file ends first.
    func read(into buffer: UnsafeMutableRawPointer, count: Int, at offset: Int) throws {
        try readExactly(descriptor, path: path, into: buffer, count: count, at: offset) { end in
            CatalogError(.corruptData, "'\(path)' ends at byte \(end); \(offset + count) bytes were expected")
        }
    }

    /// Up to `count` bytes at `offset` (fewer at the end of the file).
    func bytes(at offset: Int, count: Int) throws -> [UInt8] {
        let count = max(0, min(count, size - offset))
        var bytes = [UInt8](repeating: 0, count: count)
        try bytes.withUnsafeMutableBytes { try read(into: $0.baseAddress!, count: count, at: offset) }
        return bytes
    }
}

/// Reads a text file line by line in large blocks: each line comes without its `\n` (and
/// without a `\r` before it), numbered from 1.
struct LineReader {
    private let file: InputFile
    private var buffer: [UInt8] = []
    private var start = 0
    private var offset = 0
    private(set) var lineNumber = 0
    static let blockBytes = 1 << 20

    init(path: String) throws { file = try InputFile(path: path) }

    /// Bytes read so far (for progress).
    var bytesRead: Int { offset - (buffer.count - start) }
    var totalBytes: Int { file.size }

    /// The next line, or nil at the end of the file (a last line without `\n` counts).
    mutating func next() throws -> ArraySlice<UInt8>? {
        while true {
            if let end = buffer[start...].firstIndex(of: 0x0A) {
                var line = buffer[start..<end]
                start = end + 1
                lineNumber += 1
                if line.last == 0x0D { line = line.dropLast() }
                return Self.withoutByteOrderMark(line, lineNumber)
            }
            if offset >= file.size {
                guard start < buffer.count else { return nil }
                var line = buffer[start...]
                start = buffer.count
                lineNumber += 1
                if line.last == 0x0D { line = line.dropLast() }
                return Self.withoutByteOrderMark(line, lineNumber)
            }
            buffer.removeSubrange(0..<start)
            start = 0
            buffer += try file.bytes(at: offset, count: Self.blockBytes)
            offset = min(file.size, offset + Self.blockBytes)
        }
    }

    /// The first line without a UTF-8 byte order mark, other lines as they are.
    private static func withoutByteOrderMark(_ line: ArraySlice<UInt8>, _ number: Int) -> ArraySlice<UInt8> {
        number == 1 && line.starts(with: [0xEF, 0xBB, 0xBF]) ? line.dropFirst(3) : line
    }

    /// The next line as text.
    /// - Throws: `invalidArgument` when it is not UTF-8.
    mutating func nextString() throws -> String? {
        guard let line = try next() else { return nil }
        guard let text = line.withUnsafeBufferPointer({ String(validating: $0, as: UTF8.self) }) else {
            throw CatalogError.invalid("line \(lineNumber) of '\(file.path)' is not valid UTF-8")
        }
        return text
    }
}
