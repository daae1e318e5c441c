#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CVectorKernels

/// Loupe's on-disk index format: a header, then tagged sections, each checksummed.
///
/// ```
/// "LOUPEIDX"  format version (u32)  index kind (4 ASCII bytes)
/// section*:   tag (4 ASCII bytes)  payload length (u64)  payload  XXH64(payload) (u64)
/// "END!"      0 (u64)  0 (u64)
/// ```
/// All integers are little-endian. Files are written to a temporary name in the same folder,
/// fsynced, and renamed over the target, so a crash leaves either the old or the new file.
enum IndexFile {
    static let magic: [UInt8] = Array("LOUPEIDX".utf8)
    static let formatVersion: UInt32 = 1
    static let endTag = "END!"

    /// A little-endian byte encoder for small header sections.
    struct Encoder {
        private(set) var bytes: [UInt8] = []
        mutating func append<T: FixedWidthInteger>(_ value: T) {
            withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
        }
        mutating func append(_ value: Float) { append(value.bitPattern) }
    }

    /// A bounds-checked little-endian decoder: reading past the end throws instead of crashing.
    struct Decoder {
        let bytes: [UInt8]
        let section: String
        private var offset = 0
        init(_ bytes: [UInt8], section: String) {
            self.bytes = bytes
            self.section = section
        }
        mutating func read<T: FixedWidthInteger>(_: T.Type = T.self) throws -> T {
            let size = MemoryLayout<T>.size
            guard offset + size <= bytes.count else {
                throw VectorIndexError(.corruptFile, "section '\(section)' is shorter than its fields")
            }
            var value = T.zero
            withUnsafeMutableBytes(of: &value) { target in
                bytes.withUnsafeBytes { source in
                    target.copyMemory(from: UnsafeRawBufferPointer(rebasing: source[offset..<offset + size]))
                }
            }
            offset += size
            return T(littleEndian: value)
        }
        mutating func read(_: Float.Type) throws -> Float { Float(bitPattern: try read(UInt32.self)) }
    }

    // MARK: Writing

    /// Writes sections to a temporary file and moves it over `path` when `finish()` is called.
    final class Writer {
        private let path: String
        private let temporaryPath: String
        private let descriptor: Int32

        init(path: String, kind: String) throws {
            self.path = path
            temporaryPath = "\(path).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
            descriptor = open(temporaryPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
            guard descriptor >= 0 else {
                throw VectorIndexError(.io, "cannot create '\(temporaryPath)': \(String(cString: strerror(errno)))")
            }
            var header = Encoder()
            magic.forEach { header.append($0) }
            header.append(formatVersion)
            try writeAll(header.bytes)
            try writeAll(Array(kind.utf8.prefix(4)))
        }

        deinit {
            close(descriptor)
            unlink(temporaryPath)  // a no-op after a successful rename
        }

        private func writeAll(_ raw: UnsafeRawBufferPointer) throws {
            var offset = 0
            while offset < raw.count {
                let written = write(descriptor, raw.baseAddress! + offset, raw.count - offset)
                if written < 0 && errno == EINTR { continue }
                guard written > 0 else {
                    throw VectorIndexError(.io, "cannot write '\(temporaryPath)': \(String(cString: strerror(errno)))")
                }
                offset += written
            }
        }

        private func writeAll(_ bytes: [UInt8]) throws {
            try bytes.withUnsafeBytes { try writeAll($0) }
        }

        /// Appends one section.
        func section(_ tag: String, _ payload: UnsafeRawBufferPointer) throws {
            var header = Encoder()
            Array(tag.utf8.prefix(4)).forEach { header.append($0) }
            header.append(UInt64(payload.count))
            try writeAll(header.bytes)
            if payload.count > 0 { try writeAll(payload) }
            var trailer = Encoder()
            trailer.append(loupe_xxh64(payload.baseAddress, payload.count, 0))
            try writeAll(trailer.bytes)
        }

        func section(_ tag: String, _ bytes: [UInt8]) throws {
            try bytes.withUnsafeBytes { try section(tag, $0) }
        }

        /// Ends the file, flushes it to disk, and renames it over the target path.
        func finish() throws {
            try section(endTag, UnsafeRawBufferPointer(start: nil, count: 0))
            guard fsync(descriptor) == 0 else {
                throw VectorIndexError(.io, "cannot flush '\(temporaryPath)': \(String(cString: strerror(errno)))")
            }
            guard rename(temporaryPath, path) == 0 else {
                throw VectorIndexError(.io, "cannot rename to '\(path)': \(String(cString: strerror(errno)))")
            }
            let folder = path.contains("/") ? String(path[..<path.lastIndex(of: "/")!]) : "."
            let folderDescriptor = open(folder.isEmpty ? "/" : folder, O_RDONLY | O_DIRECTORY)
            if folderDescriptor >= 0 {
                fsync(folderDescriptor)
                close(folderDescriptor)
            }
        }
    }

