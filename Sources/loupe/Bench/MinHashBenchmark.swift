import Foundation
import VectorIndex
import VectorMath

/// The measurements behind `loupe bench minhash`, under the peer's rules: one thread, the best of
/// `repeats` passes for throughput, and settings named exactly as `scripts/minhash_peer.py` names
/// them so the two sides pair up.
struct MinHashBenchmark {
    let inputs: MinHashInputs
    let repeats: Int
    static let permutations = 128
    static let threshold = 0.6
    /// (label, false-positive weight, false-negative weight, verification): as the peer's
    /// PLANTED_SETTINGS.
    static let plantedSettings: [(String, Double, Double, MinHashLSHIndex.Verification)] = [
        ("w0.5", 0.5, 0.5, .signature(margin: 0)),
        ("w0.5", 0.5, 0.5, .signature(margin: 0.05)),
        ("w0.1", 0.1, 0.9, .signature(margin: 0)),
        ("w0.1", 0.1, 0.9, .signature(margin: 0.05)),
        ("w0.1", 0.1, 0.9, .exact),
    ]

    private func best(_ body: () throws -> Void) rethrows -> Double {
        try bestWallAndCPU(body).wall
    }

    /// The fastest of `repeats` passes in wall-clock seconds and in CPU seconds of this thread
    /// (which a busy machine inflates less: time spent descheduled does not count).
    private func bestWallAndCPU(_ body: () throws -> Void) rethrows -> (wall: Double, cpu: Double) {
        var wall = Double.infinity, cpu = Double.infinity
        for _ in 0..<max(repeats, 1) {
            let startCPU = Self.threadCPUTime()
            wall = min(wall, try BenchClock.time(body))
            cpu = min(cpu, Self.threadCPUTime() - startCPU)
        }
        return (wall, cpu)
    }

