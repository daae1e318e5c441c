import Foundation

/// Generated identifiers and the cursors handed out for paging.
enum Identifiers {
    /// A new random identifier: 32 lowercase hex digits (a UUID without dashes).
    static func make() -> String {
        UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
    }
}

/// Checks of names and identifiers given by users.
enum Validation {
    /// The longest id or name accepted.
    static let maximumLength = 512

    /// A row id, dataset id or global key: 1–512 UTF-8 bytes, no control characters (any other
    /// Unicode is fine).
    static func identifier(_ text: String, what: String) throws {
        guard !text.isEmpty else { throw CatalogError.invalid("\(what) is empty") }
        guard text.utf8.count <= maximumLength else {
            throw CatalogError.invalid("\(what) is \(text.utf8.count) bytes long; the limit is \(maximumLength)")
        }
        if let bad = text.unicodeScalars.first(where: { $0.properties.generalCategory == .control }) {
            throw CatalogError.invalid("\(what) '\(text.debugDescription)' holds the control character U+\(String(bad.value, radix: 16, uppercase: true))")
        }
    }

    /// A display name: like an identifier, and not only white space.
    static func name(_ text: String, what: String) throws {
        try identifier(text, what: what)
        guard !text.allSatisfy(\.isWhitespace) else { throw CatalogError.invalid("\(what) is only white space") }
    }
}