    // MARK: Reading

    /// Reads an index file section by section, checking every length against the file's size and
    /// every payload against its checksum.
    final class Reader {
        let path: String
        /// The index kind named in the header.
        private(set) var kind: String
        private let descriptor: Int32
        private var remaining: Int

        init(path: String) throws {
            self.path = path
            descriptor = open(path, O_RDONLY | O_CLOEXEC)
            guard descriptor >= 0 else {
                throw VectorIndexError(.io, "cannot open '\(path)': \(String(cString: strerror(errno)))")
            }
            var status = stat()
            let statResult = fstat(descriptor, &status)
            remaining = Int(status.st_size)
            kind = ""
            // From here on deinit closes the descriptor.
            guard statResult == 0 else { throw VectorIndexError(.io, "cannot stat '\(path)'") }
            var header = [UInt8](repeating: 0, count: 16)
            try header.withUnsafeMutableBytes { try readExactly(into: $0, what: "the header") }
            guard Array(header[0..<8]) == IndexFile.magic else {
                throw VectorIndexError(.corruptFile, "'\(path)' is not a Loupe index file (bad magic number)")
            }
            var decoder = Decoder(Array(header[8..<12]), section: "header")
            let version: UInt32 = try decoder.read()
            guard version == IndexFile.formatVersion else {
                throw VectorIndexError(.incompatibleFile, "'\(path)' has format version \(version); this Loupe reads version \(IndexFile.formatVersion)")
            }
            kind = String(decoding: header[12..<16], as: UTF8.self)
        }

        deinit { close(descriptor) }

        private func readExactly(into buffer: UnsafeMutableRawBufferPointer, what: String) throws {
            guard buffer.count <= remaining else {
                throw VectorIndexError(.corruptFile, "'\(path)' is truncated: \(what) needs \(buffer.count) bytes, \(remaining) remain")
            }
            var offset = 0
            while offset < buffer.count {
                let got = read(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if got < 0 && errno == EINTR { continue }
                guard got > 0 else {
                    throw VectorIndexError(.io, "cannot read '\(path)': \(got == 0 ? "unexpected end of file" : String(cString: strerror(errno)))")
                }
                offset += got
            }
            remaining -= buffer.count
        }

        /// Reads the next section's header, which must carry `tag`, and returns its payload length.
        private func sectionLength(_ tag: String) throws -> Int {
            var header = [UInt8](repeating: 0, count: 12)
            try header.withUnsafeMutableBytes { try readExactly(into: $0, what: "the header of section '\(tag)'") }
            let found = String(decoding: header[0..<4], as: UTF8.self)
            guard found == tag else {
                throw VectorIndexError(.corruptFile, "'\(path)': expected section '\(tag)', found '\(found)'")
            }
            var decoder = Decoder(Array(header[4..<12]), section: tag)
            let length: UInt64 = try decoder.read()
            guard length <= UInt64(remaining) else {
                throw VectorIndexError(.corruptFile, "'\(path)' is truncated: section '\(tag)' claims \(length) bytes, \(remaining) remain")
            }
            return Int(length)
        }

        private func verifyChecksum(_ payload: UnsafeRawBufferPointer, tag: String) throws {
            var trailer = [UInt8](repeating: 0, count: 8)
            try trailer.withUnsafeMutableBytes { try readExactly(into: $0, what: "the checksum of section '\(tag)'") }
            var decoder = Decoder(trailer, section: tag)
            let stored: UInt64 = try decoder.read()
            guard stored == loupe_xxh64(payload.baseAddress, payload.count, 0) else {
                throw VectorIndexError(.corruptFile, "'\(path)': section '\(tag)' fails its checksum (the file is damaged)")
            }
        }

        /// Reads a small section whole.
        func section(_ tag: String) throws -> [UInt8] {
            let length = try sectionLength(tag)
            var payload = [UInt8](repeating: 0, count: length)
            try payload.withUnsafeMutableBytes { try readExactly(into: $0, what: "section '\(tag)'") }
            try payload.withUnsafeBytes { try verifyChecksum($0, tag: tag) }
            return payload
        }

        /// Reads a section straight into `destination`, whose size must equal the payload's.
        func section(_ tag: String, into destination: UnsafeMutableRawBufferPointer) throws {
            let length = try sectionLength(tag)
            guard length == destination.count else {
                throw VectorIndexError(.corruptFile, "'\(path)': section '\(tag)' has \(length) bytes where the header implies \(destination.count)")
            }
            try readExactly(into: destination, what: "section '\(tag)'")
            try verifyChecksum(UnsafeRawBufferPointer(destination), tag: tag)
        }

        /// Checks that the file ends here.
        func finish() throws {
            _ = try section(IndexFile.endTag)
            guard remaining == 0 else {
                throw VectorIndexError(.corruptFile, "'\(path)' has \(remaining) unexpected bytes after its end")
            }
        }
    }
}
