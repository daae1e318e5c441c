import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The files beside a `SQLiteStore` database that hold the vectors' bytes: per embedding space
/// two *planes*, `<name>.0.f32` and `<name>.1.f32`, each addressed by slot — slot `s` of a
/// `d`-dimensional space lives at byte `s · d · 4` of one of them, as `d` little-endian Float32.
/// Which plane holds a slot's current vector, and whether it has one, is recorded in SQLite
/// (`vector_block`, 64 slots a row); the files themselves carry no state.
///
/// A write never touches the bytes a committed vector lives in: a slot with a vector gets its
/// replacement in the *other* plane, and the commit that flips the slot's plane bit publishes
/// it. So a crash in the middle of a write leaves only bytes no commit refers to, and a reader
/// that took its SQLite snapshot before the commit keeps reading the old bytes.
///
/// The one hazard left is a slot replaced twice while a reader still holds a snapshot from
/// before the first replacement: the second write lands in the plane that reader reads.
/// `withReading` and `waitForReaders` close it: every read of vector bytes holds the shared side
/// of a reader–writer lock from before its SQLite snapshot begins until its last `pread`, and a
/// writer takes (and drops) the exclusive side before it writes, so by then every reader left
/// started after the last commit. The lock lives in this process: another process (or another
/// `SQLiteStore` on the same file) reading while this one replaces vectors is not covered.
final class VectorFiles: @unchecked Sendable {
    // @unchecked: `directory` and `removesDirectory` never change after init; `lock` is a
    // pthread reader–writer lock, safe from any thread, allocated here and freed in deinit.
    let directory: String
    private let removesDirectory: Bool
    private let lock: UnsafeMutablePointer<pthread_rwlock_t>

    /// The folder of vector files for the database at `databasePath`: `<databasePath>-vectors`,
    /// created if missing.
    /// - Throws: `io` naming the folder.
    convenience init(databasePath: String) throws {
        try self.init(directory: databasePath + "-vectors", removesDirectory: false)
    }

    /// A fresh temporary folder removed with this object (for an in-memory store).
    convenience init() throws {
        try self.init(directory: NSTemporaryDirectory() + "loupe-vectors-" + Identifiers.make(), removesDirectory: true)
    }

