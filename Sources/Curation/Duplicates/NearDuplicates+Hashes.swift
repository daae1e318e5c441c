import VectorMath

extension NearDuplicates {
    /// The near-duplicate pairs and groups among 64-bit hashes (perceptual image hashes, SimHash
    /// fingerprints): pairs whose Hamming distance is at most `maxDistance`.
    ///
    /// Exact: every pair is compared, by the SIMD popcount kernel of `VectorKernels` (8 hashes
    /// per call, AVX-512 VPOPCNTDQ or AVX2 where the CPU has them) on `threads` cores — about
    /// n²/2 popcounts, a few seconds for 100,000 hashes on one core.
    ///
    /// A pair's `score` is its similarity `1 − distance / 64`, so pairs read like the other
    /// kinds (higher is closer); `.mostCentral` picks the member with the largest sum of
    /// similarities to the members it was paired with.
    /// - Parameters:
    ///   - hashes: one hash per row.
    ///   - rows: the row slot of each hash (default: its position).
    ///   - maxDistance: the largest Hamming distance of a pair, 0...63.
    ///   - maxPairs: the most pairs an answer may hold.
    /// - Throws: `CurationError` — `invalidArgument` for a distance outside 0...63 or repeated
    ///   rows, `unknownRow` for mismatched rows, `limitExceeded` past `maxPairs`.
    /// - Complexity: O(n²) popcounts.
    public static func hashes(
        _ hashes: [UInt64], rows: [UInt32]? = nil, maxDistance: Int, representative: Representative = .mostCentral,
        threads: Int? = nil, maxPairs: Int = defaultMaxPairs
    ) throws(CurationError) -> Result {
        let threads = try Parallel.threads(threads)
        guard (0...63).contains(maxDistance) else {
            throw CurationError(.invalidArgument, "the Hamming distance of 64-bit hashes must be in 0...63 (got \(maxDistance))")
        }
        let ids = rows ?? (0..<UInt32(hashes.count)).map { $0 }
        guard ids.count == hashes.count else {
            throw CurationError(.unknownRow, "\(hashes.count) hashes but \(ids.count) row slots")
        }
        guard Set(ids).count == ids.count else { throw CurationError(.invalidArgument, "the row slots of the hashes repeat") }
        try validate(representative, rows: ids)
        guard !hashes.isEmpty else { return Result(pairs: [], groups: [], isExact: true, candidatesScored: 0, saturatedRows: 0) }

        // One word per code: the kernel's interleaved block layout is then the plain array,
        // padded to whole blocks of 8.
        let block = BinaryCodeLayout.blockSize
        let blockCount = (hashes.count + block - 1) / block
        var codes = hashes
        codes.append(contentsOf: repeatElement(0, count: blockCount * block - hashes.count))
        let kernels = VectorKernels.active
        let cutoff = -Float(maxDistance) - 0.5
        let chunk = 64
        let chunks = (hashes.count + chunk - 1) / chunk
        let workers = Parallel.workers(items: chunks, threads: threads)
        let findings = (0..<workers).map { _ in Findings() }
        let count = hashes.count
        codes.withUnsafeBufferPointer { codes in
            // Each worker writes only its own `Findings` and scratch; the codes are read-only.
            let shared = UncheckedSendable((codes: codes.baseAddress!, findings: findings))
            Parallel.forEach(items: chunks, threads: workers) { worker, item in
                let mine = shared.value.findings[worker]
                let codes = shared.value.codes
                // Past the pair limit the answer is refused anyway: stop collecting.
                guard mine.pairs.count <= maxPairs else { return }
                var distances = [Float](repeating: 0, count: blockCount * block)
                var hits = [UInt32](repeating: 0, count: blockCount * block)
                for i in (item * chunk)..<min(count, (item + 1) * chunk) {
                    // Compare row i with the blocks from its own onwards; keep only j > i.
                    let first = i / block
                    let found = distances.withUnsafeMutableBufferPointer { distances in
                        var query = codes[i]
                        kernels.negatedHammingDistances(&query, blocks: codes + first * block, words: 1, blockCount: blockCount - first,
                                                        into: distances.baseAddress!)
                        return hits.withUnsafeMutableBufferPointer { hits in
                            kernels.indices(of: distances.baseAddress!, count: (blockCount - first) * block, above: cutoff,
                                            into: hits.baseAddress!)
                        }
                    }
                    mine.scored += count - i - 1
                    for h in 0..<found {
                        let j = first * block + Int(hits[h])
                        guard j > i, j < count else { continue }
                        let (a, b) = ids[i] < ids[j] ? (ids[i], ids[j]) : (ids[j], ids[i])
                        mine.pairs.append(Pair(first: a, second: b, score: 1 + distances[Int(hits[h])] / 64))
                    }
                }
            }
        }
        let pairs = try merged(findings, maxPairs: maxPairs, threshold: "\(1 - Double(maxDistance) / 64) (at most \(maxDistance) differing bits)")
        return Result(pairs: pairs, groups: groups(of: pairs, representative: representative, centrality: pairCentrality(pairs)),
                      isExact: true, candidatesScored: findings.reduce(0) { $0 + $1.scored }, saturatedRows: 0)
    }
}
