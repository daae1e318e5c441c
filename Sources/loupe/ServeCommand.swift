import ArgumentParser
import Catalog
import Foundation
import Hummingbird
import Logging
import LoupeServer
import NIOCore
import NIOPosix

/// `loupe serve`: the HTTP API over the catalog in a data directory, until SIGINT or SIGTERM.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the HTTP API (see /openapi.json) over the catalog in the data directory.",
        discussion: """
            Binds to 127.0.0.1 unless --host says otherwise; beyond loopback it refuses to start \
            until the data directory has an API key (`loupe keys create`). Once any key exists, \
            every /v1 route but /v1/health needs 'Authorization: Bearer <key>'. Stops gracefully on \
            SIGINT or SIGTERM: requests in flight finish, running jobs stay pending and resume at \
            the next start.
            """)

    @Option(name: .customLong("data-dir"), help: "The data directory (created if missing).")
    var dataDirectory = CatalogConfiguration.defaultDataDirectory

    @Option(help: "The address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "The port to listen on.")
    var port = 8080

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String?

    @Option(help: "Largest JSON body, in MiB.")
    var maxBodyMiB = 4

    @Option(help: "Largest streamed import body, in MiB.")
    var maxUploadMiB = 4096

    @Flag(help: "Print the OpenAPI document the server serves at /openapi.json, and exit.")
    var printOpenAPI = false

    /// Where the server's Swift tasks run.
    enum Executor: String, ExpressibleByArgument, CaseIterable {
        /// SwiftNIO's event loops take over Swift's global executor: a request's handler runs on
        /// the thread that read it, with no hop between the network and the route.
        case eventLoops = "event-loops"
        /// Swift's cooperative pool, beside NIO's event loops.
        case cooperative
    }

    @Option(help: "Where request handlers run: 'event-loops' (no thread hop per request) or 'cooperative' (Swift's own pool).")
    var executor = Executor.eventLoops

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be in 0…65535") }
        guard maxBodyMiB > 0, maxUploadMiB > 0 else { throw ValidationError("--max-body-mib and --max-upload-mib must be positive") }
        if let logLevel, Logger.Level(rawValue: logLevel) == nil { throw ValidationError("unknown --log-level '\(logLevel)'") }
    }

    func run() async throws {
        if printOpenAPI {
            print(OpenAPIDocument.document.jsonText)
            return
        }
        if executor == .eventLoops, !NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor() {
            FileHandle.standardError.write(Data("warning: NIO's event loops could not take over Swift's global executor; running on the cooperative pool\n".utf8))
        }
        let arguments = ServerConfiguration(
            hostname: host, port: port, dataDirectory: dataDirectory, logLevel: logLevel.flatMap(Logger.Level.init(rawValue:)),
            limits: RequestLimits(jsonBody: maxBodyMiB << 20, streamedBody: maxUploadMiB << 20))
        do {
            let app = try await buildApplication(arguments, models: CLIModels.registry())
            try await app.runService()
        } catch let error as ServerError {
            FileHandle.standardError.write(Data("error: \(error.message)\n".utf8))
            throw ExitCode(2)
        } catch let error as CatalogError {
            FileHandle.standardError.write(Data("error: \(error.message)\n".utf8))
            throw ExitCode(error.exitCode)
        }
    }
}
