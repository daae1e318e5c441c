import Foundation
import Hummingbird

/// The routes the web UI needs beyond the catalog API: row thumbnails, the cluster map with its
/// R-tree selections, and smart select. Kept apart so the integrator can reconcile them with the
/// Curation module and the image codecs in one place.
/// - Parameters:
///   - v1: the `/v1` group (requiring `read`).
///   - dataDirectory: thumbnails go to `<data>/thumbnails` (maps are kept by the catalog).
///   - thumbnails: makes JPEG thumbnails (by default through `Encoders`' codecs); with `nil` the
///     image files are served as they are.
func addWebUIRoutes(
    to v1: RouterGroup<LoupeRequestContext>, service: some CatalogService, dataDirectory: URL,
    thumbnails: (any ThumbnailRenderer)? = EncodersThumbnailRenderer()
) {
    ThumbnailController(repository: service, renderer: thumbnails,
                        cacheDirectory: dataDirectory.appendingPathComponent("thumbnails", isDirectory: true))
        .addRoutes(to: v1.group("datasets/:dataset/rows"))
    MapController(service: service).addRoutes(to: v1.group("datasets/:dataset/spaces"))
    SmartSelectController(service: service).addRoutes(to: v1.group("datasets"))
}