    private init(directory: String, removesDirectory: Bool) throws {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw CatalogError(.io, "cannot create the vector folder '\(directory)'", underlying: error)
        }
        self.directory = directory
        self.removesDirectory = removesDirectory
        lock = .allocate(capacity: 1)
        var attributes = pthread_rwlockattr_t()
        pthread_rwlockattr_init(&attributes)
        // A waiting writer holds back new readers, so a stream of searches cannot starve an import.
        pthread_rwlockattr_setkind_np(&attributes, Int32(PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP))
        pthread_rwlock_init(lock, &attributes)
        pthread_rwlockattr_destroy(&attributes)
    }

    deinit {
        pthread_rwlock_destroy(lock)
        lock.deallocate()
        if removesDirectory { try? FileManager.default.removeItem(atPath: directory) }
    }

    /// The path of plane `plane` (0 or 1) of the space whose files are called `name`.
    func path(_ name: String, plane: Int) -> String { "\(directory)/\(name).\(plane).f32" }

    /// Runs `body` holding the shared side of the replacement lock: call it before the read
    /// transaction's first statement and read the vector bytes inside it.
    func withReading<T>(_ body: () throws -> T) rethrows -> T {
        pthread_rwlock_rdlock(lock)
        defer { pthread_rwlock_unlock(lock) }
        return try body()
    }

    /// Returns once every reader that started before the call has finished: after it, no reader
    /// holds a snapshot older than the last commit.
    func waitForReaders() {
        pthread_rwlock_wrlock(lock)
        pthread_rwlock_unlock(lock)
    }

    /// Deletes the files of spaces that no longer exist: every file here whose name (before
    /// `.0.f32`/`.1.f32`) is not among the `live` names. Called at open, after a crash may have
    /// left the files of a deleted space behind.
    ///
    /// The folder is listed before `live` is asked: a space's files appear only after the commit
    /// that created the space, so a file listed belongs to a space `live` already knows of —
    /// even while another process is creating spaces.
    func removeFiles(except live: () throws -> Set<String>) rethrows {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory), !names.isEmpty else { return }
        let live = try live()
        for name in names {
            let base = name.split(separator: ".").first.map(String.init) ?? name
            if !live.contains(base) { unlink(directory + "/" + name) }
        }
    }

    /// Deletes both planes of a space (after the commit that deleted it, with no reader left).
    func remove(_ name: String) {
        waitForReaders()
        for plane in 0...1 { unlink(path(name, plane: plane)) }
    }

    // MARK: Writing

    /// One plane file open for writing; `close()` it when done.
    struct Writer {
        let descriptor: Int32
        let path: String

        /// Opens (creating, and making its directory entry durable, when missing) a plane.
        /// - Throws: `io` naming the file.
        init(path: String, directory: String) throws {
            var descriptor = open(path, O_RDWR | O_CLOEXEC)
            if descriptor < 0 && errno == ENOENT {
                descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
                if descriptor >= 0 { try VectorFiles.syncDirectory(directory) }
            }
            guard descriptor >= 0 else { throw VectorFiles.ioError("cannot open", path) }
            self.descriptor = descriptor
            self.path = path
        }

        /// Writes `count` bytes at `offset`, in pieces ending at multiples of `writebackPiece` in
        /// the file, asking the kernel after each to start writing the whole pages done so far to
        /// the disk (`sync_file_range`): the disk works while the next piece is copied, and
        /// `sync()` has little left to wait for. The last, partial page is left out, as writing a
        /// page again while it is under writeback waits for the writeback.
        func write(_ bytes: UnsafeRawPointer, count: Int, at offset: Int) throws {
            let piece = VectorFiles.writebackPiece
            var done = 0
            var requested = offset
            while done < count {
                let position = offset + done
                let pieceEnd = min(offset + count, (position / piece + 1) * piece)
                let wrote = pwrite(descriptor, bytes + done, pieceEnd - position, off_t(position))
                if wrote < 0 {
                    if errno == EINTR { continue }
                    throw VectorFiles.ioError("cannot write", path)
                }
                done += wrote
                let wholePages = (offset + done) / VectorFiles.pageSize * VectorFiles.pageSize
                if wholePages - requested >= piece || (done == count && wholePages > requested) {
                    VectorFiles.startWriteback(descriptor, offset: requested, count: wholePages - requested)
                    requested = wholePages
                }
            }
        }

        /// Waits until everything written is on the disk (`fdatasync`).
        func sync() throws {
            guard fdatasync(descriptor) == 0 else { throw VectorFiles.ioError("cannot sync", path) }
        }

        func close() { Glibc.close(descriptor) }
    }

    // MARK: Reading

    /// One plane file open for reading; nil when the file does not exist.
    struct Reader {
        let descriptor: Int32
        let path: String

        init?(path: String) throws {
            let descriptor = open(path, O_RDONLY | O_CLOEXEC)
            if descriptor < 0 {
                if errno == ENOENT { return nil }
                throw VectorFiles.ioError("cannot open", path)
            }
            self.descriptor = descriptor
            self.path = path
        }

        /// Reads exactly `count` bytes at `offset`.
        /// - Throws: `corruptData` when the file ends first (a vector the database records is missing).
        func read(into buffer: UnsafeMutableRawPointer, count: Int, at offset: Int) throws {
            try readExactly(descriptor, path: path, into: buffer, count: count, at: offset) { end in
                CatalogError(.corruptData, "the vector file '\(path)' ends at byte \(end); the database records vectors up to byte \(offset + count)")
            }
        }

        func close() { Glibc.close(descriptor) }
    }

    /// Bytes written between two writeback requests.
    static let writebackPiece = 4 << 20
    static let pageSize = max(4096, Int(sysconf(Int32(_SC_PAGESIZE))))

    /// Linux's `sync_file_range`, looked up at run time (Swift's Glibc module leaves out the
    /// GNU declarations); nil where the C library lacks it.
    private static let syncFileRange: (@convention(c) (Int32, Int64, Int64, UInt32) -> Int32)? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "sync_file_range") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) (Int32, Int64, Int64, UInt32) -> Int32).self)
    }()

    /// Starts writing the dirty pages of a range to the disk without waiting
    /// (`SYNC_FILE_RANGE_WRITE`); a hint — durability still comes from `fdatasync`.
    static func startWriteback(_ descriptor: Int32, offset: Int, count: Int) {
        _ = syncFileRange?(descriptor, Int64(offset), Int64(count), 2)
    }

    static func ioError(_ what: String, _ path: String) -> CatalogError {
        CatalogError(.io, "\(what) the vector file '\(path)': \(String(cString: strerror(errno)))")
    }

    /// Makes a new file's directory entry durable.
    static func syncDirectory(_ directory: String) throws {
        let descriptor = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { throw ioError("cannot open the folder of", directory) }
        defer { Glibc.close(descriptor) }
        guard fsync(descriptor) == 0 else { throw ioError("cannot sync the folder of", directory) }
    }
}
