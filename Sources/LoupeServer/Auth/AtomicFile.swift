import Foundation

/// Whole-file writes that either land completely or not at all: a temporary file beside the
/// target, fsynced, renamed over it, and the directory fsynced.
enum AtomicFile {
    static func write(_ data: Data, to url: URL, mode: mode_t) throws {
        let temporary = url.path + ".tmp-\(getpid())"
        let fd = open(temporary, O_CREAT | O_TRUNC | O_WRONLY, mode)
        guard fd >= 0 else { throw failure("create", temporary) }
        var ok = data.withUnsafeBytes { bytes -> Bool in
            var offset = 0
            while offset < bytes.count {
                let written = Foundation.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
                if written < 0 { if errno == EINTR { continue }; return false }
                offset += written
            }
            return true
        }
        ok = ok && fsync(fd) == 0
        close(fd)
        guard ok, rename(temporary, url.path) == 0 else {
            let error = failure("write", temporary)
            unlink(temporary)
            throw error
        }
        let directory = open(url.deletingLastPathComponent().path, O_RDONLY)
        if directory >= 0 {
            fsync(directory)
            close(directory)
        }
    }

    private static func failure(_ verb: String, _ path: String) -> ServerError {
        ServerError(.unwritable, "Can't \(verb) \(path): \(String(cString: strerror(errno)))")
    }
}
