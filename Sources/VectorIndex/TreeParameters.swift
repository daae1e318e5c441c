/// The parameters shared by the bulk-built trees (`KDTreeIndex`, `VPTreeIndex`).
///
/// A tree is built in bulk over every vector present. Vectors added later wait in a small
/// buffer that every search scans exactly, until it holds more than `rebuildFraction` of the
/// tree; removed vectors stay in the tree as tombstones, never returned, until they are more
/// than `compactionFraction` of it. Either event rebuilds the tree from the live vectors.
public struct TreeParameters: Sendable, Equatable {
    /// The most vectors a leaf holds (a leaf is scored in one pass of the SIMD kernels).
    public var leafSize: Int
    /// The buffer of added vectors is merged into the tree once it holds more than this fraction
    /// of the tree's live vectors (and more than `leafSize` vectors).
    public var rebuildFraction: Double
    /// The tree is rebuilt without its tombstones once they are more than this fraction of it.
    public var compactionFraction: Double
    /// Seeds the random choices of a build (the VP-tree's vantage points), so builds repeat.
    public var seed: UInt64

    /// Parameters with these values; the defaults suit vectors of up to a few dozen dimensions.
    public init(leafSize: Int = 32, rebuildFraction: Double = 0.1, compactionFraction: Double = 0.25, seed: UInt64 = 42) {
        self.leafSize = leafSize
        self.rebuildFraction = rebuildFraction
        self.compactionFraction = compactionFraction
        self.seed = seed
    }

    /// The largest accepted leaf size.
    public static let maximumLeafSize = 4096

    func validate() throws {
        guard (4...Self.maximumLeafSize).contains(leafSize) else {
            throw VectorIndexError(.invalidArgument, "leafSize must be in 4...\(Self.maximumLeafSize) (got \(leafSize))")
        }
        guard rebuildFraction > 0, rebuildFraction <= 1 else {
            throw VectorIndexError(.invalidArgument, "rebuildFraction must be in (0, 1] (got \(rebuildFraction))")
        }
        guard compactionFraction > 0, compactionFraction <= 1 else {
            throw VectorIndexError(.invalidArgument, "compactionFraction must be in (0, 1] (got \(compactionFraction))")
        }
    }
}
