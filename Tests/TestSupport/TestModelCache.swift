import Foundation

/// The model files `loupe models fetch` (`make models`) puts in the cache, for tests below the
/// Encoders module (which has `ModelStore`) that need real weights. A missing file fails the test
/// with a message saying how to fetch it; such tests never skip.
public enum TestModelCache {
    /// A missing model file, with the command that fetches it.
    public struct MissingFile: Error, CustomStringConvertible {
        public let path: String
        public var description: String {
            "model file \(path) is missing: run `make models` (loupe models fetch), or set LOUPE_MODEL_CACHE to the cache it filled"
        }
    }

    /// `$LOUPE_MODEL_CACHE`, or `~/.cache/loupe/models`, as `ModelStore.defaultDirectory`.
    public static var folder: URL {
        if let path = ProcessInfo.processInfo.environment["LOUPE_MODEL_CACHE"], !path.isEmpty {
            return URL(fileURLWithPath: path, isDirectory: true)
        }
        return FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/loupe/models", isDirectory: true)
    }

    /// The file at `relativePath` in the cache (e.g. `efficientnet-lite0/efficientnet-lite0.pth`).
    /// - Throws: `MissingFile` when it is not there.
    public static func file(_ relativePath: String) throws -> URL {
        let url = folder.appendingPathComponent(relativePath)
        guard FileManager.default.fileExists(atPath: url.path) else { throw MissingFile(path: url.path) }
        return url
    }
}
