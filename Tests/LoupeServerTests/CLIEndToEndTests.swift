import AsyncHTTPClient
import Foundation
import NIOCore
import Testing

/// The built `loupe` binary end to end: `keys create`, `serve` on a free loopback port, requests
/// over HTTP, SIGTERM (a graceful stop), then the catalog commands on what the server stored.
@Suite("loupe serve end to end")
struct CLIEndToEndTests {
    /// The `loupe` executable built beside the tests.
    static func binary() throws -> URL {
        var folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = folder.appendingPathComponent("loupe")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            folder = folder.deletingLastPathComponent()
        }
        throw CLIError("loupe is not built beside the tests (swift build --product loupe)")
    }

    struct CLIError: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    /// Runs `loupe arguments` to the end: exit status and standard output.
    static func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = try binary()
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// A port nobody listens on now (bound and released).
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw CLIError("cannot find a free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    static func request(
        _ method: String, _ url: String, body: String? = nil, contentType: String = "application/json", key: String? = nil
    ) async throws -> (status: Int, body: String) {
        var request = HTTPClientRequest(url: url)
        request.method = .init(rawValue: method)
        if let body {
            request.body = .bytes(ByteBuffer(string: body))
            request.headers.add(name: "Content-Type", value: contentType)
        }
        if let key { request.headers.add(name: "Authorization", value: "Bearer \(key)") }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 16 << 20)
        return (Int(response.status.code), String(buffer: bytes))
    }

    @Test("keys create, serve, HTTP import and search, SIGTERM, then search and export from the CLI")
    func serveAndCommands() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("loupe-e2e-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let data = directory.path
        let created = try Self.run(["keys", "create", "--data-dir", data, "--name", "e2e", "--scope", "write"])
        #expect(created.status == 0)
        let key = created.output.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(key.hasPrefix("loupe_"))

        let port = try Self.freePort()
        let server = Process()
        server.executableURL = try Self.binary()
        server.arguments = ["serve", "--data-dir", data, "--port", String(port), "--log-level", "warning"]
        server.standardOutput = FileHandle.nullDevice
        server.standardError = FileHandle.nullDevice
        try server.run()
        defer { if server.isRunning { server.terminate() } }
        let url = "http://127.0.0.1:\(port)"
        var healthy = false
        for _ in 0..<200 where !healthy {
            healthy = (try? await Self.request("GET", "\(url)/v1/health"))?.status == 200
            if !healthy { try await Task.sleep(for: .milliseconds(50)) }
        }
        try #require(healthy, "loupe serve did not answer /v1/health")

        #expect(try await Self.request("GET", "\(url)/v1/datasets").status == 401)
        #expect(try await Self.request("POST", "\(url)/v1/datasets", body: #"{"name": "e2e"}"#, key: key).status == 201)
        let rows = (0..<50).map { #"{"id": "r\#($0)", "row_data": "row \#($0)", "labels": ["\#($0 % 2 == 0 ? "even" : "odd")"]}"# }
        let imported = try await Self.request(
            "POST", "\(url)/v1/datasets/e2e/rows/import", body: rows.joined(separator: "\n"), contentType: "application/x-ndjson", key: key)
        #expect(imported.status == 200 && imported.body.contains(#""stored":50"#), "\(imported)")
        #expect(try await Self.request("POST", "\(url)/v1/datasets/e2e/spaces", body: #"{"name": "v", "dimensions": 2}"#, key: key).status == 201)
        let vectors = (0..<50).map { #"{"id": "r\#($0)", "vector": [\#(cos(Double($0) / 8)), \#(sin(Double($0) / 8))]}"# }
        let stored = try await Self.request(
            "POST", "\(url)/v1/datasets/e2e/spaces/v/vectors", body: vectors.joined(separator: "\n") + "\n{bad", contentType: "application/x-ndjson", key: key)
        #expect(stored.status == 200 && stored.body.contains(#""stored":50"#) && stored.body.contains(#""line":51"#), "\(stored)")
        let search = try await Self.request("POST", "\(url)/v1/datasets/e2e/spaces/v/search", body: #"{"positive": ["r10"], "k": 2}"#, key: key)
        #expect(search.status == 200 && search.body.contains(#""row_id":"r11""#) && search.body.contains(#""row_id":"r9""#), "\(search)")

        // SIGTERM: the server stops gracefully and exits 0.
        server.terminate()
        server.waitUntilExit()
        #expect(server.terminationReason == .exit && server.terminationStatus == 0)

        // What the server acknowledged is on disk for the CLI.
        let cliSearch = try Self.run(["search", "--data-dir", data, "--dataset", "e2e", "--space", "v", "--like", "r10", "-k", "2", "--json"])
        #expect(cliSearch.status == 0 && cliSearch.output.contains("r11") && cliSearch.output.contains("r9"), "\(cliSearch)")
        let export = try Self.run(["export", "--data-dir", data, "--dataset", "e2e", "--label", "even"])
        #expect(export.status == 0 && export.output.split(separator: "\n").count == 25, "\(export)")
        #expect(try Self.run(["keys", "revoke", "--data-dir", data, String(key.split(separator: "_")[1])]).status == 0)
        #expect(try Self.run(["keys", "list", "--data-dir", data, "--json"]).output.contains("revoked"))
    }
}
