import Foundation
import VectorIndex

/// Keeps each space's ``SpaceMap`` in `<data>/maps/<space>.loupemap` and, in memory, the map with
/// an R-tree over its points for box and lasso selections.
///
/// File layout (little-endian): magic `LOUPEMAP`, version (u32), point count (u32), info length
/// (u32); x, y (f32 each), cluster, label (i32 each) columns; each id as a u32 length and UTF-8
/// bytes; the ``SpaceMap/Info`` as JSON; an FNV-1a 64-bit checksum of everything before it.
/// Written to a temporary file, fsynced and renamed.
public actor MapStore {
    /// A map with the R-tree over its points (item id = point index).
    struct Loaded: Sendable {
        let map: SpaceMap
        let tree: RTree
    }

    static let magic = Array("LOUPEMAP".utf8)
    static let version: UInt32 = 1

    let directory: URL
    private var cache: [String: Loaded] = [:]

    /// - Parameter directory: where map files live (`<data>/maps`); created on the first save.
    public init(directory: URL) { self.directory = directory }

    func fileURL(space: String) -> URL {
        let safe = space.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "_" }
        return directory.appendingPathComponent(String(safe) + ".loupemap")
    }

    /// The map of `space`, from memory or disk; `nil` if none was computed.
    /// - Throws: ``APIError`` 500 naming the file when it is damaged.
    func load(space: String) throws -> Loaded? {
        if let loaded = cache[space] { return loaded }
        let url = fileURL(space: space)
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        let map = try Self.decode(Data(contentsOf: url), file: url.path)
        let loaded = try Self.index(map)
        cache[space] = loaded
        return loaded
    }

    /// Writes `map` for its space and replaces the cached one.
    func save(_ map: SpaceMap) throws -> Loaded {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let url = fileURL(space: map.info.space)
        let temporary = url.appendingPathExtension("tmp-\(UUID().uuidString)")
        let data = try Self.encode(map)
        guard FileManager.default.createFile(atPath: temporary.path, contents: nil) else {
            throw APIError(.internalServerError, .internalError, "Cannot create \(temporary.path).")
        }
        let handle = try FileHandle(forWritingTo: temporary)
        do {
            try handle.write(contentsOf: data)
            try handle.synchronize()
            try handle.close()
            guard rename(temporary.path, url.path) == 0 else {
                throw APIError(.internalServerError, .internalError, "Cannot move the new map into \(url.path): \(String(cString: strerror(errno))).")
            }
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw error
        }
        let loaded = try Self.index(map)
        cache[map.info.space] = loaded
        return loaded
    }

    private static func index(_ map: SpaceMap) throws -> Loaded {
        let tree = try RTree()
        var xy = [Float](repeating: 0, count: map.count * 2)
        for i in 0..<map.count {
            xy[2 * i] = map.x[i]
            xy[2 * i + 1] = map.y[i]
        }
        try tree.add(xy, ids: (0..<map.count).map { UInt32($0) })
        tree.compact()
        return Loaded(map: map, tree: tree)
    }

    // MARK: File format

    static func encode(_ map: SpaceMap) throws -> Data {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        let info = try encoder.encode(map.info)
        var bytes = [UInt8]()
        bytes.reserveCapacity(24 + map.count * 24 + info.count)
        bytes += magic
        append(version, to: &bytes)
        append(UInt32(map.count), to: &bytes)
        append(UInt32(info.count), to: &bytes)
        for value in map.x { append(value.bitPattern, to: &bytes) }
        for value in map.y { append(value.bitPattern, to: &bytes) }
        for value in map.clusters { append(UInt32(bitPattern: value), to: &bytes) }
        for value in map.labels { append(UInt32(bitPattern: value), to: &bytes) }
        for id in map.ids {
            let utf8 = Array(id.utf8)
            append(UInt32(utf8.count), to: &bytes)
            bytes += utf8
        }
        bytes += info
        append(fnv1a(bytes[...]), to: &bytes)
        return Data(bytes)
    }

    static func decode(_ data: Data, file: String) throws -> SpaceMap {
        let bytes = [UInt8](data)
        func damaged(_ why: String) -> APIError {
            APIError(.internalServerError, .internalError, "The map file \(file) is damaged (\(why)); recompute the map to replace it.")
        }
        guard bytes.count >= 28, Array(bytes[0..<8]) == magic else { throw damaged("not a Loupe map file") }
        let stored = read(UInt64.self, bytes, at: bytes.count - 8)
        guard stored == fnv1a(bytes[..<(bytes.count - 8)]) else { throw damaged("checksum mismatch") }
        let version = read(UInt32.self, bytes, at: 8)
        guard version == Self.version else { throw damaged("version \(version), expected \(Self.version)") }
        let count = Int(read(UInt32.self, bytes, at: 12)), infoLength = Int(read(UInt32.self, bytes, at: 16))
        var offset = 20
        guard bytes.count - 8 - offset >= count * 16 + infoLength else { throw damaged("truncated columns") }
        func floats() -> [Float] {
            defer { offset += count * 4 }
            return (0..<count).map { Float(bitPattern: read(UInt32.self, bytes, at: offset + $0 * 4)) }
        }
        func ints() -> [Int32] {
            defer { offset += count * 4 }
            return (0..<count).map { Int32(bitPattern: read(UInt32.self, bytes, at: offset + $0 * 4)) }
        }
        let x = floats(), y = floats(), clusters = ints(), labels = ints()
        var ids: [String] = []
        ids.reserveCapacity(count)
        for _ in 0..<count {
            guard offset + 4 <= bytes.count - 8 else { throw damaged("truncated ids") }
            let length = Int(read(UInt32.self, bytes, at: offset))
            offset += 4
            guard offset + length <= bytes.count - 8 else { throw damaged("truncated ids") }
            ids.append(String(decoding: bytes[offset..<(offset + length)], as: UTF8.self))
            offset += length
        }
        guard offset + infoLength == bytes.count - 8 else { throw damaged("bad info length") }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        let info: SpaceMap.Info
        do {
            info = try decoder.decode(SpaceMap.Info.self, from: Data(bytes[offset..<(offset + infoLength)]))
        } catch {
            throw damaged("info does not decode: \(error)")
        }
        guard clusters.allSatisfy({ $0 >= 0 && Int($0) < info.clusters.count }),
              labels.allSatisfy({ $0 >= -1 && Int($0) < info.labelNames.count }) else {
            throw damaged("a cluster or label index is out of range")
        }
        return SpaceMap(info: info, ids: ids, x: x, y: y, clusters: clusters, labels: labels)
    }

    private static func append<T: FixedWidthInteger>(_ value: T, to bytes: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { bytes += $0 }
    }

    private static func read<T: FixedWidthInteger>(_: T.Type, _ bytes: [UInt8], at offset: Int) -> T {
        var value: T = 0
        for i in 0..<MemoryLayout<T>.size { value |= T(bytes[offset + i]) << (8 * i) }
        return value
    }

    static func fnv1a(_ bytes: ArraySlice<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return hash
    }
}