    private static func threadCPUTime() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
    }

    /// The sets as compressed rows: all tokens, and where each set starts.
    private static func compressed(_ sets: [[UInt64]]) -> (tokens: [UInt64], offsets: [Int]) {
        var offsets = [0]
        offsets.reserveCapacity(sets.count + 1)
        for set in sets { offsets.append(offsets.last! + set.count) }
        return (sets.flatMap { $0 }, offsets)
    }

    /// (1) Signature throughput: one signature value per set (as datasketch builds one MinHash per
    /// set), and the batch API over compressed rows; at every kernel level for reference.
    func signatures() throws -> [JSONLine] {
        let sets = inputs.sets
        var line = JSONLine()
        line.add("lib", "loupe")
        line.add("test", "signatures")
        line.add("setting", "\(sets.count) sets x 100 tokens, k=\(Self.permutations)")
        let (tokens, offsets) = Self.compressed(sets)
        var output = [UInt64](repeating: 0, count: sets.count * Self.permutations)
        var sink: UInt64 = 0
        for level in VectorKernels.Level.allCases.reversed() where level.rawValue <= VectorKernels.active.level.rawValue {
            let hasher = try MinHasher(numPermutations: Self.permutations, seed: 1, kernels: VectorKernels(level: level))
            let (single, singleCPU) = bestWallAndCPU {
                for set in sets { sink &+= hasher.signature(of: set).values[0] }
            }
            let batch = try best {
                try tokens.withUnsafeBufferPointer { tokens in
                    try offsets.withUnsafeBufferPointer { offsets in
                        try output.withUnsafeMutableBufferPointer { try hasher.signatures(ofSets: tokens, setOffsets: offsets, into: $0) }
                    }
                }
            }
            let suffix = level == VectorKernels.active.level ? "" : "_\(level)"
            if suffix.isEmpty {
                line.add("sets_per_s", Double(sets.count) / single, digits: 0)
                line.add("us_per_set", single / Double(sets.count) * 1e6, digits: 3)
                line.add("cpu_us_per_set", singleCPU / Double(sets.count) * 1e6, digits: 3)
                line.add("batch_us_per_set", batch / Double(sets.count) * 1e6, digits: 3)
                line.add("kernels", "\(level)")
            } else {
                line.add("us_per_set\(suffix)", single / Double(sets.count) * 1e6, digits: 3)
            }
            log("loupe signatures (\(level)): \(String(format: "%.2f", single / Double(sets.count) * 1e6)) µs/set, batch \(String(format: "%.2f", batch / Double(sets.count) * 1e6))")
        }
        if sink == 42 { log("") }
        return [line]
    }

    /// ann_peers.py's LSH micro-benchmark: threshold 0.5, 5,000 sets, 200 queries at Jaccard 0.667.
    func syntheticLSH() throws -> JSONLine {
        let index = try MinHashLSHIndex(threshold: 0.5, numPermutations: Self.permutations, seed: 1)
        let (signatures, _) = Self.signatures(of: inputs.sets, hasher: index.hasher)
        let ids = (0..<UInt32(inputs.sets.count)).map { $0 }
        let insert = try BenchClock.time {
            try signatures.withUnsafeBufferPointer { values in
                try ids.withUnsafeBufferPointer { try index.insert(signatures: values, ids: $0) }
            }
        }
        let queries = inputs.setQueries.map { index.hasher.signature(of: $0) }
        var found: [[UInt32]] = []
        let query = try best { found = try queries.map { try index.candidates(of: $0) } }
        var line = JSONLine()
        line.add("lib", "loupe")
        line.add("test", "synthetic_lsh")
        line.add("setting", "t=0.5 b=\(index.banding.bands) r=\(index.banding.rows)")
        line.add("insert_us", insert / Double(ids.count) * 1e6, digits: 3)
        line.add("query_qps", Double(queries.count) / query, digits: 0)
        line.add("recall", Double(found.enumerated().filter { $0.element.contains(UInt32($0.offset)) }.count) / Double(found.count))
        line.add("candidates_per_query", Double(found.reduce(0) { $0 + $1.count }) / Double(found.count), digits: 3)
        return line
    }

    private static func signatures(of sets: [[UInt64]], hasher: MinHasher) -> ([UInt64], Double) {
        let (tokens, offsets) = compressed(sets)
        var values = [UInt64](repeating: 0, count: sets.count * hasher.numPermutations)
        let seconds = BenchClock.time {
            tokens.withUnsafeBufferPointer { tokens in
                offsets.withUnsafeBufferPointer { offsets in
                    values.withUnsafeMutableBufferPointer { try? hasher.signatures(ofSets: tokens, setOffsets: offsets, into: $0) }
                }
            }
        }
        return (values, seconds)
    }

    /// (3) Mean absolute error of the estimate over the seeded pairs, for seeds 1…`seeds`.
    func estimateError(seeds: Int) throws -> JSONLine {
        let pairCount = inputs.pairs.count / 2
        let truth = (0..<pairCount).map { Jaccard.exact(inputs.pairs[2 * $0], inputs.pairs[2 * $0 + 1]) }
        var errors: [Double] = []
        for seed in 1...max(seeds, 1) {
            let hasher = try MinHasher(numPermutations: Self.permutations, seed: UInt64(seed))
            for (i, exact) in truth.enumerated() {
                let estimate = try hasher.signature(of: inputs.pairs[2 * i]).jaccard(hasher.signature(of: inputs.pairs[2 * i + 1]))
                errors.append(estimate - exact)
            }
        }
        let absolute = errors.map(abs)
        let mae = absolute.reduce(0, +) / Double(absolute.count)
        let variance = absolute.reduce(0) { $0 + ($1 - mae) * ($1 - mae) } / Double(absolute.count - 1)
        var line = JSONLine()
        line.add("lib", "loupe")
        line.add("test", "estimate_error")
        line.add("setting", "\(pairCount) pairs x \(seeds) seeds, k=\(Self.permutations)")
        line.add("mae", mae, digits: 6)
        line.add("mae_stderr", (variance / Double(absolute.count)).squareRoot(), digits: 6)
        line.add("bias", errors.reduce(0, +) / Double(errors.count), digits: 6)
        log(String(format: "loupe estimate MAE %.5f", mae))
        return line
    }

    /// (2) Planted near-duplicates: index the glosses, query with every planted copy, and count
    /// the originals found (recall) and the reported pairs truly at or above the threshold
    /// (precision, by exact Jaccard of the shingle sets).
    func plantedNearDuplicates() throws -> [JSONLine] {
        let shingling = Shingling.characterFiveGrams
        var corpusTokens: [[UInt64]] = []
        var queryTokens: [[UInt64]] = []
        let shingleSeconds = BenchClock.time {
            corpusTokens = inputs.corpus.map { shingling.tokens(of: $0) }
            queryTokens = inputs.planted.map { shingling.tokens(of: $0.text) }
        }
        // Loupe's shingles must give the peer's Jaccard for every planted pair.
        var largestDifference = 0.0
        for (q, planted) in inputs.planted.enumerated() {
            let exact = Jaccard.exact(queryTokens[q], corpusTokens[planted.original])
            largestDifference = max(largestDifference, abs(exact - planted.jaccard))
        }
        let hasher = try MinHasher(numPermutations: Self.permutations, seed: 1)
        let (signatures, signatureSeconds) = Self.signatures(of: corpusTokens, hasher: hasher)
        let ids = (0..<UInt32(inputs.corpus.count)).map { $0 }

        var lines: [JSONLine] = []
        for (label, fp, fn, verification) in Self.plantedSettings {
            let banding = try LSHBanding.optimal(threshold: Self.threshold, numPermutations: Self.permutations,
                                                 falsePositiveWeight: fp, falseNegativeWeight: fn)
            let keepSets = verification == .exact
            let index = try MinHashLSHIndex(hasher: hasher, banding: banding, keepSets: keepSets, shingling: shingling)
            let insert = try BenchClock.time {
                try signatures.withUnsafeBufferPointer { values in
                    try ids.withUnsafeBufferPointer { try index.insert(signatures: values, ids: $0, sets: keepSets ? corpusTokens : nil) }
                }
            }
            var results: [SearchResult] = []
            let query = try best {
                results = try queryTokens.map { try index.nearDuplicates(ofTokens: $0, threshold: Self.threshold, verification: verification) }
            }
            var hits = 0, reported = 0, trulySimilar = 0, candidates = 0
            for (q, result) in results.enumerated() {
                if result.ids.contains(UInt32(inputs.planted[q].original)) { hits += 1 }
                reported += result.neighbors.count
                candidates += result.candidatesScored
                trulySimilar += result.ids.filter { Jaccard.exact(queryTokens[q], corpusTokens[Int($0)]) >= Self.threshold }.count
            }
            let margin: String
            switch verification {
            case .signature(let value): margin = "signature margin=\(value)"
            case .exact: margin = "exact margin=0.0"
            }
            var line = JSONLine()
            line.add("lib", "loupe")
            line.add("test", "planted")
            line.add("setting", "\(label) b=\(banding.bands) r=\(banding.rows) \(margin)")
            line.add("bands", banding.bands)
            line.add("rows", banding.rows)
            line.add("recall", Double(hits) / Double(results.count))
            line.add("precision", reported == 0 ? nil : Double(trulySimilar) / Double(reported))
            line.add("candidates_per_query", Double(candidates) / Double(results.count), digits: 2)
            line.add("query_qps", Double(results.count) / query, digits: 0)
            line.add("insert_us", insert / Double(ids.count) * 1e6, digits: 3)
            line.add("signature_us", signatureSeconds / Double(ids.count) * 1e6, digits: 3)
            line.add("shingle_us", shingleSeconds / Double(ids.count + queryTokens.count) * 1e6, digits: 3)
            line.add("corpus", ids.count)
            line.add("queries", results.count)
            line.add("shingle_jaccard_max_diff", largestDifference, digits: 6)
            line.add("memory_mb", Double(index.memoryBytes) / 1e6, digits: 1)
            log("loupe planted \(label) \(banding) \(margin): recall \(String(format: "%.4f", Double(hits) / Double(results.count)))")
            lines.append(line)
        }
        return lines
    }
}
