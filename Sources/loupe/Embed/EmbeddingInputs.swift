import Foundation

/// What `loupe embed` reads: texts or image files, each with the id it is written under.
enum EmbeddingInput {
    case text(id: String, text: String)
    case image(id: String, file: URL)

    var id: String {
        switch self {
        case .text(let id, _), .image(let id, _): id
        }
    }

    /// The file extensions read as images and as texts when a folder is embedded.
    static let imageExtensions: Set<String> = ["jpg", "jpeg", "png", "webp"]
    static let textExtensions: Set<String> = ["txt", "md"]

    /// Every image or text file under `folder` (recursively, sorted by path), with its path
    /// relative to `folder` as the id; hidden files are skipped.
    static func folder(_ folder: URL) throws -> [EmbeddingInput] {
        let base = folder.standardizedFileURL
        guard let walker = FileManager.default.enumerator(
            at: base, includingPropertiesForKeys: [.isRegularFileKey], options: [.skipsHiddenFiles])
        else { throw CLIError("cannot read the folder \(folder.path)") }
        var inputs: [EmbeddingInput] = []
        for case let url as URL in walker {
            guard (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true else { continue }
            let id = String(url.standardizedFileURL.path.dropFirst(base.path.count + 1))
            let fileExtension = url.pathExtension.lowercased()
            if imageExtensions.contains(fileExtension) {
                inputs.append(.image(id: id, file: url))
            } else if textExtensions.contains(fileExtension) {
                let text: String
                do { text = try String(contentsOf: url, encoding: .utf8) } catch {
                    throw CLIError("\(url.path) is not UTF-8 text")
                }
                inputs.append(.text(id: id, text: text))
            }
        }
        return inputs.sorted { $0.id < $1.id }
    }

    /// Texts from a file: NDJSON lines `{"id": …, "text": …}` when the file ends in `.ndjson` or
    /// `.jsonl`, otherwise one text a line with its line number (from 1) as the id. Empty lines of
    /// a plain text file are skipped.
    /// - Throws: `CLIError` naming the line of a malformed NDJSON line.
    static func textFile(_ file: URL) throws -> [EmbeddingInput] {
        let content: String
        do { content = try String(contentsOf: file, encoding: .utf8) } catch {
            throw CLIError("\(file.path) cannot be read as UTF-8 text")
        }
        let lines = content.split(separator: "\n", omittingEmptySubsequences: false)
        let isNDJSON = ["ndjson", "jsonl"].contains(file.pathExtension.lowercased())
        var inputs: [EmbeddingInput] = []
        for (index, rawLine) in lines.enumerated() {
            let line = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine
            if line.allSatisfy(\.isWhitespace) { continue }
            if isNDJSON {
                guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                      let text = object["text"] as? String
                else { throw CLIError("\(file.path):\(index + 1): expected a JSON object with a \"text\" string") }
                let id = (object["id"] as? String) ?? (object["id"] as? NSNumber)?.stringValue ?? String(index + 1)
                inputs.append(.text(id: id, text: text))
            } else {
                inputs.append(.text(id: String(index + 1), text: String(line)))
            }
        }
        return inputs
    }
}
