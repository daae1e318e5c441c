import Foundation

/// A small gray copy of an image, for pixel-level near-duplicate checks (Curation's
/// `ImageCorrelation` and `NearDuplicates.images`): the picture converted to Pillow's 8-bit gray
/// (`convert('L')`, ITU-R 601-2 luma) and resized to `side` × `side` with Pillow's bilinear
/// filter (`ImageResizer`, bit-exact with `Image.resize((side, side), Image.BILINEAR)`, which
/// averages over the whole source when reducing), ignoring the aspect ratio.
///
/// The bilinear reduction is smooth enough that a picture and a resized, re-encoded or slightly
/// shifted copy of it give nearly the same thumbnail, and 24 pixels keep enough detail to tell
/// apart two different pictures of the same kind (two shirts). Decoding goes through
/// `ImageDecoder` (transparent pixels over white), as for `ImageHash`.
public struct ImageThumbnail: Sendable, Hashable {
    /// The side the catalog uses.
    public static let defaultSide = 24

    /// The side in pixels.
    public let side: Int
    /// `side` × `side` gray levels, row-major.
    public let pixels: [UInt8]

    /// A thumbnail from stored pixels (a cache).
    /// - Throws: `ImageError` when `pixels` is not `side` × `side` values or `side` is not positive.
    public init(side: Int, pixels: [UInt8]) throws {
        guard side > 0, pixels.count == side * side else {
            throw ImageError(.invalidArgument, "a \(side)×\(side) thumbnail needs \(max(0, side) * max(0, side)) pixels, not \(pixels.count)")
        }
        self.side = side
        self.pixels = pixels
    }

    /// The thumbnail of `image`.
    /// - Precondition: `side` is in 1...`ImageResizer.maximumSide`.
    public init(of image: RGBImage, side: Int = defaultSide) {
        self.side = side
        pixels = ImageHash.grayResized(image, width: side, height: side, filter: .bilinear)
    }

    /// The thumbnail of the image file at `path`.
    /// - Throws: `ImageError` naming `path` for a file that cannot be read or decoded.
    public init(file path: String, side: Int = defaultSide, decoder: ImageDecoder = ImageDecoder()) throws {
        self.init(of: try decoder.decode(file: path), side: side)
    }
}
