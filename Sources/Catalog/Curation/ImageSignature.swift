import Foundation

/// What image near-duplicate search keeps of one image row's file, so that later calls need
/// not decode it again: the file's path, size and modification time when it was read, its
/// 64-bit pHash (`ImageHash.perceptual`) and its gray thumbnail (`ImageThumbnail`).
///
/// A signature is used only while the row still names the same path and the file has the same
/// size and modification time (to the nanosecond); otherwise the file is read again.
public struct ImageSignature: Sendable, Hashable {
    /// The path the row named.
    public var file: String
    /// The file's size in bytes when it was read.
    public var fileSize: Int64
    /// The file's modification time when it was read, in nanoseconds since 1970.
    public var modified: Int64
    /// The pHash bits.
    public var perceptualHash: UInt64
    /// The thumbnail's side.
    public var thumbnailSide: Int
    /// `thumbnailSide` × `thumbnailSide` gray levels, row-major.
    public var thumbnail: [UInt8]

    public init(file: String, fileSize: Int64, modified: Int64, perceptualHash: UInt64, thumbnailSide: Int, thumbnail: [UInt8]) {
        self.file = file
        self.fileSize = fileSize
        self.modified = modified
        self.perceptualHash = perceptualHash
        self.thumbnailSide = thumbnailSide
        self.thumbnail = thumbnail
    }
}
