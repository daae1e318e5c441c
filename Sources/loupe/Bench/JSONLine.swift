import Foundation

/// One machine-readable result line: keys keep their order, numbers are rounded sensibly, and
/// missing values are `null`.
struct JSONLine {
    private var fields: [(String, String)] = []

    mutating func add(_ key: String, _ value: String) {
        fields.append((key, "\"\(value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\""))\""))
    }

    mutating func add(_ key: String, _ value: Double?, digits: Int = 4) {
        guard let value, value.isFinite else {
            fields.append((key, "null"))
            return
        }
        fields.append((key, String(format: "%.\(digits)f", value)))
    }

    mutating func add(_ key: String, _ value: Int) { fields.append((key, String(value))) }

    var text: String { "{" + fields.map { "\"\($0.0)\": \($0.1)" }.joined(separator: ", ") + "}" }
}

/// Progress for people, on standard error so standard output stays machine-readable.
func log(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}
