import Foundation
import HTTPTypes
import Hummingbird

/// The web UI: `GET /` answers the page, `GET /ui/…` its stylesheet and ES modules. The files
/// are embedded in the binary at build time (``WebUIAssets``), so the UI works offline from any
/// install; no data is in them, so they need no API key (the API calls they make do).
public struct WebUIController: Sendable {
    let assets: WebUIAssets

    /// - Parameter assets: where the files come from; by default the embedded ones, or the folder
    ///   named by `LOUPE_WEB_ROOT` when set (to work on the UI without rebuilding).
    public init(assets: WebUIAssets = .fromEnvironment()) { self.assets = assets }

    /// Adds `GET /` and `GET /ui/<file>` for each of the UI's files to `router`. One route per
    /// file, so the OpenAPI document lists exactly what is served.
    public func addRoutes(to router: Router<LoupeRequestContext>) {
        router.get("/") { request, _ in try self.serve("index.html", request: request) }
        for path in assets.subresourcePaths {
            router.get(RouterPath("ui/" + path)) { request, _ in try self.serve(path, request: request) }
        }
    }

    func serve(_ path: String, request: Request) throws -> Response {
        guard let asset = try assets.asset(at: path) else {
            throw APIError.notFound("The web UI has no file '\(path)'.")
        }
        var headers: HTTPFields = [.contentType: asset.contentType, .cacheControl: "no-cache"]
        if let etag = asset.etag {
            headers[.eTag] = etag
            if request.headers[.ifNoneMatch] == etag { return Response(status: .notModified, headers: headers) }
        }
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: asset.body)))
    }
}
