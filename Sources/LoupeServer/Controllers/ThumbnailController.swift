import Catalog
import Foundation
import Hummingbird

/// Makes a small JPEG of an image: what the thumbnail route needs from an image library.
public protocol ThumbnailRenderer: Sendable {
    /// JPEG bytes of the image in `data`, scaled so that no side is longer than `size` pixels.
    /// - Throws: when the image does not decode; the message names what is wrong.
    func jpegThumbnail(of data: Data, size: Int) throws -> Data
}

/// `GET /v1/datasets/{dataset}/rows/{row}/thumbnail?size=N` (read): a small picture of an image
/// row for the gallery, the detail panel and the map's hover.
///
/// With a ``ThumbnailRenderer`` the server decodes the row's image, scales it to at most `size`
/// pixels a side, encodes a JPEG and caches it in `<data>/thumbnails` (keyed by path, size,
/// modification time and file size, so an edited file gets a new one). Without one it answers
/// the image file itself, and the browser scales it.
public struct ThumbnailController<Repository: RowRepository>: Sendable {
    let repository: Repository
    let renderer: (any ThumbnailRenderer)?
    let cacheDirectory: URL

    static var sizes: ClosedRange<Int> { 16...1024 }

    public init(repository: Repository, renderer: (any ThumbnailRenderer)?, cacheDirectory: URL) {
        self.repository = repository
        self.renderer = renderer
        self.cacheDirectory = cacheDirectory
    }

    /// Adds the route to `group` (mounted at `/v1/datasets/{dataset}/rows`).
    public func addRoutes(to group: RouterGroup<LoupeRequestContext>) {
        group.get(":row/thumbnail", use: thumbnail)
    }

    @Sendable func thumbnail(_ request: Request, context: LoupeRequestContext) async throws -> Response {
        let size = try request.integer("size", default: 160, in: Self.sizes)
        let row = try await repository.row(context.parameters.decoded("row"), in: context.parameters.decoded("dataset"))
        guard row.mediaType == .image else {
            throw APIError.notFound("Row '\(row.id)' is \(row.mediaType.rawValue), not an image; it has no thumbnail.")
        }
        let file = try Self.localFile(row)
        let attributes: [FileAttributeKey: Any]
        do {
            attributes = try FileManager.default.attributesOfItem(atPath: file.path)
        } catch {
            throw APIError.notFound("The image of row '\(row.id)' is missing: \(file.path).")
        }
        let modified = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
        let length = (attributes[.size] as? NSNumber)?.intValue ?? 0
        let etag = "\"\(String(Self.hash("\(file.path)|\(size)|\(modified)|\(length)|\(renderer == nil ? "raw" : "jpeg")"), radix: 16))\""
        var headers: HTTPFields = [.eTag: etag, .cacheControl: "private, max-age=3600"]
        if request.headers[.ifNoneMatch] == etag { return Response(status: .notModified, headers: headers) }
        let body: Data
        if let renderer {
            let cached = cacheDirectory.appendingPathComponent(String(etag.dropFirst().dropLast()) + ".jpg")
            if let data = try? Data(contentsOf: cached) {
                body = data
            } else {
                do {
                    body = try renderer.jpegThumbnail(of: try Data(contentsOf: file), size: size)
                } catch {
                    throw APIError.validation("The image of row '\(row.id)' (\(file.path)) cannot be made into a thumbnail: \(error)")
                }
                try? FileManager.default.createDirectory(at: cacheDirectory, withIntermediateDirectories: true)
                try? body.write(to: cached, options: .atomic)
            }
            headers[.contentType] = "image/jpeg"
        } else {
            body = try Data(contentsOf: file)
            headers[.contentType] = Self.imageType(file.pathExtension)
        }
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
    }

    /// The file a row's `rowData` names: a path or a `file://` URI.
    static func localFile(_ row: DataRow) throws -> URL {
        let data = row.rowData
        if data.hasPrefix("file://"), let url = URL(string: data), url.isFileURL { return url }
        if data.hasPrefix("/") { return URL(fileURLWithPath: data) }
        throw APIError.notFound("Row '\(row.id)' points at '\(data.prefix(200))', which is not a local file; only local images get thumbnails.")
    }

    static func imageType(_ pathExtension: String) -> String {
        switch pathExtension.lowercased() {
        case "png": "image/png"
        case "jpg", "jpeg": "image/jpeg"
        case "webp": "image/webp"
        case "gif": "image/gif"
        default: "application/octet-stream"
        }
    }

    /// FNV-1a 64-bit of the cache key.
    static func hash(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return hash
    }
}
