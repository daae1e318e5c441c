import Foundation
import Testing
import VectorIndex

/// Expects `body` to throw a `VectorIndexError` with `code` and a message, and records an issue
/// (at the caller's line) when it succeeds, throws another code, or throws something else.
public func expectIndexError(
    _ code: VectorIndexError.Code, _ label: String = "", sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () throws -> Void
) {
    do {
        try body()
        Issue.record("\(label): expected \(code), nothing was thrown", sourceLocation: sourceLocation)
    } catch let error as VectorIndexError {
        if error.code != code || error.message.isEmpty {
            Issue.record("\(label): expected \(code), got \(error)", sourceLocation: sourceLocation)
        }
    } catch {
        Issue.record("\(label): expected \(code), got \(error)", sourceLocation: sourceLocation)
    }
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
