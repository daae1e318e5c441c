import Foundation
import Testing
import VectorIndex

/// Expects `body` to throw an `E` for which `matches` holds, and records an issue (at the caller's
/// line) when it succeeds, throws another error, or throws one that does not match.
public func expectError<E: Error>(
    _ type: E.Type, _ label: String, sourceLocation: SourceLocation, matches: (E) -> Bool, _ body: () throws -> Void
) {
    do {
        try body()
        Issue.record("\(label): expected \(E.self), nothing was thrown", sourceLocation: sourceLocation)
    } catch let error as E where matches(error) {
        return
    } catch {
        Issue.record("\(label): expected a matching \(E.self), got \(error)", sourceLocation: sourceLocation)
    }
}

/// Expects `body` to throw a `VectorIndexError` with `code` and a message, and records an issue
/// (at the caller's line) when it succeeds, throws another code, or throws something else.
public func expectIndexError(
    _ code: VectorIndexError.Code, _ label: String = "", sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () throws -> Void
) {
    expectError(VectorIndexError.self, "\(label) (\(code))", sourceLocation: sourceLocation,
                matches: { $0.code == code && !$0.message.isEmpty }, body)
}

/// Expects loading `bytes` (written to a file in `folder`) with `load` to fail with `code`:
/// a damaged index file must be an error with a reason, never a crash.
public func expectLoadRejected(
    _ bytes: Data, in folder: TemporaryFolder, _ label: String, code: VectorIndexError.Code = .corruptFile,
    sourceLocation: SourceLocation = #_sourceLocation, load: (String) throws -> Void
) {
    let path = folder.file("damaged-\(label)")
    _ = FileManager.default.createFile(atPath: path, contents: bytes)
    expectIndexError(code, label, sourceLocation: sourceLocation) { try load(path) }
}
