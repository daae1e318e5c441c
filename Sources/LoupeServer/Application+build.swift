import Catalog
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle

/// The application `loupe serve` runs: the catalog in `arguments.dataDirectory`, opened with
/// `models` and its job runner, served until SIGINT or SIGTERM, then closed (running jobs stay
/// pending and resume at the next start; changed indexes are saved).
/// - Throws: ``ServerError`` for an unguarded address, or the catalog's error when the
///   data directory can't be opened.
public func buildApplication(_ arguments: some AppArguments, models: ModelRegistry) async throws -> some ApplicationProtocol {
    let keys = APIKeyStore(directory: URL(fileURLWithPath: arguments.dataDirectory, isDirectory: true))
    try arguments.checkExposure(keys: keys)  // before opening anything
    let catalog = try await Catalog.open(CatalogConfiguration(dataDirectory: arguments.dataDirectory, models: models, runsJobs: true))
    var app = try buildApplication(arguments, service: catalog)
    app.addServices(CatalogLifecycle(catalog: catalog))
    return app
}

/// Closes the catalog when the application shuts down, after the HTTP server stopped taking
/// requests (a service group shuts its services down in reverse order).
struct CatalogLifecycle: Service {
    let catalog: Catalog

    func run() async throws {
        try? await gracefulShutdown()
        await catalog.close()
    }
}

/// The application on any catalog service (the tests hand it one).
///
/// Refuses to build when the server would listen beyond loopback without an API key
/// (``ServerError``). The returned application stops gracefully on SIGINT and SIGTERM when
/// run with `runService()`.
/// - Parameters:
///   - arguments: address, data directory, log level and body limits.
///   - service: what the routes serve.
public func buildApplication(_ arguments: some AppArguments, service: some CatalogService) throws -> Application<RouterResponder<LoupeRequestContext>> {
    let logger = makeLogger(arguments)
    let dataDirectory = URL(fileURLWithPath: arguments.dataDirectory, isDirectory: true)
    let keys = APIKeyStore(directory: dataDirectory)
    try arguments.checkExposure(keys: keys)
    let router = buildRouter(
        service: service, keys: keys, limits: arguments.limits, spoolDirectory: dataDirectory.appendingPathComponent("uploads"))
    return Application(
        router: router,
        configuration: .init(address: .hostname(arguments.hostname, port: arguments.port), serverName: "loupe"),
        logger: logger)
}

/// The router with every route of the API, behind request logging, JSON errors, body limits and
/// API keys.
public func buildRouter(
    service: some CatalogService, keys: APIKeyStore, limits: RequestLimits, spoolDirectory: URL
) -> Router<LoupeRequestContext> {
    let spool = Spool(directory: spoolDirectory)
    let router = Router(context: LoupeRequestContext.self)
    router.addMiddleware {
        RequestLogMiddleware()
        APIErrorMiddleware<LoupeRequestContext>()
        RequestLimitsMiddleware(limits: limits)
        APIKeyMiddleware(keys: keys)
    }
    router.get("openapi.json") { _, _ in OpenAPIDocument.response() }
    WebUIController().addRoutes(to: router)
    router.get("v1/health") { _, context in
        Health(status: "ok", auth: try keys.hasActiveKeys() ? "keys" : "open", scope: context.scope?.rawValue)
    }
    let v1 = router.group("v1").add(middleware: RequireScope(.read))
    DatasetController(repository: service).addRoutes(to: v1.group("datasets"))
    ExportController(service: service).addRoutes(to: v1.group("datasets"))
    RowController(repository: service, spool: spool).addRoutes(to: v1.group("datasets/:dataset/rows"))
    AnnotationController(repository: service).addRoutes(to: v1.group("datasets/:dataset"))
    SpaceController(repository: service, spool: spool).addRoutes(to: v1.group("datasets/:dataset/spaces"))
    SearchController(service: service).addRoutes(spaces: v1.group("datasets/:dataset/spaces"), v1: v1)
    JobController(repository: service).addRoutes(to: v1.group("jobs"))
    KeyController(keys: keys).addRoutes(v1: v1, router: router)
    CurationController(service: service).addRoutes(spaces: v1.group("datasets/:dataset/spaces"), datasets: v1.group("datasets/:dataset"))
    addWebUIRoutes(to: v1, service: service, dataDirectory: spoolDirectory.deletingLastPathComponent())
    return router
}

/// `GET /v1/health`: the server is up; whether it requires keys; the caller's scope.
struct Health: ResponseCodable {
    var status: String
    var auth: String
    var scope: String?
}

private func makeLogger(_ arguments: some AppArguments) -> Logger {
    var logger = Logger(label: "loupe")
    if let level = arguments.logLevel {
        logger.logLevel = level
    } else if let text = ProcessInfo.processInfo.environment["LOG_LEVEL"], let level = Logger.Level(rawValue: text) {
        logger.logLevel = level
    } else {
        logger.logLevel = .info
    }
    return logger
}
