import VectorMath

/// The parameters of a `SimHashIndex`.
public struct SimHashParameters: Sendable, Equatable {
    /// How candidates are found.
    public enum Mode: Sendable, Equatable {
        /// Every code is compared with the query's by Hamming distance (popcount), summed over
        /// the tables: the brute-force Hamming scan of faiss `IndexLSH`, the usual choice up to a
        /// few million vectors.
        case scan
        /// Classic LSH tables: each table maps its `bitsPerTable`-bit code to a bucket, and a query
        /// reads the buckets within Hamming distance `probeRadius` of its own code in every table
        /// (multi-probe). `bitsPerTable` must be at most `SimHashParameters.maxBucketBits`.
        case buckets(probeRadius: Int)
    }

    /// Bits per table (b).
    public var bitsPerTable: Int
    /// Tables (L); a vector's code has `bitsPerTable · tables` bits.
    public var tables: Int
    /// Scan or buckets.
    public var mode: Mode
    /// A search rescores `k · rescoreFactor` candidates exactly against the float vectors.
    public var rescoreFactor: Int
    /// The Hamming pass keeps `shortlistFactor · k · rescoreFactor` codes, which the asymmetric
    /// score (the query's projections summed over each code's set bits) narrows to the
    /// `k · rescoreFactor` that are rescored exactly. 1 skips the asymmetric pass.
    public var shortlistFactor: Int
    /// Hash `x − μ` instead of `x`, with μ the mean of the stored vectors (learnt from the first
    /// vectors and refreshed, re-encoding every code, each time the index doubles up to
    /// `SimHashIndex.centreLearningLimit` vectors). Sign bits of centred data split it evenly,
    /// which matters for data far from the origin such as image pixels.
    public var centered: Bool
    /// Orthonormalise the hyperplanes in groups of `dimensions` (Ji et al., "Super-Bit
    /// Locality-Sensitive Hashing", NIPS 2012): the same expected collision rates with less
    /// variance than independent Gaussian directions.
    public var orthogonal: Bool
    /// Seed of the random hyperplanes.
    public var seed: UInt64
    /// Threads used to encode large batches.
    public var buildThreads: Int

    /// Largest `bitsPerTable` in bucket mode (a table's directory has 2^b heads).
    public static let maxBucketBits = 24
    /// Largest code length.
    public static let maxBits = 8192

    /// Parameters; the defaults are one 256-bit table scanned in full with k · 10 candidates
    /// rescored (the smallest LSH setting of `ann_peers.py`).
    public init(bitsPerTable: Int = 256, tables: Int = 1, mode: Mode = .scan, rescoreFactor: Int = 10,
                shortlistFactor: Int = 2, centered: Bool = true, orthogonal: Bool = true, seed: UInt64 = 1234,
                buildThreads: Int? = nil) {
        self.bitsPerTable = bitsPerTable
        self.tables = tables
        self.mode = mode
        self.rescoreFactor = rescoreFactor
        self.shortlistFactor = shortlistFactor
        self.centered = centered
        self.orthogonal = orthogonal
        self.seed = seed
        self.buildThreads = buildThreads ?? KMeans.availableCores
    }

    /// Bits per code, over all tables.
    public var totalBits: Int { bitsPerTable * tables }
    /// 64-bit words per code.
    var words: Int { (totalBits + 63) / 64 }

    func validate() throws {
        guard bitsPerTable >= 1, tables >= 1, totalBits <= Self.maxBits else {
            throw VectorIndexError(.invalidArgument, "SimHash needs bitsPerTable ≥ 1 and tables ≥ 1 with at most \(Self.maxBits) bits in all (got \(bitsPerTable) × \(tables))")
        }
        if case .buckets(let radius) = mode {
            guard bitsPerTable <= Self.maxBucketBits else {
                throw VectorIndexError(.invalidArgument, "bucket mode takes at most \(Self.maxBucketBits) bits per table (got \(bitsPerTable)); use more tables or scan mode")
            }
            guard (0...min(bitsPerTable, 4)).contains(radius) else {
                throw VectorIndexError(.invalidArgument, "probeRadius must be in 0...\(min(bitsPerTable, 4)) (got \(radius))")
            }
        }
        guard rescoreFactor >= 1, shortlistFactor >= 1 else {
            throw VectorIndexError(.invalidArgument, "rescoreFactor and shortlistFactor must be at least 1 (got \(rescoreFactor), \(shortlistFactor))")
        }
        guard buildThreads >= 1 else { throw VectorIndexError(.invalidArgument, "buildThreads must be at least 1") }
    }
}
