import Foundation
import PackagePlugin

/// Embeds the web UI's files (the target's `WebUI/` folder) into the target as Swift source, so
/// `loupe serve` carries its UI inside the one binary and serves it offline from wherever the
/// binary is installed. The files are rebuilt into the source whenever one of them changes.
@main
struct EmbedWebUI: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let root = target.directoryURL.appending(path: "WebUI")
        let files = try Self.files(under: root)
        let output = context.pluginWorkDirectoryURL.appending(path: "WebUIAssets+Embedded.swift")
        return [
            .buildCommand(
                displayName: "Embedding \(files.count) web UI files into \(target.name)",
                executable: try context.tool(named: "EmbedWebUITool").url,
                arguments: [root.path, output.path] + files.map(\.path),
                inputFiles: files,
                outputFiles: [output])
        ]
    }

    /// Every regular file under `root`, sorted, skipping hidden ones.
    static func files(under root: URL) throws -> [URL] {
        guard let walker = FileManager.default.enumerator(
            at: root, includingPropertiesForKeys: [.isRegularFileKey], options: [.skipsHiddenFiles])
        else { return [] }
        var files: [URL] = []
        for case let url as URL in walker where try url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile == true {
            files.append(url)
        }
        return files.sorted { $0.path < $1.path }
    }
}
