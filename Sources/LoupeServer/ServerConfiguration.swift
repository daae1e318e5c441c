import Foundation
import Logging

/// What `loupe serve` and the tests choose about a server. Shaped after Hummingbird's examples:
/// ``buildApplication(_:)`` takes any `AppArguments`, so the CLI's parsed options and a test's
/// literal values go through the same code.
public protocol AppArguments: Sendable {
    /// The address to bind; `127.0.0.1` unless the user asks for more.
    var hostname: String { get }
    /// The TCP port; 0 picks a free one.
    var port: Int { get }
    /// The catalog's data directory (created if missing).
    var dataDirectory: String { get }
    /// The log level; `nil` keeps `LOG_LEVEL` or `info`.
    var logLevel: Logger.Level? { get }
    /// Request body limits.
    var limits: RequestLimits { get }
}

/// A plain set of ``AppArguments``.
public struct ServerConfiguration: AppArguments {
    public var hostname: String
    public var port: Int
    public var dataDirectory: String
    public var logLevel: Logger.Level?
    public var limits: RequestLimits

    public init(
        hostname: String = "127.0.0.1", port: Int = 8080, dataDirectory: String = "./loupe-data",
        logLevel: Logger.Level? = nil, limits: RequestLimits = RequestLimits()
    ) {
        self.hostname = hostname
        self.port = port
        self.dataDirectory = dataDirectory
        self.logLevel = logLevel
        self.limits = limits
    }
}

extension AppArguments {
    /// Whether `hostname` only accepts connections from this machine.
    public var bindsLoopbackOnly: Bool {
        let host = hostname.lowercased()
        if host == "localhost" || host == "::1" || host == "[::1]" { return true }
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets[0] == "127" && octets.allSatisfy { UInt8($0) != nil }
    }

    /// Refuses a server that would listen beyond loopback with no API key to guard it.
    /// - Throws: ``ServerError`` `.unguardedExposure` naming the fix.
    public func checkExposure(keys: APIKeyStore) throws {
        guard !bindsLoopbackOnly else { return }
        guard try keys.hasActiveKeys() else {
            throw ServerError(
                .unguardedExposure,
                "Refusing to listen on \(hostname): beyond loopback a key is required and \(keys.fileURL.path) has no active API key. "
                    + "Create one with `loupe keys create --data-dir \(dataDirectory) --name NAME --scope admin`, or bind to 127.0.0.1.")
        }
    }
}
