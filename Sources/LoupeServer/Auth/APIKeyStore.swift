import Foundation
import Synchronization

/// The API keys of one data directory, in `<data-dir>/api-keys.json` (mode 0600): only ids,
/// names, scopes and SHA-256 hashes, never a key.
///
/// The CLI (`loupe keys …`) changes the file while a server may be running; the server sees the
/// change on the next request because ``authenticate(_:)`` re-reads the file whenever its
/// modification time, size or inode changed. Changes are read-modify-write under an exclusive
/// `flock` and land by writing a temporary file that is fsynced and renamed over the old one.
public final class APIKeyStore: Sendable {
    /// The JSON file.
    public let fileURL: URL

    /// The keys as last read, with the stamp of the file they came from (nil: no file). Every
    /// request checks the stamp (one `stat`), so a missing file is remembered too.
    private struct Snapshot {
        var stamp: FileStamp?
        var keys: [APIKey]
    }
    private let cache = Mutex<Snapshot?>(nil)

    /// The store of the data directory `directory` (the file need not exist yet).
    public init(directory: URL) {
        self.fileURL = directory.appendingPathComponent("api-keys.json")
    }

    /// All keys, revoked ones included, oldest first.
    /// - Throws: ``ServerError`` if the file exists but can't be read.
    public func list() throws -> [APIKey] { try current() }

    /// Whether at least one key is active (the server then requires a key on every `/v1` route).
    public func hasActiveKeys() throws -> Bool { try current().contains { $0.isActive } }

    /// The active key that `key` is, or `nil` for an unknown, malformed or revoked key.
    /// - Throws: ``ServerError`` if the file exists but can't be read.
    public func authenticate(_ key: String) throws -> APIKey? {
        guard let id = APIKey.id(ofKey: key) else { return nil }
        guard let record = try current().first(where: { $0.id == id }), record.isActive, record.matches(key) else { return nil }
        return record
    }

    /// Creates a key and returns it with its record; the key is not stored and can't be shown again.
    /// - Throws: ``ServerError`` if the name is empty or the file can't be read or written.
    public func create(name: String, scope: APIScope) throws -> (key: String, record: APIKey) {
        let name = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty else { throw ServerError(.invalidName, "A key needs a non-empty name.") }
        return try modify { keys in
            let made = APIKey.generate(name: name, scope: scope, existingIDs: Set(keys.map(\.id)))
            keys.append(made.record)
            return made
        }
    }

    /// Revokes the key with id `id` (its record stays, marked revoked).
    /// - Throws: ``ServerError`` `.unknownKey` if there is no such key.
    @discardableResult
    public func revoke(id: String) throws -> APIKey {
        try modify { keys in
            guard let index = keys.firstIndex(where: { $0.id == id }) else {
                throw ServerError(.unknownKey, "No API key with id '\(id)' in \(fileURL.path); `loupe keys list` shows the ids.")
            }
            if keys[index].revoked == nil { keys[index].revoked = Date() }
            return keys[index]
        }
    }

    // MARK: Reading and writing the file

    private func current() throws -> [APIKey] {
        let stamp = FileStamp(path: fileURL.path)
        if let keys = cache.withLock({ $0.flatMap { $0.stamp == stamp ? $0.keys : nil } }) { return keys }
        let keys = try read()
        cache.withLock { $0 = Snapshot(stamp: stamp, keys: keys) }
        return keys
    }

    private func read() throws -> [APIKey] {
        let data: Data
        do {
            data = try Data(contentsOf: fileURL)
        } catch let error as CocoaError where error.code == .fileReadNoSuchFile {
            return []
        } catch {
            throw ServerError(.unreadable, "Can't read \(fileURL.path): \(error.localizedDescription)")
        }
        do {
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .iso8601
            return try decoder.decode(KeyFile.self, from: data).keys
        } catch {
            throw ServerError(
                .unreadable, "\(fileURL.path) is not a Loupe API key file (\(error)); move it away to start with no keys.")
        }
    }

    private struct KeyFile: Codable {
        var version = 1
        var keys: [APIKey]
    }

    private func modify<T>(_ change: (inout [APIKey]) throws -> T) throws -> T {
        let directory = fileURL.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let lockPath = fileURL.path + ".lock"
        let lock = open(lockPath, O_CREAT | O_RDWR, 0o600)
        guard lock >= 0 else { throw ServerError(.unwritable, "Can't open \(lockPath): \(String(cString: strerror(errno)))") }
        defer { close(lock) }
        guard flock(lock, LOCK_EX) == 0 else {
            throw ServerError(.unwritable, "Can't lock \(lockPath): \(String(cString: strerror(errno)))")
        }
        var keys = try read()
        let result = try change(&keys)
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(try encoder.encode(KeyFile(keys: keys)), to: fileURL, mode: 0o600)
        cache.withLock { $0 = nil }
        return result
    }
}

/// What identifies one version of a file cheaply: inode, size and modification time.
struct FileStamp: Equatable {
    let inode: UInt64
    let size: Int64
    let seconds: Int
    let nanoseconds: Int

    init?(path: String) {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        inode = UInt64(info.st_ino)
        size = Int64(info.st_size)
        seconds = Int(info.st_mtim.tv_sec)
        nanoseconds = Int(info.st_mtim.tv_nsec)
    }
}
