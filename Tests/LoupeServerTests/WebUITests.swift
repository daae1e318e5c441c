import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import LoupeServer

/// The web UI's files are embedded in the binary and served at `/` and `/ui/…`.
@Suite struct WebUITests {
    /// A router with only the web UI's routes, behind the API's JSON errors.
    func application(assets: WebUIAssets = .embeddedFiles) -> some ApplicationProtocol {
        let router = Router(context: LoupeRequestContext.self)
        router.addMiddleware { APIErrorMiddleware<LoupeRequestContext>() }
        WebUIController(assets: assets).addRoutes(to: router)
        return Application(router: router)
    }

    @Test func embedsEveryFileOfTheFolder() throws {
        let paths = WebUIAssets.embeddedFiles.paths
        #expect(paths.contains("index.html"))
        #expect(paths.contains("loupe.css"))
        #expect(paths.contains("js/app.js"))
        // Every module app.js imports (transitively) is embedded: the page works from the binary.
        let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources/LoupeServer/WebUI")
        let onDisk = WebUIAssets(folder: sources).paths
        #expect(paths == onDisk)
    }

    @Test func servesThePageAndItsModules() async throws {
        try await application().test(.router) { client in
            try await client.execute(uri: "/", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "text/html; charset=utf-8")
                #expect(String(buffer: response.body).contains("<script type=\"module\" src=\"/ui/js/app.js\">"))
            }
            try await client.execute(uri: "/ui/js/app.js", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "text/javascript; charset=utf-8")
                #expect(String(buffer: response.body).contains("import { api } from './api.js';"))
            }
        }
    }

    @Test func answersNotModifiedForTheSameETag() async throws {
        try await application().test(.router) { client in
            let etag = try await client.execute(uri: "/ui/loupe.css", method: .get) { response in
                #expect(response.status == .ok)
                return try #require(response.headers[.eTag])
            }
            try await client.execute(uri: "/ui/loupe.css", method: .get, headers: [.ifNoneMatch: etag]) { response in
                #expect(response.status == .notModified)
                #expect(response.body.readableBytes == 0)
            }
        }
    }

    @Test func refusesUnknownFilesAndClimbingPaths() async throws {
        try await application().test(.router) { client in
            for path in ["/ui/js/missing.js", "/ui/js/../../Package.swift", "/ui/.hidden"] {
                try await client.execute(uri: path, method: .get) { response in
                    #expect(response.status == .notFound, "\(path)")
                }
            }
        }
        for path in ["../Package.swift", "js/../../x", ".hidden", ""] {
            #expect(throws: APIError.self, "\(path)") { try WebUIAssets.embeddedFiles.asset(at: path) }
        }
        #expect(try WebUIAssets.embeddedFiles.asset(at: "js/missing.js") == nil)
    }

    @Test func servesFromAFolderWhenAsked() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("loupe-webui-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data("<p>edited</p>".utf8).write(to: folder.appendingPathComponent("index.html"))
        try await application(assets: WebUIAssets(folder: folder)).test(.router) { client in
            try await client.execute(uri: "/", method: .get) { response in
                #expect(String(buffer: response.body) == "<p>edited</p>")
                #expect(response.headers[.eTag] == nil)
            }
        }
    }
}
