import Foundation

/// The files of the web UI (`Sources/LoupeServer/WebUI/`): embedded into the binary by the
/// `EmbedWebUI` build plugin, or read from a folder on disk while working on them.
public struct WebUIAssets: Sendable {
    /// One file as the plugin embeds it.
    struct EmbeddedFile: Sendable {
        let etag: String
        let base64: String
    }

    /// One file ready to serve.
    struct Asset: Sendable {
        let contentType: String
        /// A strong validator for embedded files; `nil` for files read from disk.
        let etag: String?
        let body: [UInt8]
    }

    private let embedded: [String: Asset]
    private let folder: URL?

    /// The files compiled into the binary.
    public static let embeddedFiles = WebUIAssets(folder: nil)

    /// The embedded files, or the folder named by the `LOUPE_WEB_ROOT` environment variable.
    public static func fromEnvironment() -> WebUIAssets {
        if let root = ProcessInfo.processInfo.environment["LOUPE_WEB_ROOT"], !root.isEmpty {
            return WebUIAssets(folder: URL(fileURLWithPath: root, isDirectory: true))
        }
        return embeddedFiles
    }

    /// - Parameter folder: serve the files under this folder instead of the embedded ones.
    public init(folder: URL?) {
        self.folder = folder
        if folder != nil {
            embedded = [:]
        } else {
            var decoded: [String: Asset] = [:]
            for (path, file) in Self.embedded {
                // The plugin wrote these literals from the files' bytes; a literal that does not
                // decode, or a file of a type the UI does not use, would be a build defect, and the
                // file is then left out (answered as 404).
                guard let data = Data(base64Encoded: file.base64), let type = Self.contentType(of: path) else { continue }
                decoded[path] = Asset(contentType: type, etag: file.etag, body: [UInt8](data))
            }
            embedded = decoded
        }
    }

    /// The paths of the files, sorted.
    public var paths: [String] {
        if let folder, let walker = FileManager.default.enumerator(atPath: folder.path) {
            return walker.compactMap { $0 as? String }.filter { !$0.hasPrefix(".") && Self.contentType(of: $0) != nil }.sorted()
        }
        return embedded.keys.sorted()
    }

    /// The files served under `/ui/`: all but the page itself, which is served at `/`.
    public var subresourcePaths: [String] { paths.filter { $0 != "index.html" } }

    /// The file at `path` (relative to WebUI/), or `nil` if there is none.
    /// - Throws: ``APIError`` 400 for a path that climbs out of the folder; a read error from disk.
    func asset(at path: String) throws -> Asset? {
        let parts = path.split(separator: "/", omittingEmptySubsequences: true)
        guard !parts.isEmpty, !parts.contains(where: { $0 == ".." || $0 == "." || $0.hasPrefix(".") }) else {
            throw APIError.invalid("Bad web UI path '\(path)'.")
        }
        let clean = parts.joined(separator: "/")
        guard let folder else { return embedded[clean] }
        let url = folder.appendingPathComponent(clean)
        guard let type = Self.contentType(of: clean), FileManager.default.fileExists(atPath: url.path) else { return nil }
        return Asset(contentType: type, etag: nil, body: [UInt8](try Data(contentsOf: url)))
    }

    static func contentType(of path: String) -> String? {
        switch (path as NSString).pathExtension.lowercased() {
        case "html": "text/html; charset=utf-8"
        case "css": "text/css; charset=utf-8"
        case "js": "text/javascript; charset=utf-8"
        case "json": "application/json"
        case "svg": "image/svg+xml"
        case "png": "image/png"
        default: nil
        }
    }
}
