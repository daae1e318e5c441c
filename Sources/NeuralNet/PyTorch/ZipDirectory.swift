/// The central directory of a zip archive, enough to find STORED (uncompressed) entries in a
/// memory-mapped file: the layout `torch.save` writes since PyTorch 1.6 (PKWARE APPNOTE 6.3,
/// sections 4.3.7 local header, 4.3.12 central directory, 4.3.14–16 zip64 end records).
struct ZipDirectory {
    /// Where an entry's bytes lie in the file.
    struct Entry {
        let offset: Int
        let count: Int
    }

    /// Stored entries by name. Compressed entries are listed in `compressed` instead.
    private(set) var entries: [String: Entry] = [:]
    private(set) var compressed: Set<String> = []

    /// Reads the directory of the zip archive in `bytes`.
    /// - Throws: `NeuralNetError` `.corruptFile` naming `source` when a record is missing or
    ///   points outside the file.
    init(_ bytes: UnsafeRawBufferPointer, source: String) throws {
        func corrupt(_ what: String) -> NeuralNetError {
            NeuralNetError(.corruptFile, "'\(source)' is not a readable zip archive: \(what)")
        }
        func u16(_ at: Int) throws -> Int {
            guard at >= 0, at + 2 <= bytes.count else { throw corrupt("a record runs past the end at byte \(at)") }
            return Int(UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: at, as: UInt16.self)))
        }
        func u32(_ at: Int) throws -> Int {
            guard at >= 0, at + 4 <= bytes.count else { throw corrupt("a record runs past the end at byte \(at)") }
            return Int(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: at, as: UInt32.self)))
        }
        func u64(_ at: Int) throws -> Int {
            guard at >= 0, at + 8 <= bytes.count else { throw corrupt("a record runs past the end at byte \(at)") }
            let value = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: at, as: UInt64.self))
            guard value <= UInt64(Int.max) else { throw corrupt("a 64-bit size or offset is out of range at byte \(at)") }
            return Int(value)
        }

        // End of central directory: 22 bytes plus a comment of up to 65535 bytes.
        var end = -1
        var candidate = bytes.count - 22
        while candidate >= max(0, bytes.count - 22 - 65535) {
            if try u32(candidate) == 0x0605_4B50 { end = candidate; break }
            candidate -= 1
        }
        guard end >= 0 else { throw corrupt("no end-of-central-directory record (truncated?)") }
        var entryCount = try u16(end + 10)
        var directorySize = try u32(end + 12)
        var directoryOffset = try u32(end + 16)
        if entryCount == 0xFFFF || directorySize == 0xFFFF_FFFF || directoryOffset == 0xFFFF_FFFF {
            // Zip64: a locator just before the end record points at the zip64 end record.
            guard end >= 20, try u32(end - 20) == 0x0706_4B50 else { throw corrupt("no zip64 end-of-directory locator") }
            let record = try u64(end - 20 + 8)
            guard try u32(record) == 0x0606_4B50 else { throw corrupt("no zip64 end-of-directory record at byte \(record)") }
            entryCount = try u64(record + 32)
            directorySize = try u64(record + 40)
            directoryOffset = try u64(record + 48)
        }
        guard directoryOffset <= bytes.count, directorySize <= bytes.count - directoryOffset else {
            throw corrupt("the central directory lies outside the file")
        }

        var at = directoryOffset
        for _ in 0..<entryCount {
            guard try u32(at) == 0x0201_4B50 else { throw corrupt("a central directory entry is missing at byte \(at)") }
            let method = try u16(at + 10)
            var size = try u32(at + 20)
            var uncompressed = try u32(at + 24)
            let nameLength = try u16(at + 28), extraLength = try u16(at + 30), commentLength = try u16(at + 32)
            var localHeader = try u32(at + 42)
            guard at + 46 + nameLength <= bytes.count else { throw corrupt("an entry name runs past the end") }
            let name = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[(at + 46)..<(at + 46 + nameLength)]), as: UTF8.self)
            // Zip64 extended information: 8-byte values for the fields saturated above, in order.
            var extra = at + 46 + nameLength
            let extraEnd = extra + extraLength
            while extra + 4 <= extraEnd {
                let id = try u16(extra), length = try u16(extra + 2)
                if id == 0x0001 {
                    var field = extra + 4
                    if uncompressed == 0xFFFF_FFFF { uncompressed = try u64(field); field += 8 }
                    if size == 0xFFFF_FFFF { size = try u64(field); field += 8 }
                    if localHeader == 0xFFFF_FFFF { localHeader = try u64(field) }
                }
                extra += 4 + length
            }
            guard try u32(localHeader) == 0x0403_4B50 else { throw corrupt("entry '\(name)' has no local header at byte \(localHeader)") }
            let dataOffset = localHeader + 30 + (try u16(localHeader + 26)) + (try u16(localHeader + 28))
            guard dataOffset <= bytes.count, size <= bytes.count - dataOffset else {
                throw corrupt("entry '\(name)' (\(size) bytes at byte \(dataOffset)) runs past the end of the file")
            }
            if method == 0 && size == uncompressed {
                entries[name] = Entry(offset: dataOffset, count: size)
            } else {
                compressed.insert(name)
            }
            at += 46 + nameLength + extraLength + commentLength
        }
    }
}
